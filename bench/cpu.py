"""What an uncached page costs the server: CPU per request in one gunicorn worker.

    .venv/bin/python bench/cpu.py [--rounds 3] [--cpu-per-round 0.6] [--skip-large]
                                  [--output bench/RESULTS.md]

Requests per second on a shared 2-core machine move with whatever else runs; the CPU
time the worker itself spends per request does not (much). So this bench starts ONE
gunicorn sync worker (DEBUG off, full-page cache off, SQLite) and, for each URL, reads
the worker's utime+stime from /proc/<pid>/stat before and after a batch of requests.

1. Demo data (``manage.py demo`` into bench/data/demo.sqlite3, rebuilt when the
   migrations on disk change) and its copy: the zero-query view /bench/zero/ (the
   whole middleware stack, nothing rendered: bench/bench_urls.py), an article, a
   product page, the home page and /products/. Each URL is warmed up, then measured in
   ``--rounds`` interleaved rounds; a round sends enough requests for about
   ``--cpu-per-round`` seconds of the worker's CPU. Each URL is also asked with a
   signed-in demo member's session (no page cache serves members), its ratio to
   the zero-query view with that session. Figures: CPU ms per request and its ratio
   to the zero-query view. Goal: every page at most 15x.
2. The large catalog (bench/generate.py, 10,000 products): /products/ first page and
   its last page (the "Last page" link of the first), requests per second in
   alternating rounds (median of the rounds' ratios) and the queries each runs (the
   X-Bench-Queries header of bench/bench_middleware.py). Goal: ratio >= 0.9 and the
   same query count.

The figures go to a section of bench/RESULTS.md; the other sections stay.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as harness  # noqa: E402 - bench/ is a folder of scripts, not a package

ROOT, BENCH_DIR, DATA_DIR = harness.ROOT, harness.BENCH_DIR, harness.DATA_DIR
HOST = harness.HOST
GOAL_CPU_RATIO = 15.0
GOAL_LAST_PAGE = 0.9
WARMUP_REQUESTS = 15
LARGE_ROUNDS = 6
LARGE_REQUESTS_PER_ROUND = 25
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SECTION_START = "<!-- cpu bench start -->"
SECTION_END = "<!-- cpu bench end -->"
DEMO_DB = DATA_DIR / "demo.sqlite3"
DEMO_MARKER = DATA_DIR / "demo.json"
MEDIA_ROOT = DATA_DIR / "media"


def log(message: str) -> None:
    print(f"[cpu] {message}", flush=True)


# --- Data -----------------------------------------------------------------------------


def _env(db: Path) -> dict[str, str]:
    env = harness._child_env(db)
    env.update(
        PYTHONPATH=f"site{os.pathsep}bench",
        DJANGO_SETTINGS_MODULE="settings_bench",
        MEDIA_ROOT=str(MEDIA_ROOT),
        # Uncached builds are what is measured (the full-page cache's setting).
        PAGE_CACHE_ENABLED="false",
    )
    env.pop("REDIS_URL", None)
    return env


def _disk_migrations() -> list[str]:
    # Migration files on disk, read without starting Django in this process.
    found = []
    for folder in sorted(ROOT.glob("**/migrations")):
        if ".venv" in folder.parts or "bench" in folder.parts:
            continue
        found += [f"{folder.parent.name}.{p.stem}" for p in folder.glob("0*.py")]
    return sorted(found)


def demo_database() -> Path:
    """bench/data/demo.sqlite3 with the demo content, rebuilt when migrations change."""
    marker = {"migrations": _disk_migrations()}
    if DEMO_DB.exists() and DEMO_MARKER.exists():
        if json.loads(DEMO_MARKER.read_text()) == marker:
            return DEMO_DB
    log("building the demo data (manage.py migrate + demo)")
    building = DATA_DIR / "demo.building.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    env = _env(building)
    env["DJANGO_SETTINGS_MODULE"] = "comptoir.settings.dev"
    for command in (["migrate", "-v0"], ["demo", "--quiet", "--sales", "2000"]):
        subprocess.run(
            [str(harness.PYTHON), "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=300,
        )
    os.replace(building, DEMO_DB)
    DEMO_MARKER.write_text(json.dumps(marker))
    return DEMO_DB


def demo_urls(db: Path) -> dict[str, str]:
    """The pages to measure, read from the demo database."""
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        article = con.execute(
            "SELECT url_path FROM wagtailcore_page p JOIN editorial_articlepage a "
            "ON a.page_ptr_id = p.id WHERE p.live ORDER BY p.path LIMIT 1"
        ).fetchone()[0]
        product = con.execute(
            "SELECT slug FROM catalog_product WHERE active AND image_id IS NOT NULL "
            "ORDER BY name, id LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()
    # Wagtail's url_path starts with the home page's own slug: /home/articles/x/.
    article_url = "/" + article.strip("/").split("/", 1)[1] + "/"
    return {
        "zero-query view": "/bench/zero/",
        "article": article_url,
        "product": f"/products/{product}/",
        "home": "/",
        "/products/": "/products/",
    }


MEMBER = ", member"
BUILT_EVERY_TIME = "bench-built=1"
# What a signed-in member's page holds (base.html's log-out form) and a visitor's not.
LOGOUT_FORM = b'action="/accounts/logout/"'
# A signed-in demo member's session, written into the run's copy of the database.
SESSION_SCRIPT = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
member = (
    get_user_model().objects.filter(is_active=True, is_staff=False, is_superuser=False)
    .exclude(home_store=None).order_by("pk").first()
)
session = SessionStore()
session[SESSION_KEY] = str(member.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = member.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def member_cookie(db: Path) -> str:
    """The Cookie header of a signed-in demo member (one with a home store, so
    the product page shows their own "reserve at my store" link)."""
    completed = subprocess.run(
        [str(harness.PYTHON), "manage.py", "shell", "-c", SESSION_SCRIPT],
        cwd=ROOT,
        env=_env(db),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return f"sessionid={completed.stdout.strip().splitlines()[-1]}"


def member_urls(urls: dict[str, str], cookie: str) -> dict[str, tuple[str, str]]:
    """Each page as a visitor and as the signed-in member."""
    pages = {label: (url, "") for label, url in urls.items()}
    pages |= {label + MEMBER: (url, cookie) for label, url in urls.items()}
    return pages


# --- Gunicorn -------------------------------------------------------------------------


class Gunicorn:
    """One gunicorn sync worker in its own process group, always stopped."""

    def __init__(self, db: Path, log_path: Path):
        self.db, self.log_path = db, log_path
        self.port = harness.free_port()
        self.process: subprocess.Popen | None = None
        self.worker_pid = 0

    def __enter__(self) -> Gunicorn:
        self.log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(harness.VENV_BIN / "gunicorn"),
                "--workers=1",
                f"--bind={HOST}:{self.port}",
                "--timeout=120",
                "comptoir.wsgi:application",
            ],
            cwd=ROOT,
            env=_env(self.db),
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            children = (
                Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
                .read_text()
                .split()
            )
            if children:
                self.worker_pid = int(children[0])
                try:
                    get(self.port, "/bench/zero/")
                    return self
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in 60 s")

    def cpu_s(self) -> float:
        """The worker's user + system CPU seconds so far."""
        stat = Path(f"/proc/{self.worker_pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def log_tail(self, lines: int = 30) -> str:
        self.log_file.flush()
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def __exit__(self, *exc) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.log_file.close()


def get(port: int, url: str, cookie: str = "") -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Host": "127.0.0.1"} | ({"Cookie": cookie} if cookie else {})
    try:
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def send(port: int, url: str, count: int, cookie: str = "") -> int:
    """``count`` sequential GETs; how many were not 200."""
    bad = 0
    for _ in range(count):
        status, _, _ = get(port, url, cookie)
        bad += status != 200
    return bad


# --- Measures -------------------------------------------------------------------------


def measure_cpu(server: Gunicorn, pages: dict[str, tuple[str, str]], args) -> dict:
    """CPU ms per request of each (URL, cookie), interleaved rounds summed; each
    member page's ratio is to the member's zero-query view (the same session and
    user reads in the middleware)."""
    problems: list[str] = []
    per_request: dict[str, float] = {}
    counts: dict[str, int] = {}
    for label, (url, cookie) in pages.items():
        status, body, headers = get(server.port, url, cookie)
        if status != 200:
            problems.append(f"{url}: HTTP {status}")
        elif cookie and not label.startswith("zero-query") and LOGOUT_FORM not in body:
            problems.append(f"{url}: the member's page does not look signed in")
        before = server.cpu_s()
        if send(server.port, url, WARMUP_REQUESTS, cookie):
            problems.append(f"{url}: warm-up answers not 200")
        estimate = max((server.cpu_s() - before) / WARMUP_REQUESTS, 0.0005)
        counts[label] = max(20, int(args.cpu_per_round / estimate))
    spent = {label: 0.0 for label in pages}
    sent = {label: 0 for label in pages}
    for _ in range(args.rounds):
        for label, (url, cookie) in pages.items():
            before = server.cpu_s()
            bad = send(server.port, url, counts[label], cookie)
            spent[label] += server.cpu_s() - before
            sent[label] += counts[label]
            if bad:
                problems.append(f"{url}: {bad} answers not 200")
    for label in pages:
        per_request[label] = spent[label] * 1000 / sent[label]

    def zero(label: str) -> float:
        member = label.endswith(MEMBER)
        return per_request["zero-query view" + (MEMBER if member else "")]

    return {
        "per_request_ms": per_request,
        "ratios": {label: ms / zero(label) for label, ms in per_request.items()},
        "requests": sent,
        "problems": problems,
        "urls": {label: url for label, (url, _) in pages.items()},
    }


def _rate(port: int, url: str, count: int) -> float:
    started = time.perf_counter()
    send(port, url, count)
    return count / (time.perf_counter() - started)


def measure_last_page(server: Gunicorn) -> dict:
    """/products/ first and last page of the large catalog: rates and query counts."""
    problems = []
    status, body, headers = get(server.port, "/products/")
    found = re.search(rb'<a[^>]*rel="last"[^>]*href="([^"]+)"', body) or re.search(
        rb'<a[^>]*href="([^"]+)"[^>]*rel="last"', body
    )
    if status != 200 or not found:
        return {"problems": [f"/products/: HTTP {status}, no rel=last link"]}
    last = html.unescape(found.group(1).decode())
    if last.startswith("?"):
        last = "/products/" + last
    first_queries = headers.get("X-Bench-Queries", "?")
    status, last_body, last_headers = get(server.port, last)
    if status != 200:
        problems.append(f"{last}: HTTP {status}")
    last_queries = last_headers.get("X-Bench-Queries", "?")
    if b'rel="next"' in last_body:
        problems.append(f"{last}: the last page links to a next page")
    # A parameter no page reads: the list is then built at every request instead
    # of coming from its fragment, so what is compared is the keyset query itself.
    first = "/products/?" + BUILT_EVERY_TIME
    last = f"{last}&{BUILT_EVERY_TIME}" if "?" in last else f"{last}?{BUILT_EVERY_TIME}"
    for url in (first, last):
        send(server.port, url, WARMUP_REQUESTS)
    # Counted warm: the first visit of a page may fill caches of its own.
    first_queries = get(server.port, first)[2].get("X-Bench-Queries", "?")
    last_queries = get(server.port, last)[2].get("X-Bench-Queries", "?")
    ratios, first_rates, last_rates = [], [], []
    for number in range(LARGE_ROUNDS):
        order = (first, last) if number % 2 == 0 else (last, first)
        rates = {
            url: _rate(server.port, url, LARGE_REQUESTS_PER_ROUND) for url in order
        }
        first_rates.append(rates[first])
        last_rates.append(rates[last])
        ratios.append(rates[last] / rates[first])
    return {
        "last_url": last,
        "first_rps": statistics.median(first_rates),
        "last_rps": statistics.median(last_rates),
        "ratio": statistics.median(ratios),
        "round_ratios": ratios,
        "first_queries": first_queries,
        "last_queries": last_queries,
        "problems": problems,
    }


def working_copy(source: Path, name: str) -> Path:
    target = DATA_DIR / f"run-{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


# --- Report ---------------------------------------------------------------------------


def section(cpu: dict, large: dict | None, args, info: dict, elapsed_s: float) -> str:
    lines = [
        SECTION_START,
        "## Uncached pages: server CPU per request, one gunicorn worker",
        "",
        "Written by `bench/cpu.py` (run by `make bench`): the demo data in SQLite, ONE "
        "gunicorn sync worker, DEBUG off, full-page cache off "
        "(`PAGE_CACHE_ENABLED=false`), fragment caches in local memory. CPU is the "
        "worker's utime+stime from /proc over "
        f"{args.rounds} interleaved rounds of about {args.cpu_per_round:.1f} s of CPU "
        "per URL, after a warm-up. The zero-query view runs the whole middleware "
        "stack and renders nothing. Each page is asked by a visitor and by a "
        "signed-in demo member (`, member`), whose pages no page cache serves; a "
        "member's ratio is to the zero-query view with the same session. Goal: "
        f"every page at most {GOAL_CPU_RATIO:.0f}x the zero-query view.",
        "",
        "| page | URL | requests | CPU ms / request | × zero-query view |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for label, url in cpu["urls"].items():
        lines.append(
            f"| {label} | `{url}` | {cpu['requests'][label]} | "
            f"{cpu['per_request_ms'][label]:.2f} | {cpu['ratios'][label]:.1f} |"
        )
    worst = max(
        ratio
        for label, ratio in cpu["ratios"].items()
        if not label.startswith("zero-query view")
    )
    lines += [
        "",
        f"{'Goal met' if worst <= GOAL_CPU_RATIO else 'Goal NOT met'}: worst page "
        f"{worst:.1f}x (before this work, measured the same way on 2026-12-02: "
        "zero-query 0.47 ms, article 12.7 ms, product 12.6 ms, home 20.6 ms, "
        "/products/ 24.9 ms: 27-52x).",
    ]
    problems = list(cpu["problems"])
    if large:
        problems += large.get("problems", [])
    if large and "ratio" in large:
        spread = ", ".join(f"{r:.2f}" for r in large["round_ratios"])
        met = (
            large["ratio"] >= GOAL_LAST_PAGE
            and large["first_queries"] == large["last_queries"]
        )
        lines += [
            "",
            "### `/products/` of 10,000 products: last page against the first",
            "",
            f'Keyset pagination; the last page is the first page\'s "Last page" link '
            f"(`{large['last_url']}`), both with a parameter no page reads so that "
            "each request builds the list rather than taking its fragment. Same "
            f"single worker; {LARGE_ROUNDS} alternating "
            f"rounds of {LARGE_REQUESTS_PER_ROUND} sequential requests, ratio = median "
            "of the rounds' ratios. Goal: at least "
            f"{GOAL_LAST_PAGE} and the same query count.",
            "",
            "| page | req/s | queries |",
            "| --- | ---: | ---: |",
            f"| first | {large['first_rps']:.1f} | {large['first_queries']} |",
            f"| last | {large['last_rps']:.1f} | {large['last_queries']} |",
            "",
            f"{'Goal met' if met else 'Goal NOT met'}: last/first "
            f"{large['ratio']:.2f} (rounds: {spread}).",
        ]
    lines += [
        "",
        f"Machine: {info['cpus']} CPUs, Python {info['python']}, SQLite "
        f"{info['sqlite']}, Django {info['django']}, Wagtail {info['wagtail']}; "
        f"{info['date']}; load average {info['load']} at the start; run took "
        f"{elapsed_s:.0f} s.",
    ]
    if problems:
        lines += ["", "Problems during this run:", ""]
        lines += [f"- {p}" for p in problems]
    lines.append(SECTION_END)
    return "\n".join(lines) + "\n"


def results_write(output: Path, text: str) -> None:
    current = output.read_text() if output.exists() else ""
    if SECTION_START in current and SECTION_END in current:
        before = current.split(SECTION_START)[0]
        after = current.split(SECTION_END, 1)[1].lstrip("\n")
        current = before + text + ("\n" + after if after else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    output.write_text(current)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cpu-per-round", type=float, default=0.6)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = harness.machine()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    db = working_copy(demo_database(), "cpu-demo")
    pages = member_urls(demo_urls(db), member_cookie(db))
    with Gunicorn(db, DATA_DIR / "gunicorn-cpu-demo.log") as server:
        cpu = measure_cpu(server, pages, args)
    for label, ms in cpu["per_request_ms"].items():
        log(f"{label}: {ms:.2f} ms CPU/request ({cpu['ratios'][label]:.1f}x)")
    large = None
    if not args.skip_large:
        source, _ = harness.generate("large", regenerate=False)
        db = working_copy(source, "cpu-large")
        with Gunicorn(db, DATA_DIR / "gunicorn-cpu-large.log") as server:
            large = measure_last_page(server)
        log(
            f"large /products/ last/first: {large.get('ratio', 0):.2f}, queries "
            f"{large.get('first_queries')} / {large.get('last_queries')}"
        )
    text = section(cpu, large, args, info, time.perf_counter() - started)
    print(text)
    results_write(args.output, text)
    problems = cpu["problems"] + (large or {}).get("problems", [])
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
