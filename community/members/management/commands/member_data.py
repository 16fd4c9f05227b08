"""Export or erase everything the site holds about one member.

    manage.py member_data export marie@example.fr [--output marie.json]
    manage.py member_data erase marie@example.fr [--yes]

Erasure cannot be undone: it asks the operator to type the member's e-mail address
again unless `--yes` is given.
"""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from community.members.data_requests import member_erase_recorded
from community.members.member_data import member_data_export
from community.members.models import User


class Command(BaseCommand):
    help = "Export (as JSON) or erase the data of the member with this e-mail address."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="Print or write the JSON export.")
        export.add_argument("email")
        export.add_argument(
            "--output", "-o", help="Write the JSON to this file instead of printing it."
        )
        erase = actions.add_parser("erase", help="Erase and anonymise the account.")
        erase.add_argument("email")
        erase.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation."
        )

    def handle(self, *args, action, email, **options):
        member = self._member(email)
        if action == "export":
            self._export(member, options.get("output"))
        else:
            self._erase(member, email, confirmed=options["yes"])

    def _member(self, email: str) -> User:
        matches = list(User.objects.filter(email__iexact=email.strip())[:2])
        if not matches:
            raise CommandError(f"No member has the e-mail address {email!r}.")
        if len(matches) > 1:
            raise CommandError(
                f"Several accounts have the address {email!r} in different cases: "
                "give it exactly as stored."
            )
        return matches[0]

    def _export(self, member: User, output: str | None) -> None:
        export = member_data_export(member=member)
        text = json.dumps(export, indent=2, ensure_ascii=False)
        if not output:
            self.stdout.write(text)
            return
        Path(output).write_text(text + "\n", encoding="utf-8")
        self.stderr.write(f"Member data of {member.email} written to {output}.")

    def _erase(self, member: User, email: str, *, confirmed: bool) -> None:
        if not confirmed:
            self.stdout.write(
                f"This erases the account {member.email} (member #{member.pk}) and "
                "its personal data in every app. It cannot be undone."
            )
            try:
                typed = input("Type the member's e-mail address to confirm: ")
            except EOFError:
                typed = ""
            if typed.strip().lower() != member.email.lower():
                raise CommandError("Erasure cancelled: the address typed differs.")
        try:
            erased, farewell = member_erase_recorded(member=member, by=None)
        except (ValidationError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            raise CommandError(
                "Nothing was erased: " + " ".join(str(m) for m in messages)
            ) from None
        for name, count in erased.items():
            self.stdout.write(f"{name}: {count}")
        for line in farewell:
            # What the member must still be told (a voucher code): pass it on.
            self.stdout.write(f"To tell the member: {line}")
        self.stdout.write(self.style.SUCCESS(f"Member #{member.pk} erased."))
