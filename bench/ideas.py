"""Ideas benchmark: /ideas/ and an idea page at 100 and at 10,000 ideas, and the
daily `ideas_refresh` over 10,000 ideas.

    .venv/bin/python bench/ideas.py [--requests 300] [--regenerate]
                                    [--output bench/RESULTS.md]

Two SQLite files, cached under bench/data/ (``ideas-small.sqlite3``,
``ideas-large.sqlite3``, rebuilt when the migrations, the small catalog of
bench/generate.py they start from, or this generator change), filled with bulk
inserts in a child process:

| size | ideas | supports | members | comments |
| --- | ---: | ---: | ---: | ---: |
| small | 100 | 1,000 | 200 | ~170, 25 on the measured idea |
| large | 10,000 | 1,000,000 | 75,000 | ~17,000, 2,000 on the measured idea |

Ideas are in every state (most of them open, at each of the default programme's
stages, the rest in review, decided, launched on catalog products, expired or
merged), supports are spread over the past months with a part in the last 14
days (the "trending" sort) and within every member's budget of open supports;
each idea has its history, its author as originator and one or two tags.

1. Pages: each file is served by its own Daphne process (settings_bench: the
   X-Bench-Queries header counts each request's queries; the full-page cache off,
   so every request builds its page). After a check that each page is the one we
   mean and a warm-up, ``GET /ideas/`` and the page of the idea with the most
   comments are loaded from 4 keep-alive connections in alternating rounds (small
   then large, then large then small...), so load from elsewhere on a shared
   machine falls on both alike; the ratio is the median of the rounds' ratios.
   Goals: the same query count at both sizes, and a large/small rate ratio of at
   least 0.9.
2. ``ideas_refresh`` (what ``manage.py ideas_refresh`` runs) on a fresh copy of
   each file, timed with ``perf_counter`` in a child process: seconds, ideas
   looked at per second, and what it did (5 % of the open ideas are past their
   deadline and expire). Twice: with the immediate task backend of ``make run``,
   where the expiries' notifications to every supporter run inside the command,
   and with the database backend of production, where they are queued for the
   task workers (e-mails kept in memory either way).

The figures go to their own section of bench/RESULTS.md (replaced on each run)
and to the terminal. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import run as harness  # noqa: E402 - bench/ is a folder of scripts, not a package

ROOT, DATA_DIR, PYTHON = harness.ROOT, harness.DATA_DIR, harness.PYTHON
GENERATOR_VERSION = 1
SEED = 20261202
SIZES = {
    "small": {"ideas": 100, "supports": 1_000, "members": 200, "discussion": 25},
    "large": {
        "ideas": 10_000,
        "supports": 1_000_000,
        "members": 75_000,
        "discussion": 2_000,
    },
}
GOAL = 0.90
ROUNDS = 10
ROUND_CAP_S = 6.0
SECTION_START = "<!-- ideas bench start -->"
SECTION_END = "<!-- ideas bench end -->"
TAGS = [
    "jardin",
    "potager",
    "arrosage",
    "outillage",
    "rangement",
    "peinture",
    "électricité",
    "plomberie",
]
WORDS = (
    "bac jardinière support tuteur coffre étagère arrosoir panneau crochet serre "
    "râtelier composteur nichoir tabouret brosse housse kit boîte lampe prise"
).split()


def log(message: str) -> None:
    print(f"[ideas bench] {message}", flush=True)


# --- Data (runs in a child process, with Django set up on the file) -----------------


def _setup_django(db: Path, settings: str = "comptoir.settings.dev") -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "site"), str(BENCH_DIR)]
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ["SQLITE_PATH"] = str(db)
    # DEBUG keeps every query in memory: a million inserts would eat the machine.
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def _sql_time(moment: datetime) -> str:
    # Django keeps aware datetimes in SQLite as UTC text.
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _states(size: str, count: int, rng: random.Random) -> list[tuple[str, int]]:
    """(state, stage) of each idea. The large set: most open, at every stage, the
    others in review, decided, launched, expired or merged. The small one cannot
    reach review with 1,000 supports (250 needed): open at the first two stages
    and expired."""
    if size == "small":
        shares = [("open", 0, 0.75), ("open", 1, 0.10), ("expired", 0, 0.15)]
    else:
        shares = [
            ("open", 0, 0.30),
            ("open", 1, 0.25),
            ("open", 2, 0.15),
            ("in_review", 3, 0.05),
            ("on_hold", 3, 0.01),
            ("accepted", 3, 0.02),
            ("in_development", 3, 0.01),
            ("launched", 3, 0.005),
            ("declined", 3, 0.10),
            ("expired", 0, 0.095),
            ("merged", 0, 0.005),
        ]
    states = []
    for state, stage, share in shares:
        states += [(state, stage)] * max(1, round(count * share))
    states = states[:count]
    while len(states) < count:
        states.append(("open", 0))
    rng.shuffle(states)
    return states


# Supporters an idea in this (state, stage) may have under the default stages
# (25, 100, 250): below its stage's threshold while open, past the last one once
# reviewed.
RANGES = {
    ("open", 0): (0, 24),
    ("open", 1): (25, 99),
    ("open", 2): (100, 249),
    ("expired", 0): (0, 24),
    ("merged", 0): (0, 0),
}
REVIEWED = (250, 330)


def _supporter_counts(states, total: int, rng: random.Random) -> list[int]:
    """Supporters per idea within its range, adding up to `total`."""
    ranges = [RANGES.get(key, REVIEWED) for key in states]
    raw = [rng.randint(low, high) for low, high in ranges]
    scale = total / max(sum(raw), 1)
    counts = [
        min(max(round(n * scale), low), high)
        for n, (low, high) in zip(raw, ranges, strict=True)
    ]
    order = list(range(len(counts)))
    while (diff := total - sum(counts)) != 0:
        step = 1 if diff > 0 else -1
        rng.shuffle(order)
        moved = 0
        for i in order:
            low, high = ranges[i]
            if low <= counts[i] + step <= high:
                counts[i] += step
                moved += 1
                if moved == abs(diff):
                    break
        if not moved:
            raise SystemExit(f"cannot spread {total} supports over these ideas")
    return counts


def build(db: Path, size: str) -> dict:
    """Add members, ideas, supports, comments and history to the catalog copy."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from taggit.models import Tag

    from community.ideas.models import (
        SUPPORT_HOLDING_STATES,
        Idea,
        IdeaOriginator,
        IdeasSettings,
        IdeaStateChange,
        TaggedIdea,
    )
    from community.moderation.models import ModerationStatus
    from marketplace.catalog.models import Product

    figures = SIZES[size]
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    User = get_user_model()
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    email=f"idee-{n}@bench.example",
                    display_name=f"Membre {n}",
                    slug=f"membre-idee-{n}",
                    password="!",
                    trust_level=2,
                    date_joined=now - timedelta(days=400),
                )
                for n in range(figures["members"])
            ],
            batch_size=5_000,
        )
    members = list(
        User.objects.filter(slug__startswith="membre-idee-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    stages = IdeasSettings.load().stages()  # the defaults: 25, 100, 250
    products = list(Product.objects.order_by("pk").values_list("pk", flat=True))

    states = _states(size, figures["ideas"], rng)
    counts = _supporter_counts(states, figures["supports"], rng)
    # The measured idea: an open one at the highest stage there is, with the long
    # discussion.
    top = max(stage for state, stage in states if state == "open")
    measured = states.index(("open", top))
    ideas, plans = [], []
    for i, ((state, stage), supporters) in enumerate(zip(states, counts, strict=True)):
        age = rng.uniform(5, 170) if state == "open" else rng.uniform(30, 360)
        opened = now - timedelta(days=age)
        closed_at = opened + timedelta(days=age * 0.8)
        deadline = None
        if state == "open":
            # One open idea in twenty is past its deadline: the refresh expires it.
            late = rng.random() < 0.05
            days = -rng.uniform(0.1, 5) if late else stages[stage][1] / 2
            deadline = now + timedelta(days=days)
        product = None
        if state == "launched":
            product = products[sum(1 for p in plans if p[0] == "launched")]
        ideas.append(
            Idea(
                author_id=members[i % len(members)],
                title=(
                    f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} "
                    f"{rng.choice(WORDS)} n° {i}"
                ),
                problem="Un problème de banc d'essai, **décrit** en une phrase. " * 4,
                proposal="Une proposition de banc d'essai :\n\n- un point\n- deux",
                state=state,
                status=ModerationStatus.PUBLISHED,
                created_at=opened,
                status_changed_at=opened,
                published_at=opened,
                state_changed_at=opened if state == "open" else closed_at,
                opened_at=opened,
                stage=stage,
                stage_deadline=deadline,
                supporter_count=supporters,
                product_id=product,
                shares_frozen_at=closed_at
                if state in ("accepted", "in_development", "launched")
                else None,
            )
        )
        plans.append((state, opened, closed_at, supporters))
    with transaction.atomic():
        ideas = Idea.objects.bulk_create(ideas, batch_size=2_000)
    ids = [idea.pk for idea in ideas]
    open_ids = [ids[i] for i, key in enumerate(states) if key[0] == "open"]
    with transaction.atomic():
        for n, i in enumerate(i for i, key in enumerate(states) if key[0] == "merged"):
            Idea.objects.filter(pk=ids[i]).update(merged_into_id=open_ids[n])

    # Supports: the ones held go round every member in turn, so nobody holds more
    # than the budget of 10; the given-back ones (closed ideas) go round apart.
    recent_since = now - timedelta(days=14)
    cursors = {True: 0, False: 0}
    recent = [0] * len(ideas)
    batch: list[tuple] = []

    def flush() -> None:
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO ideas_ideasupport (idea_id, member_id, created_at,"
                " released_at) VALUES (?, ?, ?, ?)",
                batch,
            )
        batch.clear()

    for i, (state, opened, closed_at, supporters) in enumerate(plans):
        holding = state in SUPPORT_HOLDING_STATES
        end = now if state == "open" else closed_at
        span = (end - opened).total_seconds()
        released = None if holding else _sql_time(closed_at)
        author = ideas[i].author_id
        for j in range(supporters):
            member = members[cursors[holding] % len(members)]
            cursors[holding] += 1
            if member == author:  # never one's own idea
                member = members[cursors[holding] % len(members)]
                cursors[holding] += 1
            at = opened + timedelta(seconds=span * (j + rng.random()) / supporters)
            recent[i] += at >= recent_since
            batch.append((ids[i], member, _sql_time(at), released))
        if len(batch) >= 50_000:
            flush()
    flush()
    for idea, n in zip(ideas, recent, strict=True):
        idea.recent_supporter_count = n

    # History, originators, tags.
    reviewed = {"in_review", "on_hold", "accepted", "in_development", "launched"}
    with transaction.atomic():
        history = []
        for idea, (state, opened, closed_at, _n) in zip(ideas, plans, strict=True):
            history.append(
                IdeaStateChange(
                    idea=idea,
                    from_state="draft",
                    to_state="open",
                    reason="Ouverte au soutien.",
                    created_at=opened,
                )
            )
            if state in reviewed | {"declined"}:
                history.append(
                    IdeaStateChange(
                        idea=idea,
                        from_state="open",
                        to_state="in_review",
                        reason="250 soutiens atteints.",
                        created_at=closed_at - timedelta(days=20),
                    )
                )
            if state not in ("open", "in_review"):
                history.append(
                    IdeaStateChange(
                        idea=idea,
                        from_state="open"
                        if state in ("expired", "merged")
                        else "in_review",
                        to_state=state,
                        reason="Décision publique, motivée en quelques lignes.",
                        created_at=closed_at,
                    )
                )
        IdeaStateChange.objects.bulk_create(history, batch_size=5_000)
        IdeaOriginator.objects.bulk_create(
            [
                IdeaOriginator(
                    idea=idea,
                    member_id=idea.author_id,
                    share_bp=10_000,
                    invited_at=idea.created_at,
                    accepted_at=idea.created_at,
                )
                for idea in ideas
            ],
            batch_size=5_000,
        )
        tags = {}
        for name in TAGS:
            tags[name] = Tag.objects.filter(name=name).first() or Tag(name=name)
            if tags[name].pk is None:
                tags[name].save()
        TaggedIdea.objects.bulk_create(
            [
                TaggedIdea(content_object_id=idea.pk, tag=tags[name])
                for idea in ideas
                for name in rng.sample(TAGS, rng.randint(1, 2))
            ],
            batch_size=5_000,
        )

    # Comments: the measured idea's discussion, a few on half the others.
    rows = []
    for i, idea in enumerate(ideas):
        n = figures["discussion"] if i == measured else rng.randint(1, 5) * (i % 2)
        for j in range(n):
            at = _sql_time(
                idea.created_at + (now - idea.created_at) * (j + 1) / (n + 1)
            )
            body = f"Commentaire {j} : *bonne idée*, avec un détail ou deux."
            member = members[(i + 1 + j * 7) % len(members)]
            rows.append((idea.pk, member, body, "published", at, at, at, at))
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO ideas_ideacomment (idea_id, author_id, body, status,"
            " status_changed_at, published_at, created_at, updated_at,"
            " rejection_reason, rejection_note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '')",
            rows,
        )
    per_idea: dict[int, int] = {}
    for row in rows:
        per_idea[row[0]] = per_idea.get(row[0], 0) + 1
    for idea in ideas:
        idea.comment_count = per_idea.get(idea.pk, 0)
    with transaction.atomic():
        Idea.objects.bulk_update(
            ideas, ["recent_supporter_count", "comment_count"], batch_size=2_000
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = ideas[measured]
    facts = {
        "ideas": len(ideas),
        "supports": sum(counts),
        "members": len(members),
        "comments": len(rows),
        "idea_url": target.get_absolute_url(),
        "idea_title": target.title,
        "idea_comments": per_idea[target.pk],
    }
    connection.close()
    return facts


def refresh(db: Path) -> dict:
    """Time one `ideas_refresh` on `db` (a fresh copy): seconds and what it did."""
    from django.db import connection

    from community.ideas.lifecycle import ideas_refresh
    from community.ideas.models import Idea, IdeaState

    connection.ensure_connection()
    ideas = Idea.objects.count()
    open_before = Idea.objects.filter(state=IdeaState.OPEN).count()
    started = time.perf_counter()
    counts = ideas_refresh()
    elapsed = time.perf_counter() - started
    connection.close()
    looked_at = counts.get("recounted", 0)
    return {
        "ideas": ideas,
        "open": open_before,
        "seconds": round(elapsed, 3),
        "looked_at": looked_at,
        "counts": counts,
    }


# --- Files and child processes ------------------------------------------------------


def _disk_migrations() -> list[str]:
    # Migration files on disk, read without starting Django in this process.
    found = []
    for folder in sorted(ROOT.glob("**/migrations")):
        if ".venv" in folder.parts or "bench" in folder.parts:
            continue
        found += [f"{folder.parent.name}.{p.stem}" for p in folder.glob("0*.py")]
    return sorted(found)


def _child(*args: str, timeout: float = 1_800, env: dict | None = None) -> str:
    """Run this script in a child process (Django set up there); its stdout."""
    extra = env or {}
    env = harness._child_env(None)
    env["PYTHONPATH"] = f"site{os.pathsep}bench"
    env.update(extra)
    completed = subprocess.run(
        [str(PYTHON), str(Path(__file__)), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{completed.stderr[-3000:]}")
    sys.stderr.write(completed.stderr[-2000:] if completed.stderr else "")
    return completed.stdout


def _figures(stdout: str) -> dict:
    line = next(x for x in stdout.splitlines() if x.startswith("FIGURES "))
    return json.loads(line.removeprefix("FIGURES "))


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure_data(size: str, *, regenerate: bool) -> tuple[Path, dict]:
    """bench/data/ideas-<size>.sqlite3 and its facts, built when missing or stale."""
    source, _seconds = harness.generate("small", regenerate=False)
    final = DATA_DIR / f"ideas-{size}.sqlite3"
    marker_file = DATA_DIR / f"ideas-{size}.json"
    source_stat = source.stat()
    marker = {
        "generator_version": GENERATOR_VERSION,
        "figures": SIZES[size],
        "migrations": _disk_migrations(),
        "source": [source_stat.st_size, int(source_stat.st_mtime)],
    }
    if not regenerate and final.exists() and marker_file.exists():
        recorded = json.loads(marker_file.read_text())
        if recorded.get("marker") == marker:
            log(f"{size}: {final.relative_to(ROOT)} is up to date")
            return final, recorded["facts"]
    building = DATA_DIR / f"ideas-{size}.building.sqlite3"
    _remove(building)
    shutil.copyfile(source, building)
    started = time.perf_counter()
    log(f"{size}: building {final.name} ({SIZES[size]['supports']:,} supports)")
    facts = _figures(_child("--build", size, str(building)))
    _remove(final)
    os.replace(building, final)
    marker_file.write_text(json.dumps({"marker": marker, "facts": facts}) + "\n")
    log(f"{size}: built in {time.perf_counter() - started:.0f} s")
    return final, facts


def working_copy(source: Path, name: str) -> Path:
    target = DATA_DIR / f"run-ideas-{name}.sqlite3"
    _remove(target)
    shutil.copyfile(source, target)
    return target


class Daphne(harness.Daphne):
    """run.py's Daphne, with the bench settings: queries counted in a header and
    the full-page cache off, so each request builds its page."""

    def __enter__(self) -> Daphne:
        original = harness._child_env

        def env(db):
            values = original(db)
            values.update(
                PYTHONPATH=f"site{os.pathsep}bench",
                DJANGO_SETTINGS_MODULE="settings_bench",
                PAGE_CACHE_ENABLED="false",
            )
            values.pop("REDIS_URL", None)
            return values

        harness._child_env = env
        try:
            super().__enter__()
        finally:
            harness._child_env = original
        return self


def probe(port: int, url: str, must_contain: str) -> tuple[str, int | None]:
    """(why this is not the page we mean to time or "", its query count)."""
    conn = http.client.HTTPConnection(harness.HOST, port, timeout=60)
    try:
        conn.request("GET", url)
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        queries = response.getheader("X-Bench-Queries")
    except (OSError, http.client.HTTPException) as exc:
        return f"{url}: {exc}", None
    finally:
        conn.close()
    if response.status != 200:
        return f"{url}: HTTP {response.status}", None
    if must_contain not in body:
        return f"{url}: the page does not contain {must_contain!r}", None
    return "", int(queries) if queries and queries.isdigit() else None


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


def measure_pages(data: dict, requests: int) -> dict:
    """Both sizes' pages, each file served by its own Daphne, in alternating
    rounds; the ratio of each page is the median of its rounds' ratios."""
    figures: dict = {"problems": [], "pages": {}}
    pages = {
        "list": ("/ideas/", lambda facts: 'href="/ideas/'),
        "idea": (None, lambda facts: html.escape(facts["idea_title"])),
    }
    copies = {size: working_copy(path, size) for size, (path, _f) in data.items()}
    with (
        Daphne(copies["small"], DATA_DIR / "daphne-ideas-small.log") as small,
        Daphne(copies["large"], DATA_DIR / "daphne-ideas-large.log") as large,
    ):
        servers = {"small": small, "large": large}
        urls = {}
        for page, (url, expected) in pages.items():
            for size, server in servers.items():
                facts = data[size][1]
                target = url or facts["idea_url"]
                urls[page, size] = target
                problem, queries = probe(server.port, target, expected(facts))
                if problem:
                    figures["problems"].append(f"{size}: {problem}")
                harness.load(
                    server.port, target, requests=harness.WARMUP_REQUESTS, time_cap_s=10
                )
                figures["pages"][page, size] = {
                    "url": target,
                    "queries": queries,
                    "result": harness.LoadResult(url=target),
                }
            figures["pages"][page, "ratios"] = []
        per_round = max(requests // ROUNDS, 1)
        for number in range(ROUNDS):
            order = ("small", "large") if number % 2 == 0 else ("large", "small")
            for page in pages:
                rates = {}
                for size in order:
                    part = harness.load(
                        servers[size].port,
                        urls[page, size],
                        requests=per_round,
                        time_cap_s=ROUND_CAP_S,
                    )
                    rates[size] = part.rps
                    _merge(figures["pages"][page, size]["result"], part)
                if rates["small"]:
                    figures["pages"][page, "ratios"].append(
                        rates["large"] / rates["small"]
                    )
    for page in pages:
        ratios = figures["pages"][page, "ratios"]
        figures["pages"][page, "ratio"] = statistics.median(ratios) if ratios else 0.0
        for size in ("small", "large"):
            result = figures["pages"][page, size]["result"]
            log(
                f"{size}: GET {result.url}: {result.rps:.1f} req/s, "
                f"{result.ok}/{result.sent} ok, "
                f"{figures['pages'][page, size]['queries']} queries"
            )
            if result.bad:
                figures["problems"].append(
                    f"{size}: {result.url}: {result.bad} of {result.sent} not 2xx "
                    f"(statuses {result.statuses})"
                )
    return figures


# How the refresh's notifications run: inside the command (`make run`, the
# immediate task backend), or queued for `manage.py tasks_worker` (production).
TASK_MODES = {"immediate": "notifications sent inline", "database": "queued"}


def measure_refresh(data: dict) -> dict:
    """`ideas_refresh` once per size and task backend, each on a fresh copy."""
    out = {}
    for mode in TASK_MODES:
        for size, (path, _facts) in data.items():
            copy = working_copy(path, f"refresh-{size}")
            env = {
                "TASKS_BACKEND": mode,
                # E-mails are built as usual, kept in memory instead of printed.
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            }
            out[mode, size] = figures = _figures(
                _child("--refresh", str(copy), env=env)
            )
            log(
                f"{size} ({mode} tasks): ideas_refresh {figures['seconds']:.2f} s "
                f"over {figures['looked_at']:,} ideas: {figures['counts']}"
            )
            _remove(copy)
    return out


# --- Report ---------------------------------------------------------------------------


def section(data: dict, pages: dict, refreshed: dict, requests: int, info: dict) -> str:
    small, large = data["small"][1], data["large"][1]
    rows = []
    verdicts = []
    labels = {"list": "`GET /ideas/`", "idea": "`GET /ideas/<id>-<slug>/`"}
    for page, label in labels.items():
        a, b = pages["pages"][page, "small"], pages["pages"][page, "large"]
        ratio = pages["pages"][page, "ratio"]
        spread = ", ".join(f"{r:.2f}" for r in pages["pages"][page, "ratios"])
        rows.append(
            f"| {label} req/s | {a['result'].rps:.1f} | {b['result'].rps:.1f} | "
            f"{ratio:.2f} (median; rounds: {spread}) |"
        )
        rows.append(
            f"| {label} queries | {a['queries']} | {b['queries']} | "
            f"{'same' if a['queries'] == b['queries'] else 'DIFFERENT'} |"
        )
        rows.append(
            f"| {label} latency median / p95 (ms) | {harness._latency(a['result'])} | "
            f"{harness._latency(b['result'])} |  |"
        )
        met = ratio >= GOAL and a["queries"] == b["queries"] and a["queries"]
        verdicts.append(
            f"{label}: {'goal met' if met else 'goal NOT met'} (ratio {ratio:.2f}, "
            f"queries {a['queries']} and {b['queries']})"
        )

    def rate(r: dict) -> str:
        return f"{r['looked_at'] / r['seconds']:,.0f}" if r["seconds"] else "n/a"

    for mode, how in TASK_MODES.items():
        r_small, r_large = refreshed[mode, "small"], refreshed[mode, "large"]
        rows += [
            f"| `ideas_refresh` seconds ({how}) | {r_small['seconds']:.2f} | "
            f"{r_large['seconds']:.2f} |  |",
            f"| `ideas_refresh` ideas/s ({how}) | {rate(r_small)} | "
            f"{rate(r_large)} |  |",
        ]
    r_large = refreshed["immediate", "large"]
    queued = refreshed["database", "large"]

    lines = [
        SECTION_START,
        "## Ideas: the list, an idea page, the daily refresh",
        "",
        "Written by `bench/ideas.py` (run by `make bench`): the small catalog plus "
        f"{small['ideas']:,} ideas / {small['supports']:,} supports / "
        f"{small['comments']:,} comments ({small['members']:,} members) against "
        f"{large['ideas']:,} ideas / {large['supports']:,} supports / "
        f"{large['comments']:,} comments ({large['members']:,} members). The idea "
        f"page is the one with the longest discussion: {small['idea_comments']:,} "
        f"and {large['idea_comments']:,} comments. Each file served by its own "
        f"Daphne process (full-page cache off, queries counted by "
        f"bench/bench_middleware.py), {harness.CONCURRENCY} keep-alive connections, "
        f"{requests} requests per page and size in {ROUNDS} alternating rounds. "
        f"Goals: the same query count, and a large/small rate ratio of at least "
        f"{GOAL:.1f}.",
        "",
        "| metric | small | large | large/small |",
        "| --- | ---: | ---: | ---: |",
        *rows,
        "",
        *(f"- {verdict}" for verdict in verdicts),
        f"- `ideas_refresh` over {r_large['ideas']:,} ideas ({r_large['open']:,} "
        f"open, {r_large['looked_at']:,} looked at): {r_large['seconds']:.2f} s "
        f"with the notifications sent inside the command, "
        f"{queued['seconds']:.2f} s with them queued for the task workers; it did "
        f"{r_large['counts']}.",
        "",
        f"Machine: {info['cpus']} CPUs, Python {info['python']}, SQLite "
        f"{info['sqlite']}; {info['date']}; load average {info['load']} at the start.",
    ]
    if pages["problems"]:
        lines += ["", "Problems during this run:", ""]
        lines += [f"- {p}" for p in pages["problems"]]
    lines.append(SECTION_END)
    return "\n".join(lines) + "\n"


def results_write(output: Path, text: str) -> None:
    """Replace this bench's section of `output`, or add it at the end."""
    current = output.read_text() if output.exists() else "# Benchmark results\n"
    if SECTION_START in current and SECTION_END in current:
        head, rest = current.split(SECTION_START, 1)
        tail = rest.split(SECTION_END, 1)[1]
        current = head + text.rstrip("\n") + tail
    else:
        current = current.rstrip("\n") + "\n\n" + text
    output.write_text(current)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md")
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--refresh", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        size, path = args.build
        _setup_django(Path(path))
        print("FIGURES " + json.dumps(build(Path(path), size)))
        return 0
    if args.refresh:
        _setup_django(args.refresh)
        print("FIGURES " + json.dumps(refresh(args.refresh)))
        return 0
    if args.requests < ROUNDS:
        parser.error(f"--requests must be at least {ROUNDS}")
    started = time.perf_counter()
    info = harness.machine()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    data = {
        size: ensure_data(size, regenerate=args.regenerate)
        for size in ("small", "large")
    }
    pages = measure_pages(data, args.requests)
    refreshed = measure_refresh(data)
    text = section(data, pages, refreshed, args.requests, info)
    print(text)
    results_write(args.output, text)
    log(f"written to {args.output} in {time.perf_counter() - started:.0f} s")
    return 1 if pages["problems"] else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; Daphne stopped")
        sys.exit(130)
