"""Comptoir benchmarks: catalog pages and sales ingest, served by Daphne over SQLite.

    make bench                      # both sizes, defaults below
    .venv/bin/python bench/run.py --sizes small --requests 100 --batches 5

For each size the generated database (bench/generate.py, cached under bench/data/) is
copied, Daphne serves the copy on a free 127.0.0.1 port, and a bounded client in this
process measures requests per second on ``/products/`` and on one product page, then
events per second through ``POST /api/v1/sales/bulk``. Every load is bounded by a
request count and a time cap; non-2xx answers are counted and reported, never timed as
successes. The table is printed and written to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import html
import http.client
import importlib.metadata
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
DATA_DIR = BENCH_DIR / "data"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
HOST = "127.0.0.1"

CONCURRENCY = 4
WARMUP_REQUESTS = 20
TIME_CAP_S = 20.0
BATCH_SIZE = 1_000
SCOPES = "catalog:write,sales:write"
# This bench's part of RESULTS.md; other benches keep sections of their own there.
SECTION_START = "<!-- catalog bench start -->"
SECTION_END = "<!-- catalog bench end -->"


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- Results ----------------------------------------------------------------------


@dataclass
class LoadResult:
    """What a bounded run of requests against one URL gave."""

    url: str
    sent: int = 0
    ok: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0  # connection errors, timeouts: no HTTP status at all
    elapsed_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    capped: bool = False
    bytes_received: int = 0

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def bad(self) -> int:
        return self.sent - self.ok

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


@dataclass
class IngestResult:
    batches: int = 0
    events_created: int = 0
    events_sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    wrong_answers: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    batch_ms: list[float] = field(default_factory=list)
    skipped: str = ""

    @property
    def events_per_s(self) -> float:
        return self.events_created / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def bad_batches(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)


@dataclass
class SizeResult:
    size: str
    products: int = 0
    stores: int = 0
    sales: int = 0
    db_mb: float = 0.0
    generate_s: float = 0.0
    list_page: LoadResult | None = None
    product_page: LoadResult | None = None
    ingest: IngestResult | None = None
    errors: list[str] = field(default_factory=list)


# --- Data ---------------------------------------------------------------------------


def generate(size: str, *, regenerate: bool) -> tuple[Path, float]:
    """Run the generator in its own process (Django is set up once per process)."""
    started = time.perf_counter()
    command = [str(PYTHON), str(BENCH_DIR / "generate.py"), "--size", size]
    if regenerate:
        command.append("--regenerate")
    subprocess.run(command, cwd=ROOT, check=True, env=_child_env(None))
    return DATA_DIR / f"{size}.sqlite3", time.perf_counter() - started


def working_copy(source: Path, size: str) -> Path:
    """A fresh copy per run: ingest and tokens write to it, the cache stays clean."""
    target = DATA_DIR / f"run-{size}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def catalog_facts(db: Path) -> dict:
    """Counts, the product in the middle of the catalog, SKUs and store codes."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        active = one("SELECT COUNT(*) FROM catalog_product WHERE active")
        # The list is ordered by name; the middle of it is neither first nor last page.
        middle_slug, middle_name = con.execute(
            "SELECT slug, name FROM catalog_product WHERE active ORDER BY name, id "
            "LIMIT 1 OFFSET ?",
            (active // 2,),
        ).fetchone()
        tables = {
            row[0]
            for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        sales = (
            one("SELECT COUNT(*) FROM sales_saleevent")
            if ("sales_saleevent" in tables)
            else 0
        )
        return {
            "products": one("SELECT COUNT(*) FROM catalog_product"),
            "stores": one("SELECT COUNT(*) FROM catalog_store"),
            "sales": sales,
            "middle_slug": middle_slug,
            "middle_name": middle_name,
            "products_for_sale": con.execute(
                "SELECT sku, price_cents FROM catalog_product WHERE active "
                "ORDER BY id LIMIT 500"
            ).fetchall(),
            "store_codes": [
                row[0] for row in con.execute("SELECT code FROM catalog_store")
            ],
        }
    finally:
        con.close()


# --- Daphne -------------------------------------------------------------------------


def _child_env(db: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH="site",
        DJANGO_SETTINGS_MODULE="comptoir.settings.dev",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    env.pop("DATABASE_URL", None)
    if db is not None:
        env["SQLITE_PATH"] = str(db)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Daphne:
    """Daphne in its own process group, always stopped on the way out."""

    def __init__(self, db: Path, log_path: Path):
        self.db, self.log_path = db, log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Daphne:
        self.log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "daphne"),
                "-b",
                HOST,
                "-p",
                str(self.port),
                "comptoir.asgi:application",
            ],
            cwd=ROOT,
            env=_child_env(self.db),
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready(timeout_s=60)
        return self

    def _wait_ready(self, *, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Daphne exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/products/")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"Daphne did not answer in {timeout_s:.0f}s")

    def log_tail(self, lines: int = 30) -> str:
        self.log_file.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def __exit__(self, *exc) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            # Only the group this run started: Daphne and anything it spawned.
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.log_file.close()


# --- Page load ----------------------------------------------------------------------


def load(port: int, url: str, *, requests: int, time_cap_s: float) -> LoadResult:
    """GET ``url`` ``requests`` times over CONCURRENCY keep-alive connections.

    Stops early at ``time_cap_s``. Only 2xx answers count towards requests per second.
    """
    result = LoadResult(url=url)
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + time_cap_s

    def take() -> bool:
        with lock:
            if remaining[0] <= 0:
                return False
            if time.monotonic() >= deadline:
                result.capped = True
                return False
            remaining[0] -= 1
            result.sent += 1
            return True

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            while take():
                started = time.perf_counter()
                try:
                    conn.request("GET", url)
                    response = conn.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
                    with lock:
                        result.failures += 1
                    continue
                elapsed_ms = (time.perf_counter() - started) * 1000
                with lock:
                    status = response.status
                    result.statuses[status] = result.statuses.get(status, 0) + 1
                    if 200 <= status < 300:
                        result.ok += 1
                        result.latencies_ms.append(elapsed_ms)
                        result.bytes_received += len(body)
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed_s = time.perf_counter() - started
    return result


def page_problem(port: int, url: str, must_contain: str) -> str:
    """Why ``url`` is not the page we mean to time, or "" when it is.

    A fast error page or an empty list would make flattering figures.
    """
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", url)
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException) as exc:
        return f"{url}: {exc}"
    finally:
        conn.close()
    if response.status != 200:
        return f"{url}: HTTP {response.status}"
    if must_contain not in body:
        return f"{url}: the page does not contain {must_contain!r}"
    return ""


# --- Sales ingest -------------------------------------------------------------------


def create_token(db: Path) -> str:
    """Create an API client in ``db`` with the project's command; return its token."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    completed = subprocess.run(
        [str(PYTHON), "manage.py", "api_client", "create", name, "--scopes", SCOPES],
        cwd=ROOT,
        env=_child_env(db),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"api_client create failed ({completed.returncode}): "
            f"{(completed.stderr or completed.stdout).strip()[-500:]}"
        )
    # The token is the longest URL-safe word printed: ignore the prose around it.
    words = re.findall(r"[A-Za-z0-9_\-.~+/=]{24,}", completed.stdout)
    if not words:
        raise RuntimeError(f"no token in api_client output: {completed.stdout!r}")
    return max(words, key=len)


def sale_batch(facts: dict, *, run_id: str, batch: int, rng: random.Random) -> list:
    """BATCH_SIZE sale events never sent before (ids carry this run's id)."""
    now = datetime.now(UTC)
    events = []
    for n in range(BATCH_SIZE):
        sku, price = rng.choice(facts["products_for_sale"])
        quantity = rng.choice((1, 1, 1, 2, 3))
        events.append(
            {
                "id": f"bench-{run_id}-{batch:04d}-{n:04d}",
                "type": "sale",
                "sku": sku,
                "quantity": quantity,
                "amount_cents": price * quantity,
                "store": rng.choice(facts["store_codes"]),
                "channel": "store",
                "customer_ref": None,
                "occurred_at": (
                    now - timedelta(minutes=rng.randrange(60 * 24 * 30))
                ).isoformat(timespec="seconds"),
            }
        )
    return events


def ingest(port: int, token: str, facts: dict, *, batches: int) -> IngestResult:
    """POST ``batches`` batches of fresh events one after the other, as a till would.

    One untimed batch warms the endpoint up first. Bodies are built before the clock
    starts; each answer must be 2xx and say created=1000 with no row errors.
    """
    result = IngestResult()
    rng = random.Random(7)
    run_id = uuid.uuid4().hex[:10]
    warmup, *bodies = [
        json.dumps({"events": sale_batch(facts, run_id=run_id, batch=b, rng=rng)})
        for b in range(batches + 1)
    ]
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
    }
    conn = http.client.HTTPConnection(HOST, port, timeout=120)

    def post(body: str) -> tuple[int, bytes]:
        """(status, body), or (0, error) when no HTTP answer came back."""
        nonlocal conn
        try:
            conn.request("POST", "/api/v1/sales/bulk", body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=120)
            return 0, repr(exc).encode()
        if response.will_close:
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=120)
        return response.status, raw

    def problem(status: int, raw: bytes) -> tuple[int, str]:
        """(events created, what was wrong or "")."""
        if not 200 <= status < 300:
            return 0, f"HTTP {status or 'no answer'} {raw[:200]!r}"
        try:
            answer = json.loads(raw)
            created = int(answer.get("created", 0))
        except (ValueError, AttributeError, TypeError):
            return 0, f"not JSON {raw[:200]!r}"
        if created != BATCH_SIZE or answer.get("errors"):
            return created, (
                f"created={created}, errors={str(answer.get('errors'))[:200]}"
            )
        return created, ""

    try:
        _, wrong = problem(*post(warmup))
        if wrong:
            result.wrong_answers.append(f"warm-up batch: {wrong}")
        deadline = time.monotonic() + TIME_CAP_S * 6
        started = time.perf_counter()
        for number, body in enumerate(bodies):
            if time.monotonic() >= deadline:
                result.wrong_answers.append(f"time cap reached after {number} batches")
                break
            sent = time.perf_counter()
            status, raw = post(body)
            result.batch_ms.append((time.perf_counter() - sent) * 1000)
            result.batches += 1
            result.events_sent += BATCH_SIZE
            result.statuses[status] = result.statuses.get(status, 0) + 1
            created, wrong = problem(status, raw)
            result.events_created += created
            if wrong:
                result.wrong_answers.append(f"batch {number}: {wrong}")
        result.elapsed_s = time.perf_counter() - started
    finally:
        conn.close()
    return result


