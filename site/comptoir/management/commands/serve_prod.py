"""python manage.py serve_prod: migrate, collect static files, then run the Procfile.

What `make serve-prod` runs, with the production settings: HTTP through gunicorn
workers on PORT, websockets through Daphne on WS_PORT, the task worker, all started
and stopped together by honcho (Ctrl-C stops all; each log line carries its
process's name). Only defaults are decided here; the Procfile says what runs.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def serving_environment(environ: dict[str, str], cores: int) -> dict[str, str]:
    """The processes' environment: `environ` with the defaults of what it lacks."""
    env = dict(environ)
    port = int(env.get("PORT") or 8000)
    env["PORT"] = str(port)
    env.setdefault("WS_PORT", str(port + 1))
    # gunicorn's advice for sync workers: two per core (plus one is its formula
    # for a dedicated machine; Daphne and the worker share this one).
    env.setdefault("WEB_CONCURRENCY", str(2 * cores))
    env.setdefault("BIND_HOST", "127.0.0.1")
    # No proxy in front: the pages' scripts find Daphne on the page's host, on its
    # own port. Behind a proxy, LIVE_SOCKET_URL="" keeps sockets on the page's origin.
    env.setdefault("LIVE_SOCKET_URL", f":{env['WS_PORT']}")
    env.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.production")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(settings.SITE_DIR), env.get("PYTHONPATH", "")])
    )
    # Log lines as they happen, not when a buffer fills.
    env["PYTHONUNBUFFERED"] = "1"
    # The virtualenv's gunicorn, daphne and python first.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    return env


class Command(BaseCommand):
    help = (
        "Migrate, collect static files, then serve with gunicorn, Daphne and the "
        "task worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--procfile",
            default=str(settings.BASE_DIR / "Procfile"),
            help="the Procfile to run (default: the checkout's)",
        )
        parser.add_argument(
            "--skip-setup",
            action="store_true",
            help="neither migrate nor collect static files (done by a release step)",
        )

    def handle(self, *args, procfile: str, skip_setup: bool, **options):
        env = serving_environment(dict(os.environ), os.cpu_count() or 1)
        if settings.METRICS_ENABLED:
            # Each process writes its figures there and /metrics adds them up;
            # emptied first, as an earlier run's processes are not this run's.
            directory = env.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(
                prefix="comptoir-metrics-"
            )
            shutil.rmtree(directory, ignore_errors=True)
            os.makedirs(directory)
            env["PROMETHEUS_MULTIPROC_DIR"] = directory
        if not skip_setup:
            call_command("migrate", interactive=False, verbosity=1)
            call_command("collectstatic", interactive=False, verbosity=0)
        if not Path(procfile).is_file():
            raise CommandError(f"No Procfile at {procfile}.")
        self.stdout.write(
            f"Serving on http://{env['BIND_HOST']}:{env['PORT']} (websockets on "
            f"port {env['WS_PORT']}, {env['WEB_CONCURRENCY']} web workers); Ctrl-C "
            "stops them all."
        )
        self.stdout.flush()
        argv = [sys.executable, "-m", "honcho", "start", "--procfile", procfile]
        argv += ["--app-root", str(settings.BASE_DIR), "--port", env["PORT"]]
        # The environment is the one given: no .env file is read behind its back.
        argv += ["--env", os.devnull]
        # The Procfile's paths (site, manage.py) are the checkout's.
        os.chdir(settings.BASE_DIR)
        # honcho takes over this process: Ctrl-C reaches it, and it stops them all.
        os.execvpe(sys.executable, argv, env)
