"""Anonymous pages' rate under `make serve-prod`, against /healthz and one Daphne.

    .venv/bin/python bench/serving.py                 # 8 s a URL with wrk, ~2 min
    .venv/bin/python bench/serving.py --seconds 4 --output /tmp/r.md
    .venv/bin/python bench/serving.py --python --requests 400   # no wrk

PostgreSQL and Redis (DATABASE_URL, REDIS_URL; skipped with a line when either is
unset), the demo data in bench/load.py's database, set up by its helpers. First
`manage.py serve_prod` (the Procfile: gunicorn workers, Daphne, the task worker),
production settings: /healthz (a zero-query view through the whole middleware
stack), an anonymous product page and an article page, each warmed up (the first
request fills the full-page cache) then asked over 8 keep-alive connections in
interleaved rounds: by wrk (Debian's `wrk` package, a C client that leaves the two
cores to the servers) for `--seconds`, or without it by a Python client
`--requests` times. Then one Daphne process the way `make run`
serves (`comptoir.settings.dev`, DEBUG off, the same database and Redis) and the
product page again. Goals (issue 11): each page at least 0.8 of /healthz's rate
under serve-prod, and serve-prod at least 2.5x the single Daphne on the product page.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from load import (
    FACTS_SCRIPT,
    Server,
    database_create,
    database_url,
    environment,
    manage,
)
from run import DATA_DIR, HOST, ROOT, VENV_BIN, OtherCpu, free_port, machine

SECTION_START = "<!-- serving bench start -->"
SECTION_END = "<!-- serving bench end -->"
CONNECTIONS = 8
WARMUP_REQUESTS = 40
ROUNDS = 2
PAGE_GOAL = 0.8
DAPHNE_GOAL = 2.5
# Debian's `wrk` package; without it the Python client below is used.
WRK = shutil.which("wrk")
SAMPLE = 20


def log(message: str) -> None:
    print(f"[serving] {message}", flush=True)


@dataclass
class Rate:
    """Requests answered 200, and how long they took, summed over rounds."""

    ok: int = 0
    bad: int = 0
    elapsed_s: float = 0.0
    cache: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed_s if self.elapsed_s else 0.0


def measure(port: int, url: str, count: int, rate: Rate) -> None:
    """GET ``url`` ``count`` times over CONNECTIONS keep-alive connections.

    gunicorn's sync workers close each connection after answering; the client
    reconnects then, as a browser would, and that cost is part of the rate.
    """
    lock = threading.Lock()
    remaining = [count]

    def take() -> bool:
        with lock:
            remaining[0] -= 1
            return remaining[0] >= 0

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        ok = bad = 0
        cache: dict[str, int] = {}
        while take():
            try:
                conn.request("GET", url)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                bad += 1
                continue
            if response.status == 200:
                ok += 1
                state = response.getheader("X-Page-Cache") or "none"
                cache[state] = cache.get(state, 0) + 1
            else:
                bad += 1
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
        conn.close()
        with lock:
            rate.ok += ok
            rate.bad += bad
            for state, n in cache.items():
                rate.cache[state] = rate.cache.get(state, 0) + n

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(CONNECTIONS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rate.elapsed_s += time.perf_counter() - started


WRK_COUNTS = re.compile(
    r"(?P<requests>\d+) requests in (?P<seconds>[\d.]+)(?P<unit>m?s)"
)
WRK_NOT_OK = re.compile(r"Non-2xx or 3xx responses: (?P<n>\d+)")
WRK_SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)


def measure_wrk(port: int, url: str, seconds: float, rate: Rate) -> None:
    """``url`` for ``seconds`` over CONNECTIONS keep-alive connections from wrk.

    wrk is a C client: on these shared cores it takes a small part of what a
    Python client would, so the servers, not the client, set the rate. Which
    share the page cache answered is sampled after, with SAMPLE requests.
    """
    output = subprocess.run(
        [
            WRK,
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            f"http://{HOST}:{port}{url}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    counts = WRK_COUNTS.search(output)
    if counts is None:
        raise RuntimeError(f"wrk's output is not understood:\n{output}")
    elapsed = float(counts["seconds"]) / (1000 if counts["unit"] == "ms" else 1)
    not_ok = WRK_NOT_OK.search(output)
    errors = WRK_SOCKET_ERRORS.search(output)
    bad = (int(not_ok["n"]) if not_ok else 0) + (
        sum(int(n) for n in errors.groups()) if errors else 0
    )
    rate.ok += int(counts["requests"]) - (int(not_ok["n"]) if not_ok else 0)
    rate.bad += bad
    rate.elapsed_s += elapsed
    sample = Rate()
    measure(port, url, SAMPLE, sample)
    for state, n in sample.cache.items():
        rate.cache[state] = rate.cache.get(state, 0) + n


def rates(
    port: int, urls: dict[str, str], count: int, seconds: float | None
) -> dict[str, Rate]:
    """Each URL warmed up, then ROUNDS interleaved rounds: ``seconds`` each from
    wrk when it is given, else ``count`` requests from the Python client."""
    for url in urls.values():
        measure(port, url, WARMUP_REQUESTS, Rate())
    result = {label: Rate() for label in urls}
    for _ in range(ROUNDS):
        for label, url in urls.items():
            if seconds:
                measure_wrk(port, url, seconds / ROUNDS, result[label])
            else:
                measure(port, url, count // ROUNDS, result[label])
    return result


def daphne_command(port: int) -> list[str]:
    """The Makefile's `serve` target (what `make run` ends with)."""
    return [
        str(VENV_BIN / "daphne"),
        "-b",
        HOST,
        "-p",
        str(port),
        "comptoir.asgi:application",
    ]


