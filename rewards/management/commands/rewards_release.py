"""python manage.py rewards_release: make pending earnings available after the hold.

Run it daily (cron); running it again the same day adds nothing.
"""

from django.core.management.base import BaseCommand

from rewards.services import rewards_release


class Command(BaseCommand):
    help = "Move earnings past their hold period from pending to available."

    def handle(self, *args, **options):
        written = rewards_release()
        self.stdout.write(f"{written} release transactions written.")
