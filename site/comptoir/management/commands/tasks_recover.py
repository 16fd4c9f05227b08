"""python manage.py tasks_recover: run again the jobs of workers that were lost."""

from django.core.management.base import BaseCommand

from comptoir.background import jobs_recover


class Command(BaseCommand):
    help = (
        "Give the background jobs a killed worker left running their next attempt, "
        "hand over jobs that never reached the task backend, prune old jobs."
    )

    def handle(self, *args, **options):
        recovered = jobs_recover()
        if options["verbosity"]:
            self.stdout.write(f"{recovered} background job(s) handed over again.")