# --- One size -----------------------------------------------------------------------


def bench_size(size: str, args: argparse.Namespace) -> SizeResult:
    result = SizeResult(size=size)
    cached, result.generate_s = generate(size, regenerate=args.regenerate)
    db = working_copy(cached, size)
    facts = catalog_facts(db)
    result.products, result.stores = facts["products"], facts["stores"]
    result.sales = facts["sales"]
    result.db_mb = db.stat().st_size / 1e6
    token = ""
    if args.batches:
        try:
            token = create_token(db)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            result.ingest = IngestResult(skipped=str(exc).splitlines()[0][:160])
            result.errors.append(f"ingest skipped: {exc}")
    urls = {
        "list_page": "/products/",
        "product_page": f"/products/{facts['middle_slug']}/",
    }
    # The list must link to products; the product page must name its product.
    expected = {
        "list_page": 'href="/products/',
        "product_page": html.escape(facts["middle_name"]),
    }
    log_path = DATA_DIR / f"daphne-{size}.log"
    log(f"{size}: serving {db.name} with Daphne (log: {log_path.relative_to(ROOT)})")
    with Daphne(db, log_path) as daphne:
        for attr, url in urls.items():
            problem = page_problem(daphne.port, url, expected[attr])
            if problem:
                result.errors.append(problem)
            warm = load(daphne.port, url, requests=WARMUP_REQUESTS, time_cap_s=10)
            if warm.ok == 0:
                result.errors.append(
                    f"{url}: warm-up got no 2xx answer (statuses {warm.statuses}, "
                    f"{warm.failures} connection failures)"
                )
            measured = load(
                daphne.port, url, requests=args.requests, time_cap_s=TIME_CAP_S
            )
            setattr(result, attr, measured)
            log(
                f"{size}: GET {url}: {measured.rps:.1f} req/s, "
                f"{measured.ok}/{measured.sent} ok, statuses {measured.statuses}"
                + (" (time cap)" if measured.capped else "")
            )
            if measured.bad:
                result.errors.append(
                    f"{url}: {measured.bad} of {measured.sent} requests not 2xx "
                    f"(statuses {measured.statuses}, {measured.failures} failures)"
                )
        if token:
            measured = ingest(daphne.port, token, facts, batches=args.batches)
            result.ingest = measured
            log(
                f"{size}: ingest {measured.events_per_s:,.0f} events/s, "
                f"{measured.events_created:,}/{measured.events_sent:,} created, "
                f"statuses {measured.statuses}"
            )
            for wrong in measured.wrong_answers[:5]:
                result.errors.append(f"ingest: {wrong}")
    return result