def _cache(rate: Rate) -> str:
    total = sum(rate.cache.values()) or 1
    return f"{rate.cache.get('hit', 0) / total:.0%}"


def section(
    prod: dict[str, Rate],
    daphne: Rate,
    urls: dict[str, str],
    *,
    how: str,
    count: str,
    client: str,
    sampled: str,
    workers: str,
    other: str,
    m: dict,
    elapsed_s: float,
) -> str:
    zero = prod["/healthz"].rps
    page_ratios = {
        label: prod[label].rps / zero if zero else 0.0
        for label in ("product page", "article page")
    }
    daphne_ratio = prod["product page"].rps / daphne.rps if daphne.rps else 0.0
    pages_met = all(ratio >= PAGE_GOAL for ratio in page_ratios.values())
    daphne_met = daphne_ratio >= DAPHNE_GOAL

    def row(server: str, label: str, rate: Rate, ratio: str) -> str:
        bad = f" ({rate.bad} not 200)" if rate.bad else ""
        return (
            f"| {server} | {label} `{urls[label]}` | {rate.ok}{bad} | "
            f"{rate.rps:.0f} | {_cache(rate)} | {ratio} |"
        )

    lines = [
        SECTION_START,
        "## Serving: anonymous pages under `make serve-prod`, against one Daphne",
        "",
        f"Written by `bench/serving.py` (run by `make bench` when DATABASE_URL is "
        f"set): the demo data on PostgreSQL and Redis, {how} with production "
        f"settings ({workers} gunicorn workers), then one Daphne process as `make run` "
        f"serves (`comptoir.settings.dev`, DEBUG off, the same database and Redis). "
        f"Each URL warmed up ({WARMUP_REQUESTS} requests), then {count} over "
        f"{CONNECTIONS} keep-alive connections in {ROUNDS} interleaved rounds; "
        f"{client} on the same cores. "
        '"cached" is the share of answers the full-page cache gave '
        f"(`X-Page-Cache: hit`{sampled}).",
        "",
        "| server | URL | 200s | req/s | cached | ratio |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        row("serve-prod", "/healthz", prod["/healthz"], "1.00"),
        row(
            "serve-prod",
            "product page",
            prod["product page"],
            f"{page_ratios['product page']:.2f} of /healthz",
        ),
        row(
            "serve-prod",
            "article page",
            prod["article page"],
            f"{page_ratios['article page']:.2f} of /healthz",
        ),
        row("one Daphne", "product page", daphne, f"serve-prod {daphne_ratio:.2f}x"),
        "",
        f"- Pages at least {PAGE_GOAL} of /healthz under serve-prod: "
        f"{'met' if pages_met else 'NOT met'} (product "
        f"{page_ratios['product page']:.2f}, "
        f"article {page_ratios['article page']:.2f}).",
        f"- serve-prod at least {DAPHNE_GOAL}x one Daphne on the product page: "
        f"{'met' if daphne_met else 'NOT met'} ({daphne_ratio:.2f}x).",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), Python {m['python']}, Django "
        f"{m['django']}, Daphne {m['daphne']}; {m['date']}; load average {m['load']} "
        f"at the start; processes other than this bench and its servers used {other} "
        f"of the CPUs from the first server's start to the end; whole run "
        f"{elapsed_s:.0f} s.",
        SECTION_END,
    ]
    return "\n".join(lines) + "\n"


