"""Live stock at scale: a thousand product pages' websockets on one Daphne process.

    make bench                                   # runs this among the others
    .venv/bin/python bench/sockets.py --sockets 1000 --changes 3

With DATABASE_URL and REDIS_URL set, Daphne serves a PostgreSQL database of its own
(`comptoir_bench_sockets` on the same server, created and migrated when missing)
with the Redis channel layer, as in production; otherwise a SQLite file under
bench/data/ and the in-memory layer, and the output says which. This process then
opens N websockets to one product's stock route all at once (asyncio and the
`websockets` client), records connect errors and the time until every socket is
open and has its first stock message, then changes the product's stock through
the API (`POST /api/v1/stock/bulk`) a few times and measures, per socket, how long
each change took to arrive (p50, p95, max) and how many sockets got it exactly once.
Bounded: every wait has a cap, the whole run takes well under two minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import run as harness  # noqa: E402

ROOT = harness.ROOT
HOST = harness.HOST
DATABASE = "comptoir_bench_sockets"
SKU = "BENCH-SOCKETS"
STORE = "bench-sockets"
SECTION_START = "<!-- sockets bench start -->"
SECTION_END = "<!-- sockets bench end -->"
# The flags `make serve` gives Daphne (Makefile): a handshake may wait this long
# while a crowd of sockets connects.
DAPHNE_FLAGS = ["--websocket_connect_timeout", "30"]
CONNECT_GOAL_S = 5.0
DELIVERY_GOAL_MS = 500.0
CONNECT_CAP_S = 40.0
DELIVERY_CAP_S = 15.0

SEED = f"""
from marketplace.catalog.models import Product, StockLevel, Store
store, _ = Store.objects.get_or_create(code={STORE!r}, defaults=dict(
    name="Banc d'essai", city="Lyon", address="1 rue de la République",
    postcode="69001", opening_hours="Lun-Sam 9h-19h"))
product, _ = Product.objects.get_or_create(sku={SKU!r}, defaults=dict(
    name="Arrosoir du banc d'essai", slug="arrosoir-banc-essai",
    description="Pour mesurer.", price_cents=1999, active=True))
StockLevel.objects.get_or_create(product=product, store=store,
    defaults=dict(quantity=1))