# --- Report -------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    return {
        "cpus": str(len(os.sched_getaffinity(0))),
        "cpu": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "django": version("django"),
        "wagtail": version("wagtail"),
        "daphne": version("daphne"),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        # Other work on the machine skews every figure: say how busy it was.
        "load": f"{os.getloadavg()[0]:.1f}",
    }


def _rps(load_result: LoadResult | None) -> str:
    if load_result is None:
        return "n/a"
    text = f"{load_result.rps:.1f}"
    if load_result.bad:
        text += f" ({load_result.bad} non-2xx)"
    return text


def _latency(load_result: LoadResult | None) -> str:
    if load_result is None or not load_result.latencies_ms:
        return "n/a"
    return (
        f"{statistics.median(load_result.latencies_ms):.0f} / "
        f"{load_result.percentile(95):.0f}"
    )


def _ingest(result: IngestResult | None) -> str:
    if result is None:
        return "not run"
    if result.skipped:
        return "skipped"
    text = f"{result.events_per_s:,.0f}"
    if result.bad_batches:
        text += f" ({result.bad_batches} of {result.batches} batches non-2xx)"
    elif result.wrong_answers:
        text += f" ({len(result.wrong_answers)} wrong answers)"
    return text


def _ratio(results: dict[str, SizeResult], attr: str) -> str:
    small, large = results.get("small"), results.get("large")
    if not small or not large:
        return ""
    a, b = getattr(small, attr), getattr(large, attr)
    if a is None or b is None:
        return ""
    rate = "events_per_s" if attr == "ingest" else "rps"
    if not getattr(a, rate):
        return ""
    return f"{getattr(b, rate) / getattr(a, rate):.2f}"


