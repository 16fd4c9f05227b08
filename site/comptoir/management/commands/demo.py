"""`python manage.py demo`: load the demo content once, then print how to log in."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comptoir.demo import DEFAULT_SALES, demo_load
from comptoir.demo.errors import DemoError
from comptoir.demo.members import ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_PASSWORD
from comptoir.progress import Progress


class Command(BaseCommand):
    help = (
        "Load the demo content (stores, products, articles, members, sales). "
        "Runs once: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="Print no progress, only the admin login at the end.",
        )
        parser.add_argument(
            "--sales",
            type=int,
            default=DEFAULT_SALES,
            help=f"How many sales events to ingest (default {DEFAULT_SALES}).",
        )

    def handle(self, *args, quiet=False, sales=DEFAULT_SALES, **options):
        if sales < 0:
            raise CommandError("--sales cannot be negative.")
        progress = Progress(self.stdout, quiet=quiet)
        try:
            loaded = demo_load(progress=progress, sales=sales)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if loaded:
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        else:
            self.stdout.write("Demo content already loaded; nothing changed.")
        base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
        self.stdout.write(
            f"Admin: {base_url.rstrip('/')}/admin/\n"
            f"  e-mail:   {ADMIN_EMAIL}\n"
            f"  password: {ADMIN_PASSWORD}\n"
            f"Demo members (e.g. camille.martin@exemple.fr) use the password "
            f"{MEMBER_PASSWORD}"
        )
