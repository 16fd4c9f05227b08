"""Sales ingest under load: gunicorn workers, 8 clients, batches of 1,000, replays.

    make bench                                  # PostgreSQL when DATABASE_URL is set
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/ingest.py
    .venv/bin/python bench/ingest.py --batches 40 --replays 10 --output /tmp/r.md

On PostgreSQL the run never writes to the database DATABASE_URL names: it uses the
same server and credentials with a database of its own, `comptoir_bench_ingest`,
created and migrated when missing (events are append-only, so each run's ids carry
its own run id; `--fresh` drops and recreates it). Without DATABASE_URL it serves a
copy of the small SQLite data of bench/generate.py.

gunicorn serves the site as the Procfile's `web` process does (sync workers,
2 x cores unless `--workers`; production settings on PostgreSQL with
DATABASE_CONN_MAX_AGE=60, dev settings with DEBUG off on SQLite). 8 client threads
in this process POST the batches over keep-alive connections: new batches of 1,000
events (one in ten a refund, of a sale of the same or an earlier batch; a third
linked to members by loyalty card or e-mail), and whole batches sent again once
their first copy was answered. Every answer is checked: HTTP 200, `created` 1,000
and `duplicates` 0 for a new batch, `created` 0 and `duplicates` 1,000 for a
replay, no errors, no conflicts. Events per second count created plus replayed.

CPU time is read from /proc for the gunicorn workers and for this database's
PostgreSQL backends, so the table says what bounds the rate on this machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from run import (
    BENCH_DIR,
    DATA_DIR,
    HOST,
    PYTHON,
    ROOT,
    VENV_BIN,
    OtherCpu,
    free_port,
    generate,
    machine,
)

BATCH_SIZE = 1_000
URL = "/api/v1/sales/bulk"
CLIENTS = 8
TIME_CAP_S = 100.0
DATABASE_NAME = "comptoir_bench_ingest"
PRODUCTS, STORES, MEMBERS = 200, 12, 2_000
SECTION_START = "<!-- ingest bench start -->"
SECTION_END = "<!-- ingest bench end -->"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[ingest] {message}", flush=True)


# --- The database ---------------------------------------------------------------


def bench_database_url(url: str) -> str:
    """The server and credentials of `url`, with the bench's own database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{DATABASE_NAME}"))


def postgresql_create(url: str, *, fresh: bool) -> None:
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