def table_rows(results: dict[str, SizeResult]) -> tuple[list[str], list[list[str]]]:
    sizes = list(results)
    header = ["metric", *sizes]
    both = "small" in results and "large" in results
    if both:
        header.append("large/small")

    def row(label: str, cells: list[str], ratio: str = "") -> list[str]:
        return [label, *cells, *([ratio] if both else [])]

    r = results
    rows = [
        row("products / stores", [f"{r[s].products:,} / {r[s].stores}" for s in sizes]),
        row("sales events in the database", [f"{r[s].sales:,}" for s in sizes]),
        row(
            "`GET /products/` req/s",
            [_rps(r[s].list_page) for s in sizes],
            _ratio(r, "list_page"),
        ),
        row(
            "`GET /products/<slug>/` req/s",
            [_rps(r[s].product_page) for s in sizes],
            _ratio(r, "product_page"),
        ),
        row(
            "list latency median / p95 (ms)",
            [_latency(r[s].list_page) for s in sizes],
        ),
        row(
            "product latency median / p95 (ms)",
            [_latency(r[s].product_page) for s in sizes],
        ),
        row(
            "`POST /api/v1/sales/bulk` events/s",
            [_ingest(r[s].ingest) for s in sizes],
            _ratio(r, "ingest"),
        ),
        row(
            "ingest batch of 1,000 median (ms)",
            [
                f"{statistics.median(r[s].ingest.batch_ms):.0f}"
                if r[s].ingest and r[s].ingest.batch_ms
                else "n/a"
                for s in sizes
            ],
        ),
    ]
    return header, rows


def text_table(header: list[str], rows: list[list[str]]) -> str:
    cells = [header, *rows]
    widths = [
        max(len(line[i].replace("`", "")) for line in cells) for i in range(len(header))
    ]

    def fmt(line: list[str]) -> str:
        return " | ".join(
            cell.replace("`", "").ljust(width)
            for cell, width in zip(line, widths, strict=True)
        )

    return "\n".join(
        [fmt(header), "-+-".join("-" * w for w in widths), *map(fmt, rows)]
    )


