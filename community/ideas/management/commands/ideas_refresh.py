"""python manage.py ideas_refresh: the daily pass over ideas gathering support.

Ideas whose supporters reached their stage move on (the last stage puts them in
review), ideas past their stage's deadline expire, and the 14-day supporter
counts behind "trending" are recounted. Running it twice, or twice at once,
changes nothing more. `--now` runs it as of another moment (tests, a catch-up).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from community.ideas.lifecycle import ideas_refresh
from comptoir.progress import Progress


def _moment(text: str):
    try:
        moment = parse_datetime(text.strip())
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"Write --now as an ISO date and time, e.g. 2026-11-23T09:00, not {text!r}."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Move ideas that reached their stage, expire those past their deadline and "
        "recount the 14-day supporters."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="run as of this moment (ISO date and time); the default is now",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, now=None, quiet=False, **options):
        moment = _moment(now) if now else timezone.now()
        progress = Progress(self.stdout, quiet=quiet or options["verbosity"] == 0)
        started = time.perf_counter()
        counts = ideas_refresh(now=moment, progress=progress)
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Ideas refreshed in {time.perf_counter() - started:.2f} s: "
                f"{counts['advanced']} advanced a stage, {counts['in_review']} in "
                f"review, {counts['expired']} expired, {counts['recounted']} "
                "recounted."
            )
        )
