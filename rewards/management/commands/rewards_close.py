"""python manage.py rewards_close 2026-10: close a month of the rewards programme.

`--background` asks a worker to do it instead (its progress shows in the admin's
"Background tasks"); without it the close runs here, as it always did.
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from comptoir.progress import Progress
from rewards.selectors import cents_text
from rewards.services import close_month_later, close_month_text


class Command(BaseCommand):
    help = "Close a month: pay originators and reviewers their share of net sales."

    def add_arguments(self, parser):
        parser.add_argument("month", help="the month to close, YYYY-MM")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--background",
            action="store_true",
            help="leave the close to a background worker and return at once",
        )

    def handle(self, *args, month, quiet=False, background=False, **options):
        if background:
            try:
                job = close_month_later(text=month)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stdout.write(f"Close of {month} asked for: background job {job.pk}.")
            return
        progress = Progress(self.stdout, quiet=quiet or options["verbosity"] == 0)
        started = time.perf_counter()
        try:
            period, created = close_month_text(text=month, progress=progress)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not created:
            self.stdout.write(f"{period} was already closed: nothing added.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{period} closed in {time.perf_counter() - started:.2f} s: "
                f"{period.lines} statement lines, originators "
                f"{cents_text(period.originators_cents)}, reviewers "
                f"{cents_text(period.reviewers_cents)}."
            )
        )