def markdown(
    header: list[str],
    rows: list[list[str]],
    info: dict[str, str],
    args: argparse.Namespace,
    results: dict[str, SizeResult],
    total_s: float,
) -> str:
    lines = [
        SECTION_START,
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); bench/README.md says what is "
        "measured. Other benches add their own sections below.",
        "",
        "One Daphne process serving a SQLite file (WAL) on 127.0.0.1; the client runs "
        f"on the same machine with {CONCURRENCY} keep-alive connections, "
        f"{args.requests} requests per page (capped at {TIME_CAP_S:.0f} s), and sends "
        f"{args.batches} ingest batches of {BATCH_SIZE:,} new sale events one after "
        "the other.",
        "",
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |",
        *("| " + " | ".join(line) + " |" for line in rows),
        "",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"SQLite {info['sqlite']}, Django {info['django']}, Wagtail {info['wagtail']}, "
        f"Daphne {info['daphne']}; {info['date']}; load average "
        f"{info['load']} at the start; other processes used {info['others_cpu']} of "
        f"the CPUs during the run. Whole run: {total_s:.0f} s "
        + "(data check, migration or build: "
        + ", ".join(f"{s} {r.generate_s:.0f} s" for s, r in results.items())
        + ").",
    ]
    problems = [f"- {size}: {e}" for size, r in results.items() for e in r.errors]
    if problems:
        lines += ["", "Problems during this run:", "", *problems]
    lines.append(SECTION_END)
    return "\n".join(lines) + "\n"


def results_write(output: Path, section: str) -> None:
    """Put this bench's section at the top of ``output``, keeping the others' sections.

    Other benches (bench/reviews.py, …) keep theirs between their own
    ``<!-- … bench start/end -->`` markers further down.
    """
    current = output.read_text() if output.exists() else ""
    if SECTION_START in current and SECTION_END in current:
        rest = current.split(SECTION_END, 1)[1]
    else:
        # A file from before the markers: this bench's part is what precedes the
        # first other section.
        other = re.search(r"<!-- [\w-]+ bench start -->", current)
        rest = current[other.start() :] if other else ""
    rest = rest.lstrip("\n")
    output.write_text(section + ("\n" + rest if rest else ""))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="small,large",
        help="comma-separated sizes to run (small, large); default: small,large",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=300,
        help="measured requests per page (default 300; each page capped at "
        f"{TIME_CAP_S:.0f} s)",
    )
    parser.add_argument(
        "--batches",
        type=int,
        default=20,
        help=f"ingest batches of {BATCH_SIZE:,} sale events (default 20; 0 skips)",
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="rebuild the data even if current"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=BENCH_DIR / "RESULTS.md",
        help="where to write the Markdown table (default bench/RESULTS.md)",
    )
    args = parser.parse_args(argv)
    args.size_list = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = set(args.size_list) - {"small", "large"}
    if unknown or not args.size_list:
        parser.error(f"--sizes takes small and/or large, not {args.sizes!r}")
    if args.requests < 1 or args.batches < 0:
        parser.error("--requests must be at least 1 and --batches at least 0")
    return args


class OtherCpu:
    """How much of the machine's CPU other processes used while the bench ran.

    Busy time of all CPUs (/proc/stat) minus this process's and its waited-for
    children's (Daphne, the generator, manage.py): a busy machine skews every figure.
    """

    def __init__(self) -> None:
        self.busy, self.own, self.wall = self._busy(), self._own(), time.monotonic()

    @staticmethod
    def _busy() -> float:
        try:
            fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        except OSError:
            return 0.0
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
        ticks = user + nice + system + irq + softirq + steal
        return ticks / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _own() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def share(self) -> str:
        wall = time.monotonic() - self.wall
        other = (self._busy() - self.busy) - (self._own() - self.own)
        if not self.busy or wall <= 0:
            return "?"
        return f"{max(0.0, other) / (wall * (os.cpu_count() or 1)):.0%}"


def _interrupt(signum, frame) -> None:
    # A kill is handled like Ctrl-C, so the `finally` blocks stop Daphne.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.perf_counter()
    info = machine()
    other_cpu = OtherCpu()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    results: dict[str, SizeResult] = {}
    for size in args.size_list:
        results[size] = bench_size(size, args)
    total_s = time.perf_counter() - started
    info["others_cpu"] = other_cpu.share()
    header, rows = table_rows(results)
    print()
    print(text_table(header, rows))
    print()
    print(
        f"{info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"SQLite {info['sqlite']}, {info['date']}, load average {info['load']}; "
        f"whole run {total_s:.0f} s, other processes used {info['others_cpu']} "
        "of the CPUs meanwhile"
    )
    problems = [e for r in results.values() for e in r.errors]
    for problem in problems:
        print(f"problem: {problem}")
    results_write(args.output, markdown(header, rows, info, args, results, total_s))
    log(f"written to {args.output}")
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; Daphne stopped")
        sys.exit(130)
