"""Mixed load with Locust on PostgreSQL and Redis, under `make serve-prod`.

    .venv/bin/python bench/load.py              # 200 users, 60 s (bounded ~2.5 min)
    .venv/bin/python bench/load.py --users 50 --seconds 20 --output /tmp/r.md

Creates (when missing) and migrates the PostgreSQL database `comptoir_bench_load`
on the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/),
loads the demo data (`manage.py demo`, which changes nothing when it is there),
then serves it with production settings: `manage.py serve_prod` (the Procfile:
gunicorn, Daphne, the task worker) when the Procfile exists, else gunicorn with
2 x cores workers. Redis is REDIS_URL's server, database 13 (the bench's own).
Locust runs headless (bench/locustfile.py: 200 simulated visitors and members,
50 started a second, for 60 s) and its figures go to bench/RESULTS.md: requests,
failures, p50, p95 and requests per second, in total and per kind of request.
Goal (issue 11): 0 errors and p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from run import DATA_DIR, HOST, PYTHON, ROOT, VENV_BIN, OtherCpu, free_port, machine

DATABASE_NAME = "comptoir_bench_load"
SECTION_START = "<!-- load bench start -->"
SECTION_END = "<!-- load bench end -->"

FACTS_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from django.utils import timezone
from community.moderation.models import Suspension
from community.reviews.models import Review
from editorial.models import ArticlePage
from marketplace.catalog.models import Product

products = [f"/products/{slug}/" for slug in
            Product.objects.filter(active=True).values_list("slug", flat=True)[:60]]
articles = [page.url for page in ArticlePage.objects.live()[:30]]
reviews = [{"id": r.pk, "product": f"/products/{r.product.slug}/",
            "author": r.author.email} for r in
           Review.objects.filter(status="published")
           .select_related("product", "author")[:80]]
# Suspended members may only read: they would get the 403 the policy gives.
suspended = Suspension.objects.filter(
    until__gt=timezone.now(), lifted_at__isnull=True
).values("member_id")
members = list(get_user_model().objects.filter(
    email__endswith="@exemple.fr", is_staff=False, is_active=True
).exclude(id__in=suspended).order_by("id").values_list("email", flat=True)[:40])
print(json.dumps({"products": products, "articles": articles, "reviews": reviews,
                  "members": members}))
"""


def log(message: str) -> None:
    print(f"[load] {message}", flush=True)


def database_url() -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/x"
    return urlunsplit(urlsplit(base)._replace(path=f"/{DATABASE_NAME}"))


def redis_url() -> str:
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return urlunsplit(urlsplit(base)._replace(path="/13"))


