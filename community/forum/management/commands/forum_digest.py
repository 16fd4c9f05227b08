"""python manage.py forum_digest: e-mail each member what is new in what they watch.

Run it daily: members who chose a daily digest get one a day, the others (weekly,
the default) one per ISO week, from the first run of the week that finds
something new. Running it twice, or twice at once, sends each digest once
(community/forum/digest.py). `--now` runs it as of another moment (tests, a
catch-up); `--frequency` sends only the daily or only the weekly digests.
`--background` asks a worker to send them instead (its progress shows in the
admin's "Background tasks"); asking again the same day starts no second job.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from community.forum.digest import digests_send, digests_send_later
from community.forum.models import DigestFrequency
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
    help = "E-mail the forum digests that are due (daily and weekly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[str(DigestFrequency.DAILY), str(DigestFrequency.WEEKLY)],
            help="send only the daily or only the weekly digests (default: both)",
        )
        parser.add_argument(
            "--now",
            help="run as of this moment (ISO date and time); the default is now",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress line")
        parser.add_argument(
            "--background",
            action="store_true",
            help="leave the digests to a background worker and return at once",
        )

    def handle(
        self, *args, now=None, frequency=None, quiet=False, background=False, **options
    ):
        moment = _moment(now) if now else timezone.now()
        if background:
            job = digests_send_later(now=moment, frequency=frequency)
            self.stdout.write(
                f"Forum digests of {job.summary} asked for: background job {job.pk}."
            )
            return
        progress = Progress(self.stdout, quiet=quiet or options["verbosity"] == 0)
        started = time.perf_counter()
        counts = digests_send(now=moment, frequency=frequency, progress=progress)
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Forum digests in {time.perf_counter() - started:.2f} s: "
                f"{counts['sent']} sent, {counts['already']} already sent, "
                f"{counts['nothing']} with nothing new."
            )
        )
