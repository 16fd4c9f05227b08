"""Reviews benchmark: product pages with 5 and with 5,000 reviews, served by Daphne.

    .venv/bin/python bench/reviews.py [--requests 600] [--output bench/RESULTS.md]

Starts from the small catalog of bench/generate.py (through bench/run.py's harness:
`generate`, `working_copy`, `Daphne`, `load`, `page_problem`), adds to a copy, in a
child process, 5 published reviews to one product and 5,000 (by 5,000 members,
ratings 1–5, some verified, some answered by staff, some authors in the rewards
programme) to another, then measures requests per second on both product pages
with the same bounded client, in alternating rounds. The goal: the large page
serves at least 90 % of the small one's rate, since the page shows 10 reviews and
one stored rating whatever the count. The figures go to their own section of
bench/RESULTS.md (replaced on each run) and to the terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import run as harness  # noqa: E402 - bench/ is a folder of scripts, not a package

SMALL, LARGE = 5, 5_000
SECTION_START = "<!-- reviews bench start -->"
SECTION_END = "<!-- reviews bench end -->"
GOAL = 0.90


def log(message: str) -> None:
    print(f"[reviews bench] {message}", flush=True)


# --- Data (runs in a child process, with Django set up on the copy) ----------------


def seed(db: Path) -> None:
    """Add the two products' reviews to `db`; prints their slugs and names."""
    sys.path[:0] = [str(harness.ROOT), str(harness.ROOT / "site")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.settings.dev"
    os.environ["SQLITE_PATH"] = str(db)
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    import datetime as dt
    import random

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from community.moderation.models import ModerationStatus
    from community.reviews.models import Review, ReviewResponse
    from community.reviews.quality import quality_score
    from community.reviews.services import product_ratings_rebuild
    from marketplace.catalog.models import Product
    from rewards.models import ProgrammeMembership

    rng = random.Random(5000)
    User = get_user_model()
    small, large = Product.objects.filter(active=True).order_by("name", "id")[1:3]
    now = timezone.now()
    with transaction.atomic():
        staff, _ = User.objects.get_or_create(
            email="bench-staff@example.com",
            defaults={"display_name": "Bench staff", "is_staff": True},
        )
        members = User.objects.bulk_create(
            [
                User(
                    email=f"bench-reviewer-{n}@example.com",
                    display_name=f"Reviewer {n}",
                    slug=f"bench-reviewer-{n}",
                    password="!",
                )
                for n in range(LARGE + SMALL)
            ],
            batch_size=1000,
        )
        ProgrammeMembership.objects.bulk_create(
            [
                ProgrammeMembership(member=m, terms_version="bench")
                for m in members[::3]
            ],
            batch_size=1000,
        )
        rows = []
        for product, authors in ((small, members[:SMALL]), (large, members[SMALL:])):
            for n, author in enumerate(authors):
                helpful, not_helpful = rng.randint(0, 40), rng.randint(0, 10)
                body = "Un avis de banc d'essai, **bien écrit**. " * rng.randint(1, 12)
                verified = rng.random() < 0.6
                created = now - dt.timedelta(minutes=n)
                rows.append(
                    Review(
                        product=product,
                        author=author,
                        rating=rng.randint(1, 5),
                        title=f"Avis {n}",
                        body=body,
                        status=ModerationStatus.PUBLISHED,
                        created_at=created,
                        published_at=created,
                        verified_purchase=verified,
                        helpful_count=helpful,
                        not_helpful_count=not_helpful,
                        quality_score=quality_score(
                            helpful=helpful,
                            not_helpful=not_helpful,
                            photos=0,
                            body_length=len(body),
                            verified=verified,
                        ),
                    )
                )
        reviews = Review.objects.bulk_create(rows, batch_size=1000)
        ReviewResponse.objects.bulk_create(
            [
                ReviewResponse(review=r, author=staff, body="Merci pour votre avis !")
                for r in reviews[::7]
            ],
            batch_size=1000,
        )
    product_ratings_rebuild()
    for product in (small, large):
        print(f"PRODUCT\t{product.slug}\t{product.name}")


def seeded_copy() -> tuple[Path, list[tuple[str, str]]]:
    import subprocess

    source, _ = harness.generate("small", regenerate=False)
    db = harness.working_copy(source, "reviews")
    completed = subprocess.run(
        [str(harness.PYTHON), str(Path(__file__)), "--seed", str(db)],
        cwd=harness.ROOT,
        env=harness._child_env(db),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{completed.stderr[-2000:]}")
    products = [
        tuple(line.split("\t")[1:3])
        for line in completed.stdout.splitlines()
        if line.startswith("PRODUCT\t")
    ]
    return db, products


# --- Measure and report --------------------------------------------------------------


# Short rounds, so a burst of load from elsewhere falls on both pages alike.
ROUNDS = 20
ROUND_CAP_S = 5.0


def _merge(into: harness.LoadResult, part: harness.LoadResult) -> None:
    into.sent += part.sent
    into.ok += part.ok
    into.failures += part.failures
    into.elapsed_s += part.elapsed_s
    into.latencies_ms += part.latencies_ms
    into.bytes_received += part.bytes_received
    into.capped = into.capped or part.capped
    for status, n in part.statuses.items():
        into.statuses[status] = into.statuses.get(status, 0) + n


def measure(requests: int) -> dict:
    """Both pages in alternating rounds, so a burst of load from other processes on
    the shared machine falls on both alike; the ratio is the median of the rounds'."""
    import html
    import statistics

    db, products = seeded_copy()
    figures: dict = {"problems": [], "round_ratios": []}
    log_path = harness.DATA_DIR / "daphne-reviews.log"
    urls = {}
    with harness.Daphne(db, log_path) as daphne:
        for label, (slug, name) in zip(("small", "large"), products, strict=True):
            url = f"/products/{slug}/"
            urls[label] = url
            problem = harness.page_problem(daphne.port, url, html.escape(name))
            if problem:
                figures["problems"].append(problem)
            harness.load(
                daphne.port, url, requests=harness.WARMUP_REQUESTS, time_cap_s=10
            )
            figures[label] = harness.LoadResult(url=url)
        per_round = max(requests // ROUNDS, 1)
        for number in range(ROUNDS):
            # Small first in even rounds, large first in odd ones: drift cancels out.
            order = ("small", "large") if number % 2 == 0 else ("large", "small")
            rates = {}
            for label in order:
                part = harness.load(
                    daphne.port,
                    urls[label],
                    requests=per_round,
                    time_cap_s=ROUND_CAP_S,
                )
                rates[label] = part.rps
                _merge(figures[label], part)
            if rates["small"]:
                figures["round_ratios"].append(rates["large"] / rates["small"])
        for label in ("small", "large"):
            result = figures[label]
            log(
                f"{label}: GET {result.url}: {result.rps:.1f} req/s, "
                f"{result.ok}/{result.sent} ok, statuses {result.statuses}"
            )
            if result.bad:
                figures["problems"].append(
                    f"{result.url}: {result.bad} of {result.sent} requests not 2xx"
                )
    ratios = figures["round_ratios"]
    figures["ratio"] = statistics.median(ratios) if ratios else 0.0
    return figures


def section(figures: dict, requests: int, info: dict) -> str:
    small, large = figures["small"], figures["large"]
    ratio = figures["ratio"]
    spread = ", ".join(f"{r:.2f}" for r in figures["round_ratios"])
    lines = [
        SECTION_START,
        "## Product page with 5 and with 5,000 reviews",
        "",
        "Written by `bench/reviews.py` (run by `make bench`): the small catalog, one "
        f"product with {SMALL} published reviews and one with {LARGE:,}, served by "
        f"one Daphne process; {harness.CONCURRENCY} keep-alive connections, "
        f"{requests} requests per page in {ROUNDS} alternating rounds (small then "
        "large, then large then small...). The ratio is the median of the rounds' "
        f"ratios. Goal: the large page serves at least {GOAL:.0%} of the small "
        "one's rate.",
        "",
        "| metric | 5 reviews | 5,000 reviews | 5,000/5 |",
        "| --- | ---: | ---: | ---: |",
        f"| `GET /products/<slug>/` req/s | {small.rps:.1f} | {large.rps:.1f} | "
        f"{ratio:.2f} (median; rounds: {spread}) |",
        f"| latency median / p95 (ms) | {harness._latency(small)} | "
        f"{harness._latency(large)} |  |",
        f"| page size (KB) | {small.bytes_received / max(small.ok, 1) / 1000:.0f} | "
        f"{large.bytes_received / max(large.ok, 1) / 1000:.0f} |  |",
        "",
        f"{'Goal met' if ratio >= GOAL else 'Goal NOT met'} (ratio {ratio:.2f}). "
        f"Machine: {info['cpus']} CPUs, Python {info['python']}, SQLite "
        f"{info['sqlite']}; {info['date']}; load average {info['load']} at the start.",
    ]
    if figures["problems"]:
        lines += ["", "Problems during this run:", ""]
        lines += [f"- {p}" for p in figures["problems"]]
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
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md")
    parser.add_argument("--seed", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed:
        seed(args.seed)
        return 0
    started = time.perf_counter()
    info = harness.machine()
    harness.DATA_DIR.mkdir(parents=True, exist_ok=True)
    figures = measure(args.requests)
    text = section(figures, args.requests, info)
    print(text)
    results_write(args.output, text)
    log(f"written to {args.output} in {time.perf_counter() - started:.0f} s")
    return 1 if figures["problems"] else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; Daphne stopped")
        sys.exit(130)