def database_create(url: str, *, fresh: bool) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{DATABASE_NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def environment(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH="site",
        DJANGO_SETTINGS_MODULE="comptoir.settings.production",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url(),
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or "bench-only-" + "y" * 40,
        SECURE_SSL_REDIRECT="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_CONN_MAX_AGE=env.get("DATABASE_CONN_MAX_AGE") or "60",
        PORT=str(port),
        WS_PORT=str(free_port()),
        METRICS_ENABLED="false",
        ACCOUNT_EMAIL_VERIFICATION="optional",
        # No SMTP server here: e-mails the load causes are dropped, not retried.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    return env


def manage(env: dict, *args: str, timeout: float = 240) -> str:
    completed = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{completed.stderr[-3000:]}")
    return completed.stdout


START_SECONDS = 240


class Server:
    """serve_prod (or gunicorn) in its own process group, stopped on the way out."""

    def __init__(
        self, env: dict, log_path: Path, command: list[str] | None = None, how: str = ""
    ):
        self.env, self.log_path = env, log_path
        self.port = int(env["PORT"])
        self.process: subprocess.Popen | None = None
        # Another server (bench/serving.py's single Daphne) started the same way.
        self.command, self.how = command, how

    def __enter__(self) -> Server:
        if self.command:
            command = self.command
        elif (ROOT / "Procfile").is_file():
            command = [str(PYTHON), "manage.py", "serve_prod"]
            self.how = "`make serve-prod` (manage.py serve_prod: the Procfile)"
        else:
            workers = 2 * (os.cpu_count() or 1)
            command = [
                str(VENV_BIN / "gunicorn"),
                "comptoir.wsgi",
                "--pythonpath",
                "site",
                f"--bind={HOST}:{self.port}",
                f"--workers={workers}",
            ]
            self.how = f"gunicorn, {workers} workers (no Procfile)"
        self.log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            return self._wait_until_it_answers()
        except BaseException:
            # Not yet inside the `with`: nothing else would stop its processes.
            self.__exit__()
            raise

    def _wait_until_it_answers(self) -> Server:
        # migrate and collectstatic come first, slow on a busy machine.
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
                conn.request("GET", "/products/")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(
            f"the server did not answer in {START_SECONDS} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        self.log_file.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def __exit__(self, *exc) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.log_file.close()


def locust(port: int, facts: Path, args: argparse.Namespace) -> Path:
    prefix = DATA_DIR / "load"
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.rate),
        "-t",
        f"{args.seconds}s",
        "--only-summary",
        "--csv",
        str(prefix),
        "--host",
        f"http://{HOST}:{port}",
        "--stop-timeout",
        "5",
    ]
    subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "LOCUST_FACTS": str(facts)},
        timeout=args.seconds + 60,
        check=False,
        stdout=(DATA_DIR / "locust.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    return Path(f"{prefix}_stats.csv")


def stats_read(path: Path) -> list[dict[str, str]]:
    with path.open() as file:
        return list(csv.DictReader(file))


def markdown(rows: list[dict[str, str]], *, how: str, args, other: str) -> str:
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures = int(total["Failure Count"])
    p95 = float(total["95%"])
    met = failures == 0 and p95 < 300
    m = machine()

    def line(row: dict[str, str]) -> str:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        kind = f"{row['Type']} " if row["Type"] else ""
        return (
            f"| {kind}{name} | {int(row['Request Count']):,} | "
            f"{int(row['Failure Count'])} | {float(row['50%']):.0f} | "
            f"{float(row['95%']):.0f} | {float(row['Requests/s']):.1f} |"
        )

    named = sorted(
        (row for row in rows if row["Name"] != "Aggregated"),
        key=lambda row: -int(row["Request Count"]),
    )
    lines = [
        SECTION_START,
        "## Mixed load: Locust, visitors and members, PostgreSQL and Redis",
        "",
        f"Written by `bench/load.py` (bench/locustfile.py): {args.users} simulated "
        f"users ({min(24, args.users)} of them demo members who log in, review and "
        f"vote; the others browse and search), {args.rate} started a second, "
        f"{args.seconds} s, against {how} with production settings, the demo data "
        "on PostgreSQL and Redis, on this machine. Goal (issue 11): 0 errors, "
        "p95 under 300 ms.",
        "",
        "| request | count | failures | p50 (ms) | p95 (ms) | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *[line(row) for row in named],
        line(total),
        "",
        f"Goal {'met' if met else 'not met'}: {failures} errors, p95 {p95:.0f} ms, "
        f"{float(total['Requests/s']):.1f} requests/s. Machine: {m['cpus']} CPUs "
        f"({m['cpu']}), the Locust client on the same cores; {m['date']}; load "
        f"average {m['load']} at the start; other processes (the server included) "
        f"used {other} of the CPUs.",
        SECTION_END,
    ]
    return "\n".join(lines) + "\n"


def results_write(output: Path, section: str) -> None:
    current = output.read_text() if output.exists() else ""
    if SECTION_START in current and SECTION_END in current:
        before, rest = current.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = current.rstrip("\n") + ("\n\n" if current else "") + section
    output.write_text(text)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rate", type=int, default=50, help="users started a second")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--fresh", action="store_true", help="recreate the database")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    if min(args.users, args.rate, args.seconds) < 1:
        parser.error("--users, --rate and --seconds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    DATA_DIR.mkdir(exist_ok=True)
    started = time.monotonic()
    database_create(database_url(), fresh=args.fresh)
    env = environment(free_port())
    log(f"migrating {DATABASE_NAME} and loading the demo data")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "demo", "--quiet", timeout=300)
    facts = DATA_DIR / "load-facts.json"
    facts.write_text(manage(env, "shell", "-c", FACTS_SCRIPT).strip().splitlines()[-1])
    log(f"set up in {time.monotonic() - started:.0f} s; serving")
    with Server(env, DATA_DIR / "serve-load.log") as server:
        log(f"{server.how} on port {server.port}; Locust for {args.seconds} s")
        other = OtherCpu()
        stats = locust(server.port, facts, args)
        share = other.share()
    if not stats.exists():
        log(f"Locust wrote no figures; see {DATA_DIR / 'locust.log'}")
        return 1
    section = markdown(stats_read(stats), how=server.how, args=args, other=share)
    print(section)
    results_write(args.output, section)
    log(f"whole run {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
