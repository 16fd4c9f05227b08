"""python manage.py tasks_worker: the background-job worker of production.

django-tasks-db's `db_worker` (same options), plus what it does not do: every
minute, and once at start, the jobs that a killed worker left running are given
their next attempt (comptoir/background.py, `jobs_recover`).
"""

import logging
import threading
import time

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from comptoir.background import jobs_recover

logger = logging.getLogger(__name__)


def _recover_forever(every: float) -> None:
    while True:
        time.sleep(every)
        try:
            jobs_recover()
        except Exception:
            logger.exception("Could not recover the jobs of lost workers")
        finally:
            # This thread's own connection: never held open between rounds.
            connection.close()


class Command(DbWorkerCommand):
    help = (
        "Run background jobs from the database, and every minute give the jobs of "
        "lost workers their next attempt."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--recover-every",
            type=float,
            default=60,
            help="seconds between two looks for jobs of lost workers (default: 60)",
        )

    def handle(self, *args, recover_every: float, **options):
        jobs_recover()
        connection.close()
        if recover_every > 0:
            threading.Thread(
                target=_recover_forever,
                args=(recover_every,),
                name="jobs-recover",
                daemon=True,
            ).start()
        return super().handle(*args, **options)
