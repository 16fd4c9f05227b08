"""Rewards benchmark: `rewards_close` of a month of 100,000 and of 1,000,000 sales.

    .venv/bin/python bench/rewards.py [--regenerate] [--output bench/RESULTS.md]

One SQLite file (``bench/data/rewards.sqlite3``, rebuilt only when the migrations or
this generator change) holds 10,000 products, 20,000 members (half opted in),
50,000 published reviews, originators on 2,000 products, and sales: 100,000 in
September 2026 and 1,000,000 in October 2026. A fresh copy is closed month by month
through the real service (`period_close`) in a child process, timed with
`perf_counter`; the figures go to a section of bench/RESULTS.md (replaced on each
run) and to the terminal. The goal: at most 5 s for the month of 1,000,000 sales,
and a cost growing no faster than the number of sales.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"
PYTHON = ROOT / ".venv" / "bin" / "python"
GENERATOR_VERSION = 1
SEED = 20261124
PRODUCTS = 10_000
MEMBERS = 20_000
REVIEWS = 50_000
ORIGINATED = 2_000
MONTHS = {"2026-09": 100_000, "2026-10": 1_000_000}
SECTION_START = "<!-- rewards bench start -->"
SECTION_END = "<!-- rewards bench end -->"


def log(message: str) -> None:
    print(f"[rewards bench] {message}", flush=True)


def _setup_django(path: Path) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "site")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.settings.dev"
    os.environ["SQLITE_PATH"] = str(path)
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def _marker() -> dict:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        "generator_version": GENERATOR_VERSION,
        "months": MONTHS,
        "migrations": sorted(f"{a}.{n}" for a, n in loader.disk_migrations),
    }


def _sql_time(moment: datetime) -> str:
    # Django keeps aware datetimes in SQLite as UTC text.
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def build(path: Path) -> None:
    """Migrate a fresh file and fill it (set-up, not measured: raw bulk inserts)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(SEED)
    now = _sql_time(datetime.now(UTC))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO catalog_product (sku, name, slug, description, price_cents,"
            " active, created_at, updated_at) VALUES (?, ?, ?, '', ?, 1, ?, ?)",
            [
                (f"R-{i:06d}", f"Produit {i}", f"produit-{i}", rng.randint(99, 49_999),
                 now, now)
                for i in range(PRODUCTS)
            ],
        )  # fmt: skip
        products = [r[0] for r in cur.execute("SELECT id FROM catalog_product")]
    from django.contrib.auth import get_user_model

    from community.moderation.models import ModerationStatus
    from community.reviews.models import Review
    from rewards.models import ProductOrigin, ProductOriginator, ProgrammeMembership

    user_model = get_user_model()
    with transaction.atomic():
        user_model.objects.bulk_create(
            [
                user_model(
                    email=f"m{i}@bench.example",
                    display_name=f"Membre {i}",
                    slug=f"membre-{i}",
                    password="!",
                )
                for i in range(MEMBERS)
            ],
            batch_size=5_000,
        )
    members = list(user_model.objects.order_by("id").values_list("id", flat=True))
    joined = datetime(2026, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        ProgrammeMembership.objects.bulk_create(
            [
                ProgrammeMembership(member_id=m, opted_in_at=joined, terms_version="1")
                for m in members[::2]
            ],
            batch_size=5_000,
        )
        reviews = []
        per_product = REVIEWS // PRODUCTS
        for product in products:
            for author in rng.sample(members, per_product):
                reviews.append(
                    Review(
                        product_id=product,
                        author_id=author,
                        rating=rng.randint(1, 5),
                        title="Avis",
                        body="Texte",
                        status=ModerationStatus.PUBLISHED,
                        published_at=joined,
                        verified_purchase=rng.random() < 0.7,
                        quality_score=rng.randint(0, 20_000),
                    )
                )
        Review.objects.bulk_create(reviews, batch_size=5_000)
        origins = ProductOrigin.objects.bulk_create(
            [ProductOrigin(product_id=p) for p in products[:ORIGINATED]]
        )
        lines = []
        for origin in origins:
            a, b = rng.sample(members, 2)
            lines += [
                ProductOriginator(origin=origin, member_id=a, share_bp=6_000),
                ProductOriginator(origin=origin, member_id=b, share_bp=4_000),
            ]
        ProductOriginator.objects.bulk_create(lines, batch_size=5_000)
    log(f"{len(products):,} products, {len(members):,} members, {REVIEWS:,} reviews")

    number = 0
    for month, count in MONTHS.items():
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC) + timedelta(
            days=1
        )
        span = 26 * 24 * 3600
        written = 0
        while written < count:
            batch = min(50_000, count - written)
            rows = []
            for _ in range(batch):
                number += 1
                refund = rng.random() < 0.03
                amount = rng.randint(99, 49_999)
                rows.append(
                    (
                        f"rb-{number:08d}",
                        "refund" if refund else "sale",
                        rng.choice(products),
                        1,
                        amount,
                        -amount if refund else amount,
                        "online",
                        "",
                        _sql_time(start + timedelta(seconds=rng.randrange(span))),
                        f"rb-{max(1, number - 1000):08d}" if refund else "",
                        now,
                    )
                )
            with transaction.atomic(), connection.cursor() as cur:
                cur.executemany(
                    "INSERT INTO sales_saleevent (external_id, kind, product_id,"
                    " quantity, amount_cents, net_cents, channel, customer_ref,"
                    " occurred_at, refund_of, received_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
            written += batch
        log(f"{month}: {count:,} sales")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def measure(path: Path) -> dict:
    """Close each month in order on `path`; seconds per month and what was written."""
    from django.db import connection

    from rewards.close import month_parse, period_close

    connection.ensure_connection()
    figures = {}
    for month in MONTHS:
        started = time.perf_counter()
        period, created = period_close(month=month_parse(month))
        elapsed = time.perf_counter() - started
        assert created, f"{month} was already closed in a fresh copy"
        figures[month] = {
            "sales": MONTHS[month],
            "seconds": round(elapsed, 3),
            "lines": period.lines,
        }
        log(f"close {month}: {MONTHS[month]:,} sales in {elapsed:.2f} s")
    connection.close()
    return figures


def _child(args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": "site"}
    return subprocess.run(
        [str(PYTHON), __file__, *args], cwd=ROOT, env=env, check=True,
        capture_output=False, text=True,
    )  # fmt: skip


def ensure_data(regenerate: bool) -> Path:
    final = DATA_DIR / "rewards.sqlite3"
    marker_file = DATA_DIR / "rewards.json"
    marker = json.loads(
        subprocess.run(
            [str(PYTHON), __file__, "--print-marker"], cwd=ROOT, check=True,
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": "site"},
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    if (
        not regenerate
        and final.exists()
        and marker_file.exists()
        and json.loads(marker_file.read_text()) == marker
    ):
        log(f"{final.relative_to(ROOT)} is up to date")
        return final
    building = DATA_DIR / "rewards.building.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    log("building the data (about a minute)")
    _child(["--build", str(building)])
    building.rename(final)
    marker_file.write_text(json.dumps(marker) + "\n")
    log(f"built in {time.perf_counter() - started:.0f} s")
    return final


def section(figures: dict) -> str:
    small, large = figures["2026-09"], figures["2026-10"]
    ratio = large["seconds"] / small["seconds"] if small["seconds"] else 0
    return "\n".join(
        [
            SECTION_START,
            "## Rewards: monthly close",
            "",
            "`period_close` (what `rewards_close` runs) on SQLite, on a copy of a "
            f"database with {PRODUCTS:,} products, {MEMBERS:,} members (half opted "
            f"in), {REVIEWS:,} published reviews and originators on "
            f"{ORIGINATED:,} products; September then October closed in order "
            "(bench/rewards.py).",
            "",
            "| month | sales in the month | seconds | statement lines |",
            "| --- | ---: | ---: | ---: |",
            *(
                f"| {month} | {f['sales']:,} | {f['seconds']:.2f} | {f['lines']:,} |"
                for month, f in figures.items()
            ),
            "",
            f"1,000,000 / 100,000 sales: {ratio:.1f}× the time for 10× the sales "
            f"(goal: at most 5 s for 1,000,000). Load average "
            f"{os.getloadavg()[0]:.1f}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
            SECTION_END,
        ]
    )


def results_write(output: Path, text: str) -> None:
    current = output.read_text() if output.exists() else "# Benchmark results\n"
    if SECTION_START in current and SECTION_END in current:
        head, rest = current.split(SECTION_START, 1)
        tail = rest.split(SECTION_END, 1)[1]
        current = head.rstrip("\n") + "\n\n" + text + tail
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    output.write_text(current)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--print-marker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.print_marker:
        _setup_django(DATA_DIR / "unused.sqlite3")
        print(json.dumps(_marker()))
        return 0
    if args.build:
        _setup_django(args.build)
        build(args.build)
        return 0
    if args.measure:
        _setup_django(args.measure)
        print("FIGURES " + json.dumps(measure(args.measure)))
        return 0

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    source = ensure_data(args.regenerate)
    run_copy = DATA_DIR / "run-rewards.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{run_copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, run_copy)
    result = subprocess.run(
        [str(PYTHON), __file__, "--measure", str(run_copy)], cwd=ROOT, check=True,
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": "site"},
    )  # fmt: skip
    sys.stdout.write(result.stderr)
    for out_line in result.stdout.splitlines():
        if not out_line.startswith("FIGURES "):
            print(out_line)
    line = next(x for x in result.stdout.splitlines() if x.startswith("FIGURES "))
    figures = json.loads(line.removeprefix("FIGURES "))
    text = section(figures)
    print(text)
    results_write(args.output, text)
    log(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
