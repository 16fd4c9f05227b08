"""python manage.py resale_refresh: the daily pass over second-hand listings.

Reservations not handed over in time lapse (both parties told, the listing on
sale again, the members who were interested told); listings on sale past their
expiry expire (the seller told), and those expiring within the reminder days are
reminded once. Running it twice, or twice at once, does each thing once. `--now`
runs it as of another moment (tests, a catch-up).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from marketplace.resale.services import resale_refresh


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
        "Lapse second-hand reservations not handed over in time, expire listings "
        "not sold in time and remind their sellers before."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="run as of this moment (ISO date and time); the default is now",
        )

    def handle(self, *args, now=None, **options):
        moment = _moment(now) if now else timezone.now()
        started = time.perf_counter()
        counts = resale_refresh(now=moment)
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Second-hand refreshed in {time.perf_counter() - started:.2f} s: "
                f"{counts['lapsed']} reservations lapsed, {counts['expired']} "
                f"listings expired, {counts['reminded']} sellers reminded, "
                f"{counts['ratings']} ratings published."
            )
        )
