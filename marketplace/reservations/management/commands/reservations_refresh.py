"""python manage.py reservations_refresh: the daily pass over reservations.

Open reservations past their pick-up day plus the grace days are released (the
member is told, the units are on sale again) and members whose pick-up day is
tomorrow are reminded. Running it twice, or twice at once, releases and reminds
each reservation once. `--now` runs it as of another moment (tests, a catch-up).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from marketplace.reservations.services import reservations_refresh


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
        "Release reservations not collected in time and remind members of "
        "tomorrow's pick-ups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="run as of this moment (ISO date and time); the default is now",
        )

    def handle(self, *args, now=None, **options):
        moment = _moment(now) if now else timezone.now()
        started = time.perf_counter()
        counts = reservations_refresh(now=moment)
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Reservations refreshed in {time.perf_counter() - started:.2f} s: "
                f"{counts['released']} released, {counts['reminded']} reminded."
            )
        )
