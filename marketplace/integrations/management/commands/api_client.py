"""Create, list and revoke the clients of the integration API."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from marketplace.integrations.sections import api_scopes
from marketplace.integrations.selectors import api_client_get, api_client_list
from marketplace.integrations.services import api_client_create, api_client_revoke


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
        )
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Integration API clients: create (prints the token once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a client and print its token.")
        create.add_argument("name")
        create.add_argument(
            "--scopes",
            required=True,
            help="Comma-separated, among: " + ", ".join(api_scopes()),
        )
        sub.add_parser("list", help="List clients (never their tokens).")
        revoke = sub.add_parser("revoke", help="Revoke a client's token.")
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"handle_{action}")(**options)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc

    def handle_create(self, *, name, scopes, **options):
        client, token = api_client_create(name=name, scopes=scopes)
        self.stdout.write(f"Created API client {client.name} ({client.scopes}).")
        self.stdout.write("Its token, shown this once only (only a hash is kept):")
        self.stdout.write(token)

    def handle_list(self, **options):
        clients = list(api_client_list())
        if not clients:
            self.stdout.write("No API clients.")
        for client in clients:
            state = (
                f"revoked {client.revoked_at:%Y-%m-%d %H:%M}"
                if client.revoked_at
                else "active"
            )
            used = client.last_used_at
            used = f"{used:%Y-%m-%d %H:%M}" if used else "never"
            self.stdout.write(
                f"{client.name}\t{client.token_prefix}…\t{client.scopes}\t"
                f"last used {used}\t{state}"
            )

    def handle_revoke(self, *, name, **options):
        client = api_client_revoke(client=api_client_get(name=name))
        when = f"{client.revoked_at:%Y-%m-%d %H:%M}"
        self.stdout.write(f"Revoked {client.name} at {when}.")