print("PRODUCT", product.pk)
"""


def log(message: str) -> None:
    print(f"[sockets] {message}", flush=True)


def raise_open_files(wanted: int) -> int:
    """Lift this process's (and so Daphne's) open-file limit toward `wanted`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def bench_database_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def postgres_create(url: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


def child_env(setup: dict) -> dict[str, str]:
    env = harness._child_env(setup.get("sqlite"))
    if setup.get("database_url"):
        env["DATABASE_URL"] = setup["database_url"]
    if setup.get("redis_url"):
        env["REDIS_URL"] = setup["redis_url"]
        env["CACHE_KEY_PREFIX"] = "comptoir-bench-sockets"
        env["CHANNELS_PREFIX"] = "comptoir-bench-sockets"
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(setup: dict, *args: str) -> str:
    return subprocess.run(
        [str(harness.PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=child_env(setup),
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout


def prepare() -> dict:
    """The database and channel layer Daphne gets, migrated and seeded."""
    setup: dict = {}
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        postgres_create(database_url)
        setup["database_url"] = bench_database_url(database_url)
        setup["database"] = f"PostgreSQL ({DATABASE})"
    else:
        harness.DATA_DIR.mkdir(parents=True, exist_ok=True)
        setup["sqlite"] = harness.DATA_DIR / "sockets.sqlite3"
        setup["database"] = "SQLite (bench/data/sockets.sqlite3)"
    setup["redis_url"] = os.environ.get("REDIS_URL", "")
    setup["layer"] = "Redis" if setup["redis_url"] else "in-memory (no REDIS_URL)"
    manage(setup, "migrate", "--noinput")
    seeded = manage(setup, "shell", "-c", SEED)
    setup["product_id"] = int(re.search(r"PRODUCT (\d+)", seeded)[1])
    name = f"bench-sockets-{uuid.uuid4().hex[:8]}"
    output = manage(setup, "api_client", "create", name, "--scopes", "catalog:write")
    setup["token"] = re.search(r"[A-Za-z0-9_\-]{30,}", output)[0]
    return setup


class DaphneServer(harness.Daphne):
    """bench/run.py's Daphne, with this bench's database, layer and flags."""

    def __init__(self, setup: dict, log_path: Path):
        super().__init__(setup.get("sqlite"), log_path)
        self.setup = setup

    def __enter__(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_file = self.log_path.open("wb")
        profile = os.environ.get("BENCH_SOCKETS_PROFILE")
        # Investigating only: Daphne under cProfile, written when it stops.
        command = (
            [str(harness.PYTHON), "-m", "cProfile", "-o", profile, "-m", "daphne"]
            if profile
            else [str(harness.VENV_BIN / "daphne")]
        )
        self.process = subprocess.Popen(
            [
                *command,
                *DAPHNE_FLAGS,
                "-b",
                HOST,
                "-p",
                str(self.port),
                "comptoir.asgi:application",
            ],
            cwd=ROOT,
            env=child_env(self.setup),
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready(timeout_s=60)
        return self


class Watcher:
    """One product page's socket: when it opened and when each change arrived."""

    def __init__(self) -> None:
        self.error: str | None = None
        self.opened_at: float | None = None
        self.first_at: float | None = None
        self.arrivals: dict[int, list[float]] = {}
        self.socket = None

    async def run(self, url: str, origin: str, first: asyncio.Event | None) -> None:
        from websockets.asyncio.client import connect

        try:
            self.socket = await connect(
                url, origin=origin, open_timeout=CONNECT_CAP_S, max_queue=None
            )
        except Exception as error:  # noqa: BLE001 - counted and reported
            self.error = f"{type(error).__name__}: {error}"[:120]
            return
        self.opened_at = time.perf_counter()
        try:
            async for raw in self.socket:
                now = time.perf_counter()
                message = json.loads(raw)
                if self.first_at is None:
                    self.first_at = now
                    continue
                quantity = message["stock"][0]["quantity"]
                self.arrivals.setdefault(quantity, []).append(now)
        except Exception as error:  # noqa: BLE001 - a socket closed under us
            self.error = self.error or f"closed: {type(error).__name__}: {error}"[:120]


def stock_post(port: int, token: str, quantity: int) -> None:
    body = json.dumps({"stock": [{"sku": SKU, "store": STORE, "quantity": quantity}]})
    request = urllib.request.Request(
        f"http://{HOST}:{port}/api/v1/stock/bulk",
        data=body.encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    if answer.get("updated") != 1:
        raise RuntimeError(f"the stock API answered {answer}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def measure(setup: dict, port: int, sockets: int, changes: int) -> dict:
    url = f"ws://{HOST}:{port}/ws/products/{setup['product_id']}/stock/"
    origin = f"http://{HOST}:{port}"
    watchers = [Watcher() for _ in range(sockets)]
    started = time.perf_counter()
    tasks = [asyncio.ensure_future(w.run(url, origin, None)) for w in watchers]
    # Every socket open and holding its first stock message, or the cap.
    deadline = started + CONNECT_CAP_S
    while time.perf_counter() < deadline:
        if all(w.first_at is not None or w.error for w in watchers):
            break
        await asyncio.sleep(0.05)
    live = [w for w in watchers if w.first_at is not None]
    figures: dict = {
        "sockets": sockets,
        "connect_errors": sum(1 for w in watchers if w.opened_at is None),
        "live": len(live),
        "all_open_s": max((w.opened_at for w in live), default=started) - started,
        "all_first_s": max((w.first_at for w in live), default=started) - started,
        "errors": sorted({w.error for w in watchers if w.error})[:5],
        "changes": [],
    }
    await asyncio.sleep(1)  # let the crowd settle before timing deliveries
    # One untimed change first: the API's own first request warms its code up.
    await asyncio.to_thread(stock_post, port, setup["token"], 999)
    await asyncio.sleep(1)
    for n in range(changes):
        quantity = 1000 + n
        sent = time.perf_counter()
        await asyncio.to_thread(stock_post, port, setup["token"], quantity)
        answered_ms = (time.perf_counter() - sent) * 1000
        deadline = sent + DELIVERY_CAP_S
        while time.perf_counter() < deadline:
            if all(quantity in w.arrivals for w in live):
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)  # duplicates, if any, arrive too
        latencies = [
            (w.arrivals[quantity][0] - sent) * 1000
            for w in live
            if quantity in w.arrivals
        ]
        figures["changes"].append(
            {
                "answered_ms": answered_ms,
                "received": len(latencies),
                "once": sum(1 for w in live if len(w.arrivals.get(quantity, [])) == 1),
                "p50": statistics.median(latencies) if latencies else float("nan"),
                "p95": percentile(latencies, 0.95) if latencies else float("nan"),
                "max": max(latencies) if latencies else float("nan"),
            }
        )
    figures["closed_during_run"] = sum(
        1 for w in live if w.error and w.error.startswith("closed")
    )
    for w in watchers:
        if w.socket is not None:
            await w.socket.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return figures


def section(figures: dict, setup: dict, info: dict) -> str:
    n = figures["sockets"]
    worst_p95 = max((c["p95"] for c in figures["changes"]), default=float("nan"))
    connect_met = (
        figures["connect_errors"] == 0
        and figures["live"] == n
        and (figures["all_first_s"] <= CONNECT_GOAL_S)
    )
    delivery_met = worst_p95 <= DELIVERY_GOAL_MS and all(
        c["once"] == figures["live"] for c in figures["changes"]
    )
    lines = [
        SECTION_START,
        f"## Live stock: {n:,} websockets on one product",
        "",
        "Written by `bench/sockets.py` (run by `make bench`): one Daphne process "
        f"(`daphne {' '.join(DAPHNE_FLAGS)}`) on {setup['database']} with the "
        f"{setup['layer']} channel layer; {n:,} websockets to one product's stock "
        "route opened at once from one asyncio client on the same machine, then "
        "the stock changed through `POST /api/v1/stock/bulk`, timed from the "
        "request to each socket's message.",
        "",
        "| figure | value | goal |",
        "| --- | ---: | --- |",
        f"| connect errors | {figures['connect_errors']} | 0 |",
        "| sockets open with their first stock message | "
        f"{figures['live']:,} of {n:,} | all |",
        "| time to all open / all with first message (s) | "
        f"{figures['all_open_s']:.2f} / {figures['all_first_s']:.2f} | "
        f"≤ {CONNECT_GOAL_S:.0f} |",
    ]
    for i, change in enumerate(figures["changes"], 1):
        lines.append(
            f"| change {i}: received / exactly once | {change['received']:,} / "
            f"{change['once']:,} | all / all |"
        )
        lines.append(
            f"| change {i}: latency p50 / p95 / max (ms) | {change['p50']:.0f} / "
            f"{change['p95']:.0f} / {change['max']:.0f} | "
            f"p95 ≤ {DELIVERY_GOAL_MS:.0f} |"
        )
        lines.append(
            f"| change {i}: the API's answer (ms) | {change['answered_ms']:.0f} |  |"
        )
    lines += [
        f"| sockets closed during the run | {figures['closed_during_run']} | 0 |",
        "",
        f"Connect goal {'met' if connect_met else 'NOT met'}; delivery goal "
        f"{'met' if delivery_met else 'NOT met'}. Machine: {info['cpus']} CPUs, "
        f"Python {info['python']}, Daphne {info['daphne']}; {info['date']}; load "
        f"average {info['load']} at the start.",
    ]
    if figures["errors"]:
        lines += ["", "Errors seen (first few):", ""]
        lines += [f"- {error}" for error in figures["errors"]]
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
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=3)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = harness.machine()
    limit = raise_open_files(args.sockets * 2 + 1000)
    if limit < args.sockets + 100:
        log(f"open-file limit {limit} is too low for {args.sockets} sockets")
        return 1
    setup = prepare()
    log(f"Daphne on {setup['database']}, channel layer: {setup['layer']}")
    with DaphneServer(setup, harness.DATA_DIR / "daphne-sockets.log") as server:
        figures = asyncio.run(measure(setup, server.port, args.sockets, args.changes))
    text = section(figures, setup, info)
    print(text)
    results_write(args.output, text)
    log(f"written to {args.output} in {time.perf_counter() - started:.0f} s")
    failed = figures["connect_errors"] or figures["live"] < args.sockets
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