def results_write(output: Path, text: str) -> None:
    current = output.read_text() if output.exists() else ""
    if SECTION_START in current and SECTION_END in current:
        before, rest = current.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = before + text + ("\n" + after if after else "")
    else:
        text = current.rstrip("\n") + ("\n\n" if current else "") + text
    output.write_text(text)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests",
        type=int,
        default=400,
        help="per URL and server, with the Python client (no wrk, or --python)",
    )
    parser.add_argument(
        "--seconds", type=float, default=8.0, help="per URL and server, with wrk"
    )
    parser.add_argument(
        "--python", action="store_true", help="use the Python client even with wrk"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    if args.requests < ROUNDS * CONNECTIONS:
        parser.error(f"--requests must be at least {ROUNDS * CONNECTIONS}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        print(
            "bench/serving.py skipped: it needs DATABASE_URL (PostgreSQL) and REDIS_URL"
        )
        return 0
    # A kill is handled like Ctrl-C, so the servers are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    DATA_DIR.mkdir(exist_ok=True)
    started = time.monotonic()
    m = machine()
    database_create(database_url(), fresh=False)
    env = environment(free_port())
    log("migrating and loading the demo data (unchanged when it is there)")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "demo", "--quiet", timeout=300)
    facts = json.loads(
        manage(env, "shell", "-c", FACTS_SCRIPT).strip().splitlines()[-1]
    )
    urls = {
        "/healthz": "/healthz",
        "product page": facts["products"][0],
        "article page": facts["articles"][0],
    }
    workers = env.get("WEB_CONCURRENCY") or str(2 * (os.cpu_count() or 1))
    seconds = None if (args.python or not WRK) else args.seconds
    if seconds:
        count, client = f"{seconds:g} s of requests", "wrk (a C client, 1 thread)"
        sampled = f", sampled by {SAMPLE} requests after each round"
    else:
        count, client = f"{args.requests} requests", "a Python client (no wrk)"
        sampled = ""
        log("wrk is not installed (apt-get install wrk): the Python client is used")
    other = OtherCpu()
    with Server(env, DATA_DIR / "serve-serving.log") as server:
        how = server.how
        log(f"{how} on port {server.port}: {count} a URL")
        prod = rates(server.port, urls, args.requests, seconds)
    port = free_port()
    daphne_env = {
        **env,
        "PORT": str(port),
        "DJANGO_SETTINGS_MODULE": "comptoir.settings.dev",
        "DJANGO_DEBUG": "false",
    }
    with Server(
        daphne_env,
        DATA_DIR / "daphne-serving.log",
        command=daphne_command(port),
        how="one Daphne",
    ) as daphne_server:
        log(f"one Daphne on port {port}: the product page")
        daphne = rates(
            daphne_server.port,
            {"product page": urls["product page"]},
            args.requests,
            seconds,
        )["product page"]
    text = section(
        prod,
        daphne,
        urls,
        how=how,
        count=count,
        client=client,
        sampled=sampled,
        workers=workers,
        other=other.share(),
        m=m,
        elapsed_s=time.monotonic() - started,
    )
    print(text)
    results_write(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