def server_env(*, database_url: str | None, sqlite_path: Path | None) -> dict:
    env = dict(os.environ)
    env.update(PYTHONPATH="site", DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost")
    env.pop("DATABASE_URL", None)
    if database_url:
        env.update(
            DJANGO_SETTINGS_MODULE="comptoir.settings.production",
            DATABASE_URL=database_url,
            DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or "bench-only-" + "x" * 40,
            REDIS_URL=env.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
            SECURE_SSL_REDIRECT="false",
            # Sync workers keep their connection between requests, as deployed.
            DATABASE_CONN_MAX_AGE=env.get("DATABASE_CONN_MAX_AGE") or "60",
            METRICS_ENABLED="false",
        )
    else:
        env.update(
            DJANGO_SETTINGS_MODULE="comptoir.settings.dev",
            DJANGO_DEBUG="false",
            SQLITE_PATH=str(sqlite_path),
        )
    return env


def prepare() -> None:
    """(--prepare, in its own process) Migrate, make the catalog, members and an API
    client when missing; print what the batches need as JSON."""
    import django

    sys.path[:0] = [str(ROOT), str(ROOT / "site")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.settings.dev"
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from marketplace.catalog.models import Product, Store
    from marketplace.integrations.services import api_client_create

    call_command("migrate", interactive=False, verbosity=0)
    Store.objects.bulk_create(
        [
            Store(code=f"ing-{n:02d}", name=f"Magasin {n}", city="Lyon")
            for n in range(STORES)
        ],
        ignore_conflicts=True,
    )
    Product.objects.bulk_create(
        [
            Product(
                sku=f"ING-{n:04d}",
                name=f"Article d'ingestion {n}",
                slug=f"article-ingestion-{n}",
                price_cents=199 + 37 * n,
            )
            for n in range(PRODUCTS)
        ],
        ignore_conflicts=True,
    )
    User = get_user_model()
    User.objects.bulk_create(
        [
            User(
                email=f"ingest-{n}@bench.example",
                loyalty_card_number=f"ING{n:08d}",
                password="!",
            )
            for n in range(MEMBERS)
        ],
        ignore_conflicts=True,
    )
    _client, token = api_client_create(
        name=f"bench-ingest-{uuid.uuid4().hex[:8]}", scopes="sales:write"
    )
    products = list(
        Product.objects.filter(sku__startswith="ING-").values_list("sku", "price_cents")
    )
    print(
        json.dumps(
            {
                "token": token,
                "products": products,
                "stores": [f"ing-{n:02d}" for n in range(STORES)],
                "members": MEMBERS,
            }
        )
    )


def prepared(env: dict) -> dict:
    completed = subprocess.run(
        [str(PYTHON), str(BENCH_DIR / "ingest.py"), "--prepare"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "comptoir.settings.dev"},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise RuntimeError(f"preparing failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- The batches ----------------------------------------------------------------


@dataclass
class Batch:
    number: int
    body: bytes
    replay_of: Batch | None = None
    answered: threading.Event = field(default_factory=threading.Event)

    @property
    def expected(self) -> tuple[int, int]:
        """(created, duplicates) its answer must give."""
        return (0, BATCH_SIZE) if self.replay_of else (BATCH_SIZE, 0)


def new_batch(
    facts: dict, *, run_id: str, number: int, rng: random.Random, unrefunded: dict
) -> bytes:
    """1,000 events never sent; `unrefunded` (batch number → its sales not refunded
    yet) lets a refund name a sale of a batch a few numbers back."""
    now = datetime.now(UTC)
    events, sales = [], []
    for n in range(BATCH_SIZE):
        event_id = f"ing-{run_id}-{number:04d}-{n:04d}"
        who = rng.random()
        customer = None
        if who < 0.2:
            customer = f"ING{rng.randrange(facts['members']):08d}"
        elif who < 0.3:
            customer = f"Ingest-{rng.randrange(facts['members'])}@Bench.example"
        moment = (now - timedelta(minutes=rng.randrange(60 * 24 * 30))).isoformat(
            timespec="seconds"
        )
        earlier = unrefunded.get(number - 3)
        if n % 10 == 9 and (sales or earlier):
            # A refund of one unit of a sale of this batch, or of one a few batches
            # back (answered yet or not: events come in any order).
            pool = earlier if earlier and rng.random() < 0.3 else (sales or earlier)
            sale_id, sku, price = pool.pop(rng.randrange(len(pool)))
            events.append(
                {
                    "id": event_id,
                    "type": "refund",
                    "refund_of": sale_id,
                    "sku": sku,
                    "quantity": 1,
                    "amount_cents": price,
                    "channel": "online",
                    "customer_ref": customer,
                    "occurred_at": moment,
                }
            )
            continue
        sku, price = facts["products"][rng.randrange(len(facts["products"]))]
        quantity = rng.choice((1, 1, 1, 2, 3))
        sales.append((event_id, sku, price))
        events.append(
            {
                "id": event_id,
                "type": "sale",
                "sku": sku,
                "quantity": quantity,
                "amount_cents": price * quantity,
                "store": facts["stores"][rng.randrange(len(facts["stores"]))],
                "channel": "store",
                "customer_ref": customer,
                "occurred_at": moment,
            }
        )
    unrefunded[number] = sales
    return json.dumps({"events": events}).encode()


def batches_plan(facts: dict, *, batches: int, replays: int, run_id: str) -> list:
    """New batches in order, each replay placed two rounds of clients after the
    batch it resends (and sent only once that one was answered)."""
    rng = random.Random(11)
    unrefunded: dict[int, list] = {}
    fresh = [
        Batch(
            n,
            new_batch(facts, run_id=run_id, number=n, rng=rng, unrefunded=unrefunded),
        )
        for n in range(batches)
    ]
    plan: list[Batch] = list(fresh)
    chosen = sorted(rng.sample(range(batches), min(replays, batches)))
    for offset, original in enumerate(chosen):
        replay = Batch(original, fresh[original].body, replay_of=fresh[original])
        position = min(len(plan), original + 2 * CLIENTS + offset + 1)
        plan.insert(position, replay)
    return plan


# --- The server -----------------------------------------------------------------


def _cpu_s(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Gunicorn:
    """gunicorn in its own process group, always stopped on the way out."""

    def __init__(self, env: dict, workers: int, log_path: Path):
        self.env, self.workers, self.log_path = env, workers, log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "comptoir.wsgi",
                "--pythonpath",
                "site",
                f"--bind={HOST}:{self.port}",
                f"--workers={self.workers}",
                "--timeout=120",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                if len(self.worker_pids()) >= self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in 60 s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(child) for child in children]

    def cpu_s(self) -> float:
        return sum(_cpu_s(pid) for pid in self.worker_pids())

    def log_tail(self, lines: int = 30) -> str:
        self.log_file.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

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


class PostgresCpu:
    """CPU seconds of the backends serving the bench's database (same machine)."""

    def __init__(self, url: str | None):
        self.url = url

    def read(self) -> dict[int, float]:
        if not self.url:
            return {}
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            pids = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            ).fetchall()
        return {pid: _cpu_s(pid) for (pid,) in pids}


# --- The load -------------------------------------------------------------------


@dataclass
class Outcome:
    events: int = 0
    created: int = 0
    replayed: int = 0
    new_ms: list[float] = field(default_factory=list)
    replay_ms: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    sent: int = 0


def send_all(port: int, token: str, plan: list[Batch]) -> Outcome:
    outcome = Outcome()
    work: queue.Queue[Batch] = queue.Queue()
    for batch in plan:
        work.put(batch)
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_CAP_S
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def check(batch: Batch, status: int, raw: bytes) -> str:
        if status != 200:
            return f"HTTP {status or 'no answer'} {raw[:200]!r}"
        try:
            answer = json.loads(raw)
            got = (int(answer["created"]), int(answer["duplicates"]))
        except (ValueError, KeyError, TypeError):
            return f"not the expected JSON: {raw[:200]!r}"
        if got != batch.expected or answer.get("errors") or answer.get("conflicts"):
            return (
                f"created/duplicates {got}, expected {batch.expected}; errors "
                f"{str(answer.get('errors'))[:200]} conflicts "
                f"{str(answer.get('conflicts'))[:200]}"
            )
        return ""

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        while True:
            try:
                batch = work.get_nowait()
            except queue.Empty:
                break
            if time.monotonic() > deadline:
                with lock:
                    outcome.wrong.append(f"time cap of {TIME_CAP_S:.0f} s reached")
                break
            if batch.replay_of is not None:
                batch.replay_of.answered.wait(timeout=120)
            sent = time.perf_counter()
            try:
                conn.request("POST", URL, body=batch.body, headers=headers)
                response = conn.getresponse()
                status, raw = response.status, response.read()
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                status, raw = 0, repr(exc).encode()
            spent = (time.perf_counter() - sent) * 1000
            wrong = check(batch, status, raw)
            batch.answered.set()
            with lock:
                outcome.sent += 1
                if wrong:
                    kind = "replay of " if batch.replay_of else ""
                    outcome.wrong.append(f"{kind}batch {batch.number}: {wrong}")
                    continue
                outcome.events += BATCH_SIZE
                created, replayed = batch.expected
                outcome.created += created
                outcome.replayed += replayed
                (outcome.replay_ms if batch.replay_of else outcome.new_ms).append(spent)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.elapsed_s = time.perf_counter() - started
    return outcome


# --- Report ---------------------------------------------------------------------


def _ms(values: list[float]) -> str:
    if not values:
        return "–"
    p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
    return f"{statistics.median(values):.0f} / {p95:.0f}"


def markdown(result: dict) -> str:
    o: Outcome = result["outcome"]
    rate = o.events / o.elapsed_s if o.elapsed_s else 0.0
    per_k = 1000 / o.events if o.events else 0.0
    web, pg, own = result["web_cpu"], result["pg_cpu"], result["client_cpu"]
    served = web + pg
    cores = int(result["machine"]["cpus"])
    ceiling = cores * o.events / served if served else 0.0
    goal = "met" if rate >= 10_000 else "not met"
    if result["database"] != "PostgreSQL":
        goal += " (it is PostgreSQL's; set DATABASE_URL to measure it)"
    rows = [
        ("database", result["database"]),
        ("server", result["server"]),
        ("clients", f"{CLIENTS} threads in the bench process, keep-alive"),
        (
            "batches of 1,000",
            f"{len(o.new_ms)} new + {len(o.replay_ms)} replayed whole ({o.sent} sent)",
        ),
        ("events created / replayed", f"{o.created:,} / {o.replayed:,}"),
        ("**events/s (created + replayed)**", f"**{rate:,.0f}**"),
        ("batch latency median / p95, new (ms)", _ms(o.new_ms)),
        ("batch latency median / p95, replayed (ms)", _ms(o.replay_ms)),
        (
            "CPU per 1,000 events: gunicorn workers / PostgreSQL backends / client",
            f"{web * per_k * 1000:.0f} / {pg * per_k * 1000:.0f} / "
            f"{own * per_k * 1000:.0f} ms",
        ),
        (
            "CPU-bound ceiling on this machine (its cores / server CPU per event)",
            f"{ceiling:,.0f} events/s",
        ),
        ("wall time of the load", f"{o.elapsed_s:.1f} s"),
    ]
    m = result["machine"]
    lines = [
        SECTION_START,
        "## Sales ingest: 8 clients, batches of 1,000, replays included",
        "",
        "Written by `bench/ingest.py` (run by `make bench`; its docstring says what is "
        "measured). Every answer was checked: HTTP 200, exact `created` and "
        "`duplicates`, no errors, no conflicts. Goal (issue 11): at least 10,000 "
        "events/s on PostgreSQL.",
        "",
        "| metric | value |",
        "| --- | ---: |",
        *[f"| {name} | {value} |" for name, value in rows],
        "",
        f"Goal {goal} ({rate:,.0f} events/s on {result['database']}). "
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), Python {m['python']}, Django "
        f"{m['django']}; {m['date']}; load average {m['load']} at the start; other "
        f"processes used {result['other_cpu']} of the CPUs during the run.",
    ]
    if o.wrong:
        lines += ["", "Problems during this run:", ""]
        lines += [f"- {wrong}" for wrong in o.wrong[:20]]
    lines.append(SECTION_END)
    return "\n".join(lines) + "\n"


def results_write(output: Path, section: str) -> None:
    """Replace this bench's section of `output`, or add it at the end."""
    current = output.read_text() if output.exists() else ""
    if SECTION_START in current and SECTION_END in current:
        before, rest = current.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = current.rstrip("\n") + ("\n\n" if current else "") + section
    output.write_text(text)


# --- Main -----------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=60, help="new batches (60)")
    parser.add_argument("--replays", type=int, default=20, help="resent whole (20)")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn's"
    )
    parser.add_argument("--fresh", action="store_true", help="recreate the database")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.batches < 1 or args.replays < 0 or args.workers < 1:
        parser.error("--batches and --workers at least 1, --replays at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.prepare:
        prepare()
        return 0
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    DATA_DIR.mkdir(exist_ok=True)
    url = os.environ.get("DATABASE_URL", "").strip()
    sqlite_path = None
    if url:
        url = bench_database_url(url)
        postgresql_create(url, fresh=args.fresh)
        database = "PostgreSQL"
    else:
        source, _ = generate("small", regenerate=False)
        sqlite_path = DATA_DIR / "run-ingest.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, sqlite_path)
        database = "SQLite (WAL)"
    env = server_env(database_url=url or None, sqlite_path=sqlite_path)
    log(f"preparing {database} ({DATABASE_NAME if url else sqlite_path.name})")
    facts = prepared(env)
    run_id = uuid.uuid4().hex[:8]
    plan = batches_plan(
        facts, batches=args.batches, replays=args.replays, run_id=run_id
    )
    warm_rng, warm_sales = random.Random(3), {}
    warm = [
        Batch(
            n,
            new_batch(
                facts,
                run_id=f"{run_id}w",
                number=n,
                rng=warm_rng,
                unrefunded=warm_sales,
            ),
        )
        for n in range(args.workers)
    ]
    mach = machine()
    with Gunicorn(env, args.workers, DATA_DIR / "gunicorn-ingest.log") as server:
        # One untimed batch per worker: imports, connections, first queries.
        warm_outcome = send_all(server.port, facts["token"], warm)
        if warm_outcome.wrong:
            log(f"warm-up: {warm_outcome.wrong[0]}")
        pg = PostgresCpu(url or None)
        pg_before, web_before = pg.read(), server.cpu_s()
        other, own_before = OtherCpu(), time.process_time()
        log(f"sending {len(plan)} batches from {CLIENTS} clients")
        outcome = send_all(server.port, facts["token"], plan)
        client_cpu = time.process_time() - own_before
        web_cpu = server.cpu_s() - web_before
        pg_after = pg.read()
        pg_cpu = sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in pg_after.items())
        other_share = other.share()
    result = {
        "database": database,
        "server": f"gunicorn, {args.workers} sync workers"
        + (", production settings, CONN_MAX_AGE 60" if url else ", DEBUG off"),
        "outcome": outcome,
        "web_cpu": web_cpu,
        "pg_cpu": pg_cpu,
        "client_cpu": client_cpu,
        "other_cpu": other_share,
        "machine": mach,
    }
    section = markdown(result)
    print(section)
    results_write(args.output, section)
    return 1 if outcome.wrong or warm_outcome.wrong else 0


if __name__ == "__main__":
    sys.exit(main())
