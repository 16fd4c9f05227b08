"""Forum benchmark: a topic of 10,000 replies against one of 20, a category of
100,000 topics against one of 100, and a reply seen live by 1,000 readers.

    make bench                                   # runs this among the others
    .venv/bin/python bench/forum.py [--requests 300] [--sockets N] [--replies 3]
                                    [--small] [--regenerate]
                                    [--skip-pages] [--skip-live]
                                    [--output bench/RESULTS.md]

1. Pages. One SQLite file, cached under bench/data/ (``forum-full.sqlite3``,
   rebuilt when the migrations, the small catalog of bench/generate.py it starts
   from, or this generator change), filled with bulk inserts in a child process:

   | | replies / topics | posts |
   | --- | ---: | ---: |
   | the long topic | 10,000 replies | 10,001 |
   | the short topic | 20 replies | 21 |
   | the large category | 100,000 topics (2 pinned) | ~300,000 |
   | the small category | 100 topics (2 pinned) | ~300 |

   by 2,000 members, with tags, view and like counts, some replies answering an
   earlier post and some edited (with their revision). Both topics and both
   categories live in the same file and are served by the same Daphne process
   (settings_bench: the X-Bench-Queries header counts each request's queries;
   the full-page cache off, so every request builds its page), so what differs
   between the two sides of a ratio is the size of the topic or category alone.
   A visitor's pages, each checked to be the one we mean and warmed up:

   - a topic's first page (posts 1-20) and its last one (``?page=last``: post
     10,001 and post 21, one post each), long topic against short;
   - a category's first page (pinned topics, then the 30 latest) and a deep
     keyset page (``?after=<cursor>`` nine tenths down the large category, the
     third page of the small one), large against small;

   loaded from 4 keep-alive connections in alternating rounds (small then large,
   then large then small...), so load from elsewhere on a shared machine falls on
   both alike; each ratio is the median of the rounds' ratios. Goals: the same
   query count on both sides, and a large/small rate ratio of at least 0.9.

2. Live. N websockets (default 1,000 with Redis, 200 on the in-memory layer)
   watch one topic (``ws/forum/t/<id>/``, community/forum/consumers.py); a
   member then replies through the site's own form (GET the topic's reply page,
   POST ``/forum/t/<id>/reply/`` with their session and CSRF token): once
   untimed to warm the code up, then ``--replies`` times, each timed from the
   POST to each socket's "post" message carrying the new post's number. Goal:
   p95 <= 500 ms with Redis. With DATABASE_URL, on PostgreSQL
   (``comptoir_bench_forum``, created and migrated when missing), otherwise on
   bench/data/forum-live.sqlite3; with REDIS_URL, on the Redis channel layer as
   in production, otherwise the in-memory one. The table says which. Each run
   reseeds its rows.

``--small`` builds and measures a tenth of the large side (1,000 replies,
10,000 topics; cached apart, ``forum-small.sqlite3``) to check the bench works.
The figures go to their own section of bench/RESULTS.md (replaced on each run)
and to the terminal. Nothing here asserts a time; 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import ideas  # noqa: E402 - bench/ is a folder of scripts, not a package
import run as harness  # noqa: E402
import sockets  # noqa: E402

ROOT, DATA_DIR, PYTHON, HOST = (
    harness.ROOT,
    harness.DATA_DIR,
    harness.PYTHON,
    harness.HOST,
)
GENERATOR_VERSION = 1
SEED = 20261203
SIZES = {
    "full": {
        "members": 2_000,
        "long_replies": 10_000,
        "short_replies": 20,
        "large_topics": 100_000,
        "small_topics": 100,
    },
    "small": {
        "members": 300,
        "long_replies": 1_000,
        "short_replies": 20,
        "large_topics": 10_000,
        "small_topics": 100,
    },
}
PINNED = 2
# Where the deep keyset page starts: nine tenths down the large category; the
# small one's third page (30 topics a page, views.TOPICS_PER_PAGE).
DEEP_SHARE = 0.9
SMALL_DEEP_AFTER = 60
GOAL = 0.90
ROUNDS = 10
ROUND_CAP_S = 6.0
SECTION_START = "<!-- forum bench start -->"
SECTION_END = "<!-- forum bench end -->"
LIVE_DATABASE = "comptoir_bench_forum"
LIVE_SQLITE = DATA_DIR / "forum-live.sqlite3"
LIVE_SOCKETS = {"redis": 1_000, "memory": 200}
DELIVERY_GOAL_MS = 500.0
DELIVERY_CAP_S = 15.0
TAGS = ["rosiers", "taille", "tondeuse", "potager", "arrosage", "perceuse", "serre"]
WORDS = (
    "rosier tondeuse haie potager tomate perceuse serre compost pelouse taille "
    "arrosage paillage cisaille semis bouture scie échelle lasure terrasse"
).split()
BODY = (
    "Bonjour à tous, j'ai une **question** sur la taille des rosiers en mars : "
    "faut-il couper au-dessus d'un œil tourné vers l'extérieur ?\n\n"
    "- variété : grimpant\n- exposition : plein sud\n\nMerci d'avance !"
)
REPLY = (
    "Oui, trois yeux au-dessus du point de greffe, coupe en biseau. Pour une "
    "*grimpante* on garde les charpentières et on raccourcit les latérales."
)


def log(message: str) -> None:
    print(f"[forum bench] {message}", flush=True)


# --- Data (runs in a child process, with Django set up on the file) -----------------


def _sql_value(value):
    # Django keeps aware datetimes in SQLite as UTC text; JSON fields as text.
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _insert(model, rows: list[dict]) -> None:
    """Raw executemany of `rows` (attname -> value, ids given) into `model`'s
    table; a field left out takes its default, or NULL. A column without either
    that a row leaves out stops the build (a new required field, say)."""
    from django.db import connection, transaction

    if not rows:
        return
    # A generated column (Listing.listed) is the database's to fill.
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    defaults = {}
    for f in fields:
        # get_default(): the declared default, "" for a blank text field, else None.
        value = f.get_default()
        if value is not None or f.null or f.attname in rows[0]:
            defaults[f.attname] = _sql_value(value)
    missing = [f.attname for f in fields if f.attname not in defaults]
    if missing:
        raise SystemExit(f"{model.__name__}: no value for {missing}")
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    names = [f.attname for f in fields]
    values = [
        tuple(
            _sql_value(row[name]) if name in row else defaults[name] for name in names
        )
        for row in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(values), 50_000):
            cursor.executemany(sql, values[start : start + 50_000])


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def build(db: Path, size: str) -> dict:
    """Add members, categories, topics, posts, tags and revisions to the copy."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.http import QueryDict
    from django.utils.text import slugify
    from taggit.models import Tag

    from community.forum import selectors
    from community.forum.models import (
        ForumCategory,
        Post,
        PostRevision,
        TaggedTopic,
        Topic,
    )
    from community.forum.views import TOPICS_PER_PAGE
    from community.moderation.models import ModerationStatus

    figures = SIZES[size]
    rng = random.Random(SEED)
    now = datetime.now(UTC).replace(microsecond=0)
    published = ModerationStatus.PUBLISHED
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    User = get_user_model()
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    email=f"forum-{n}@bench.example",
                    display_name=f"Jardinier {n}",
                    slug=f"jardinier-forum-{n}",
                    password="!",
                    trust_level=2,
                    date_joined=now - timedelta(days=500),
                )
                for n in range(figures["members"])
            ],
            batch_size=5_000,
        )
    members = list(
        User.objects.filter(slug__startswith="jardinier-forum-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    categories = {
        key: ForumCategory.objects.create(
            name=name, slug=f"banc-{key}", description=description, position=position
        )
        for key, name, description, position in [
            ("grande", "Jardinage (banc)", "La grande catégorie du banc.", 10),
            ("petite", "Potager (banc)", "La petite catégorie du banc.", 20),
            ("fils", "Outillage (banc)", "Le long sujet et le court.", 30),
        ]
    }
    tags = [
        Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0].pk
        for name in TAGS
    ]
    topic_rows, post_rows, tag_rows, revision_rows = [], [], [], []
    next_topic, next_post = _next_id(Topic), _next_id(Post)
    next_tagged, next_revision = _next_id(TaggedTopic), _next_id(PostRevision)

    def topic_add(category, title, replies, *, started, last, pinned=False) -> int:
        """One topic with its post 1 and `replies` replies spread from `started`
        to `last`; its id."""
        nonlocal next_topic, next_post, next_tagged, next_revision
        topic_id, next_topic = next_topic, next_topic + 1
        author = members[topic_id % len(members)]
        first_post = next_post
        span = (last - started) / max(replies, 1)
        poster = author
        for number in range(1, replies + 2):
            at = started if number == 1 else started + span * (number - 1)
            poster = (
                author
                if number == 1
                else members[(topic_id + number * 7) % len(members)]
            )
            # Every seventh reply answers the one before; one in forty was edited.
            reply_to = (
                first_post + number - 3 if number > 2 and number % 7 == 0 else None
            )
            edited = number > 1 and number % 40 == 0
            post_rows.append(
                {
                    "id": next_post,
                    "topic_id": topic_id,
                    "number": number,
                    "author_id": poster,
                    "body": BODY if number == 1 else f"{REPLY} (n° {number})",
                    "reply_to_id": reply_to,
                    "status": published,
                    "status_changed_at": at,
                    "published_at": at,
                    "created_at": at,
                    "updated_at": at,
                    "by_verified_owner": number % 11 == 0,
                    "like_count": (number * 13) % 9,
                    "edited_at": at + timedelta(minutes=20) if edited else None,
                    "edit_count": 1 if edited else 0,
                }
            )
            if edited:
                revision_rows.append(
                    {
                        "id": next_revision,
                        "post_id": next_post,
                        "body": REPLY,
                        "edited_at": at + timedelta(minutes=20),
                        "edited_by_id": poster,
                    }
                )
                next_revision += 1
            next_post += 1
        topic_rows.append(
            {
                "id": topic_id,
                "category_id": category.pk,
                "author_id": author,
                "title": title,
                "slug": slugify(title)[:80],
                "status": published,
                "status_changed_at": started,
                "published_at": started,
                "created_at": started,
                "updated_at": last,
                "is_pinned": pinned,
                "post_count": replies + 1,
                "last_number": replies + 1,
                "like_count": replies * 2,
                "view_count": 10 + replies * 3 + topic_id % 50,
                "last_posted_at": last,
                "last_poster_id": poster,
            }
        )
        for tag in rng.sample(tags, 1 + topic_id % 2):
            tag_rows.append(
                {"id": next_tagged, "content_object_id": topic_id, "tag_id": tag}
            )
            next_tagged += 1
        return topic_id

    def title() -> str:
        return f"{rng.choice(WORDS).capitalize()} et {rng.choice(WORDS)} : une question"

    def category_fill(category, count: int) -> None:
        # Latest activity spread over two years; a topic has 0 to 6 replies.
        for n in range(count):
            last = now - timedelta(seconds=rng.uniform(60, 2 * 365 * 86_400))
            replies = rng.choice((0, 0, 1, 1, 2, 2, 3, 4, 6))
            started = last - timedelta(hours=rng.uniform(1, 400)) if replies else last
            topic_add(
                category,
                f"{title()} (n° {n})",
                replies,
                started=started,
                last=last,
                pinned=n < PINNED,
            )

    category_fill(categories["grande"], figures["large_topics"])
    category_fill(categories["petite"], figures["small_topics"])
    long_id = topic_add(
        categories["fils"],
        f"Le grand fil des rosiers : {figures['long_replies']:,} réponses".replace(
            ",", " "
        ),
        figures["long_replies"],
        started=now - timedelta(days=700),
        last=now - timedelta(hours=1),
    )
    short_id = topic_add(
        categories["fils"],
        f"Le petit fil de la tondeuse : {figures['short_replies']} réponses",
        figures["short_replies"],
        started=now - timedelta(days=30),
        last=now - timedelta(hours=2),
    )
    _insert(Topic, topic_rows)
    _insert(Post, post_rows)
    _insert(TaggedTopic, tag_rows)
    _insert(PostRevision, revision_rows)
    with transaction.atomic():
        for category in categories.values():
            topics = Topic.objects.filter(category=category)
            latest = topics.order_by("-last_posted_at", "-id").first()
            ForumCategory.objects.filter(pk=category.pk).update(
                topic_count=topics.count(),
                post_count=sum(topics.values_list("post_count", flat=True)),
                last_posted_at=latest.last_posted_at,
                last_topic=latest,
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    facts = {
        "members": len(members),
        "topics": len(topic_rows),
        "posts": len(post_rows),
        "pages": {},
    }
    per_page = selectors.forum_settings().posts_per_page or 20
    for side, topic_id in (("large", long_id), ("small", short_id)):
        topic = Topic.objects.get(pk=topic_id)
        last_page = selectors.page_count(topic=topic, per_page=per_page)
        last_first = (last_page - 1) * per_page + 1
        facts["pages"]["topic-first", side] = {
            "url": topic.get_absolute_url(),
            "expect": 'id="post-1"',
            "posts": topic.post_count,
        }
        facts["pages"]["topic-last", side] = {
            "url": f"{topic.get_absolute_url()}?page=last",
            "expect": f'id="post-{last_first}"',
            "posts": topic.post_count,
            "shown": topic.last_number - last_first + 1,
        }
    for side, key, after in (
        ("large", "grande", int((figures["large_topics"] - PINNED) * DEEP_SHARE)),
        ("small", "petite", SMALL_DEEP_AFTER),
    ):
        category = ForumCategory.objects.get(slug=f"banc-{key}")
        listed = selectors.listed_topics().filter(category=category, is_pinned=False)
        ordered = listed.order_by("-last_posted_at", "-id")
        first = ordered.first()
        before, expected = ordered[after - 1 : after + 1]
        cursor = selectors.TOPICS_KEYSET.cursor(before)
        # The page the bench will ask for is the one meant: read it through the
        # selector the view calls.
        page = selectors.category_topics_page(
            category=category,
            params=QueryDict(urllib.parse.urlencode({"after": cursor})),
            per_page=TOPICS_PER_PAGE,
        )
        if not page.page.object_list or page.page.object_list[0].pk != expected.pk:
            raise SystemExit(f"the deep page of {category.slug} is not the one meant")
        url = category.get_absolute_url()
        facts["pages"]["category-first", side] = {
            "url": url,
            "expect": html.escape(first.title),
            "topics": category.topics.count(),
        }
        facts["pages"]["category-deep", side] = {
            "url": f"{url}?{urllib.parse.urlencode({'after': cursor})}",
            "expect": html.escape(expected.title),
            "topics": category.topics.count(),
            "position": after + PINNED + 1,
        }
    facts["pages"] = {f"{page}|{side}": v for (page, side), v in facts["pages"].items()}
    connection.close()
    return facts


# --- Files and child processes ------------------------------------------------------


def ensure_data(size: str, *, regenerate: bool) -> tuple[Path, dict]:
    """bench/data/forum-<size>.sqlite3 and its facts, built when missing or stale."""
    source, _seconds = harness.generate("small", regenerate=False)
    final = DATA_DIR / f"forum-{size}.sqlite3"
    marker_file = DATA_DIR / f"forum-{size}.json"
    source_stat = source.stat()
    marker = {
        "generator_version": GENERATOR_VERSION,
        "figures": SIZES[size],
        "migrations": ideas._disk_migrations(),
        "source": [source_stat.st_size, int(source_stat.st_mtime)],
    }
    if not regenerate and final.exists() and marker_file.exists():
        recorded = json.loads(marker_file.read_text())
        if recorded.get("marker") == marker:
            log(f"{final.relative_to(ROOT)} is up to date")
            recorded["facts"].pop("build_s", None)  # written by generator 1's runs
            return final, recorded["facts"]
    building = DATA_DIR / f"forum-{size}.building.sqlite3"
    ideas._remove(building)
    shutil.copyfile(source, building)
    started = time.perf_counter()
    log(
        f"building {final.name} ({SIZES[size]['large_topics']:,} topics, "
        f"{SIZES[size]['long_replies']:,} replies in one)"
    )
    facts = ideas._figures(_child("--build", size, str(building)))
    ideas._remove(final)
    os.replace(building, final)
    marker_file.write_text(json.dumps({"marker": marker, "facts": facts}) + "\n")
    # Said in the results of this run only, not kept with the file.
    built_s = round(time.perf_counter() - started, 1)
    log(f"built in {built_s:.0f} s")
    return final, {**facts, "build_s": built_s}


def _child(*args: str, timeout: float = 1_800) -> str:
    """Run this script in a child process (Django set up there); its stdout."""
    env = harness._child_env(None)
    env["PYTHONPATH"] = f"site{os.pathsep}bench"
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


# --- 1. Pages -------------------------------------------------------------------------

PAGES = {
    "topic-first": "topic, first page",
    "topic-last": "topic, last page",
    "category-first": "category, first page",
    "category-deep": "category, deep keyset page",
}


def measure_pages(path: Path, facts: dict, requests: int) -> dict:
    """Every page at both sides, from one Daphne, in alternating rounds; the
    ratio of each page is the median of its rounds' ratios."""
    figures: dict = {"problems": [], "pages": {}}
    copy = DATA_DIR / "run-forum.sqlite3"
    ideas._remove(copy)
    shutil.copyfile(path, copy)
    with ideas.Daphne(copy, DATA_DIR / "daphne-forum.log") as server:
        for page in PAGES:
            for side in ("small", "large"):
                meant = facts["pages"][f"{page}|{side}"]
                harness.load(
                    server.port,
                    meant["url"],
                    requests=harness.WARMUP_REQUESTS,
                    time_cap_s=10,
                )
                # After the warm-up: the count of a request like the measured ones.
                problem, queries = ideas.probe(
                    server.port, meant["url"], meant["expect"]
                )
                if problem:
                    figures["problems"].append(f"{side}: {problem}")
                figures["pages"][page, side] = {
                    **meant,
                    "queries": queries,
                    "result": harness.LoadResult(url=meant["url"]),
                }
            figures["pages"][page, "ratios"] = []
        per_round = max(requests // ROUNDS, 1)
        for number in range(ROUNDS):
            order = ("small", "large") if number % 2 == 0 else ("large", "small")
            for page in PAGES:
                rates = {}
                for side in order:
                    part = harness.load(
                        server.port,
                        figures["pages"][page, side]["url"],
                        requests=per_round,
                        time_cap_s=ROUND_CAP_S,
                    )
                    rates[side] = part.rps
                    ideas._merge(figures["pages"][page, side]["result"], part)
                if rates["small"]:
                    figures["pages"][page, "ratios"].append(
                        rates["large"] / rates["small"]
                    )
    ideas._remove(copy)
    for page in PAGES:
        ratios = figures["pages"][page, "ratios"]
        figures["pages"][page, "ratio"] = statistics.median(ratios) if ratios else 0.0
        for side in ("small", "large"):
            entry = figures["pages"][page, side]
            result = entry["result"]
            log(
                f"{side}: {PAGES[page]}: {result.rps:.1f} req/s, {result.ok}/"
                f"{result.sent} ok, {entry['queries']} queries"
            )
            if result.bad:
                figures["problems"].append(
                    f"{side}: {result.url}: {result.bad} of {result.sent} not 2xx "
                    f"(statuses {result.statuses})"
                )
        log(f"{PAGES[page]}: large/small {figures['pages'][page, 'ratio']:.2f}")
    return figures


# --- 2. Live: a reply seen by every reader of the topic ---------------------------

LIVE_SEED = """
import json
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from community.forum.models import ForumCategory, ForumSettings, Post, Topic
from community.forum.services import topic_start
from community.moderation.models import ModerationStatus

User = get_user_model()
now = timezone.now()

def person(email, name):
    user, _ = User.objects.get_or_create(email=email, defaults=dict(
        display_name=name, slug=email.split("@")[0].replace(".", "-")))
    # Trust level 2, joined long ago: published at once, no first-day limits.
    User.objects.filter(pk=user.pk).update(
        trust_level=2, date_joined=now - timezone.timedelta(days=500))
    EmailAddress.objects.get_or_create(user=user, email=email,
        defaults=dict(verified=True, primary=True))
    return User.objects.get(pk=user.pk)

category, _ = ForumCategory.objects.get_or_create(slug="banc-direct", defaults=dict(
    name="En direct (banc)", description="Le sujet que mille lecteurs suivent."))
Topic.objects.filter(category=category).delete()
author = person("bench-forum-author@exemple.fr", "Banc forum, auteur")
replier = person("bench-forum-reply@exemple.fr", "Banc forum, réponses")
Post.objects.filter(author=replier).delete()
topic = topic_start(author=author, category=category,
    title="Mille lecteurs suivent ce sujet", body="Qui répond le plus vite ?")
assert topic.status == ModerationStatus.PUBLISHED, topic.status
client = Client()
client.force_login(replier)
print("SEED " + json.dumps(dict(topic_id=topic.pk, last_number=topic.last_number,
    member=client.cookies[settings.SESSION_COOKIE_NAME].value)))
"""


def live_child_env(setup: dict) -> dict[str, str]:
    """sockets.py's environment with this bench's channel and cache prefix."""
    env = _sockets_child_env(setup)
    if setup.get("redis_url"):
        env["CACHE_KEY_PREFIX"] = env["CHANNELS_PREFIX"] = "comptoir-bench-forum"
    return env


_sockets_child_env = sockets.child_env


@contextlib.contextmanager
def live_env():
    """sockets.py's manage() and Daphne, with this bench's database and prefix."""
    database = sockets.DATABASE
    sockets.child_env, sockets.DATABASE = live_child_env, LIVE_DATABASE
    try:
        yield
    finally:
        sockets.child_env, sockets.DATABASE = _sockets_child_env, database


def live_prepare() -> dict:
    """The database and channel layer Daphne gets, migrated and seeded."""
    setup: dict = {}
    with live_env():
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith(("postgres://", "postgresql://")):
            sockets.postgres_create(database_url)
            setup["database_url"] = sockets.bench_database_url(database_url)
            setup["database"] = f"PostgreSQL ({LIVE_DATABASE})"
        else:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            setup["sqlite"] = LIVE_SQLITE
            setup["database"] = f"SQLite (bench/data/{LIVE_SQLITE.name})"
        setup["redis_url"] = os.environ.get("REDIS_URL", "")
        setup["layer"] = "Redis" if setup["redis_url"] else "in-memory (no REDIS_URL)"
        sockets.manage(setup, "migrate", "--noinput")
        seeded = sockets.manage(setup, "shell", "-c", LIVE_SEED)
    setup.update(json.loads(re.search(r"^SEED (.+)$", seeded, re.M)[1]))
    return setup


class LiveDaphne(sockets.DaphneServer):
    def __enter__(self):
        with live_env():
            return super().__enter__()


class Reader:
    """One reader's socket on the topic: when it opened, when each post came."""

    def __init__(self) -> None:
        self.error: str | None = None
        self.opened_at: float | None = None
        self.arrivals: dict[int, list[float]] = {}
        self.other = 0
        self.sizes: list[int] = []
        self.socket = None

    async def run(self, url: str, origin: str) -> None:
        from websockets.asyncio.client import connect

        try:
            self.socket = await connect(
                url, origin=origin, open_timeout=sockets.CONNECT_CAP_S, max_queue=None
            )
        except Exception as error:  # noqa: BLE001 - counted and reported
            self.error = f"{type(error).__name__}: {error}"[:120]
            return
        self.opened_at = time.perf_counter()
        try:
            async for raw in self.socket:
                now = time.perf_counter()
                message = json.loads(raw)
                if message.get("type") == "post" and "number" in message:
                    self.arrivals.setdefault(int(message["number"]), []).append(now)
                    self.sizes.append(len(raw))
                else:
                    self.other += 1
        except Exception as error:  # noqa: BLE001 - a socket closed under us
            self.error = self.error or f"closed: {type(error).__name__}: {error}"[:120]


def reply_post(
    port: int, topic_id: int, cookie: str, text: str
) -> tuple[int, float, float]:
    """Reply through the site's form; (status, when the POST left, ms to answer)."""
    path = f"/forum/t/{topic_id}/reply/"
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        page = response.read().decode("utf-8", errors="replace")
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    csrf = ""
    for header in response.msg.get_all("Set-Cookie") or []:
        match = re.match(r"csrftoken=([^;]+)", header)
        if match:
            csrf = match[1]
    fields = {"body": text}
    if token:
        fields["csrfmiddlewaretoken"] = token[1]
    if csrf:
        cookie += f"; csrftoken={csrf}"
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        sent = time.perf_counter()
        conn.request(
            "POST",
            path,
            body=urllib.parse.urlencode(fields),
            headers={
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://{HOST}:{port}",
                "Referer": f"http://{HOST}:{port}{path}",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status, sent, (time.perf_counter() - sent) * 1000
    finally:
        conn.close()


async def measure_live(setup: dict, port: int, count: int, replies: int) -> dict:
    topic_id = setup["topic_id"]
    url = f"ws://{HOST}:{port}/ws/forum/t/{topic_id}/"
    origin = f"http://{HOST}:{port}"
    readers = [Reader() for _ in range(count)]
    started = time.perf_counter()
    tasks = [asyncio.ensure_future(r.run(url, origin)) for r in readers]
    deadline = started + sockets.CONNECT_CAP_S
    while time.perf_counter() < deadline:
        if all(r.opened_at is not None or r.error for r in readers):
            break
        await asyncio.sleep(0.05)
    live = [r for r in readers if r.opened_at is not None]
    figures: dict = {
        "sockets": count,
        "live": len(live),
        "connect_errors": sum(1 for r in readers if r.opened_at is None),
        "all_open_s": max((r.opened_at for r in live), default=started) - started,
        "rounds": [],
        "problems": [],
    }
    number = setup["last_number"]
    cookie = f"sessionid={setup['member']}"
    await asyncio.sleep(1)  # the crowd settles (and joins its group) first
    for n in range(replies + 1):  # the first one warms the code up, untimed
        status, sent, answered_ms = await asyncio.to_thread(
            reply_post, port, topic_id, cookie, f"{REPLY} (réponse de banc {n})"
        )
        if status != 302:
            figures["problems"].append(f"reply {n}: HTTP {status}")
            break
        number += 1
        deadline = sent + DELIVERY_CAP_S
        while time.perf_counter() < deadline:
            if all(number in r.arrivals for r in live):
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)  # duplicates, if any, arrive too
        if n == 0:
            continue
        latencies = [
            (r.arrivals[number][0] - sent) * 1000 for r in live if number in r.arrivals
        ]
        figures["rounds"].append(
            {
                "answered_ms": answered_ms,
                "received": len(latencies),
                "once": sum(1 for r in live if len(r.arrivals.get(number, [])) == 1),
                "p50": statistics.median(latencies) if latencies else float("nan"),
                "p95": sockets.percentile(latencies, 0.95)
                if latencies
                else float("nan"),
                "max": max(latencies) if latencies else float("nan"),
            }
        )
    figures["closed_during_run"] = sum(
        1 for r in live if r.error and r.error.startswith("closed")
    )
    sizes = [size for r in live for size in r.sizes]
    figures["message_bytes"] = int(statistics.median(sizes)) if sizes else 0
    figures["errors"] = sorted({r.error for r in readers if r.error})[:5]
    for r in readers:
        if r.socket is not None:
            await r.socket.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return figures


def live_run(count: int | None, replies: int) -> tuple[dict, dict]:
    setup = live_prepare()
    if count is None:
        count = LIVE_SOCKETS["redis" if setup["redis_url"] else "memory"]
    sockets.raise_open_files(count * 2 + 1000)
    log(f"live: {count} sockets, Daphne on {setup['database']}, layer {setup['layer']}")
    with LiveDaphne(setup, DATA_DIR / "daphne-forum-live.log") as server:
        figures = asyncio.run(measure_live(setup, server.port, count, replies))
    for i, r in enumerate(figures["rounds"], 1):
        log(
            f"live: reply {i}: {r['received']}/{figures['live']} received, p50 "
            f"{r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, max {r['max']:.0f} ms"
        )
    return figures, setup


def consumer_ready() -> str:
    """Why the live part cannot run ("" when it can): the forum's websocket
    route (community/forum/consumers.py, registered in its wagtail_hooks.py)."""
    consumers = ROOT / "community" / "forum" / "consumers.py"
    if not consumers.exists():
        return "community/forum/consumers.py does not exist"
    if "ws/forum/t/" not in consumers.read_text():
        return "community/forum/consumers.py has no ws/forum/t/<id>/ route"
    return ""


# --- Report ---------------------------------------------------------------------------


def pages_lines(facts: dict, pages: dict, args) -> list[str]:
    rows, verdicts = [], []
    for page, label in PAGES.items():
        a, b = pages["pages"][page, "small"], pages["pages"][page, "large"]
        ratio = pages["pages"][page, "ratio"]
        spread = ", ".join(f"{r:.2f}" for r in pages["pages"][page, "ratios"])
        rows += [
            f"| {label}: req/s | {a['result'].rps:.1f} | {b['result'].rps:.1f} | "
            f"{ratio:.2f} (median; rounds: {spread}) |",
            f"| {label}: queries | {a['queries']} | {b['queries']} | "
            f"{'same' if a['queries'] == b['queries'] else 'DIFFERENT'} |",
            f"| {label}: latency median / p95 (ms) | {harness._latency(a['result'])} "
            f"| {harness._latency(b['result'])} |  |",
        ]
        met = ratio >= GOAL and a["queries"] == b["queries"] and a["queries"]
        verdicts.append(
            f"{label}: {'goal met' if met else 'goal NOT met'} (ratio {ratio:.2f}, "
            f"queries {a['queries']} and {b['queries']})"
        )
    p = facts["pages"]
    lines = [
        "Pages"
        + (" (with `--small`: a tenth of the data)" if args.small else "")
        + f". One SQLite file: the small catalog plus {facts['topics']:,} topics and "
        f"{facts['posts']:,} posts by {facts['members']:,} members. Topic pages: "
        f"the topic of {p['topic-first|large']['posts'] - 1:,} replies against "
        f"the one of {p['topic-first|small']['posts'] - 1:,} (first page: posts "
        "1–20; last page, `?page=last`: "
        f"{p['topic-last|large']['shown']} and {p['topic-last|small']['shown']} "
        "post). Category pages: "
        f"{p['category-first|large']['topics']:,} topics against "
        f"{p['category-first|small']['topics']:,}, first page and a keyset page "
        f"(`?after=`) from topic {p['category-deep|large']['position']:,} and "
        f"{p['category-deep|small']['position']:,}. One Daphne process "
        "(settings_bench, full-page cache off, queries counted by "
        f"bench/bench_middleware.py), a visitor, {harness.CONCURRENCY} keep-alive "
        f"connections, {args.requests} requests per page and side in {ROUNDS} "
        "alternating rounds; the ratio is the median of the rounds'. Goals: the "
        f"same query count, and a large/small rate ratio of at least {GOAL:.1f}.",
        "",
        "| metric | small | large | large/small |",
        "| --- | ---: | ---: | ---: |",
        *rows,
        "",
        *(f"- {verdict}" for verdict in verdicts),
    ]
    if facts.get("build_s"):
        lines.append(f"- Data built in {facts['build_s']:.0f} s in this run.")
    return [*lines, ""]


def live_lines(live: dict, setup: dict) -> list[str]:
    n = live["sockets"]
    worst = max((r["p95"] for r in live["rounds"]), default=float("nan"))
    delivered = bool(live["rounds"]) and all(
        r["once"] == live["live"] == n for r in live["rounds"]
    )
    on_time = delivered and worst <= DELIVERY_GOAL_MS
    lines = [
        f"Live: {n:,} websockets on one topic (`ws/forum/t/<id>/`), one Daphne "
        f"process (`daphne {' '.join(sockets.DAPHNE_FLAGS)}`) on "
        f"{setup['database']} with the {setup['layer']} channel layer; a member "
        "replies through the site's form (`POST /forum/t/<id>/reply/`), timed "
        "from the POST to each socket's `post` message (one untimed reply "
        "first)."
        + (
            ""
            if setup["redis_url"]
            else " Without REDIS_URL: the in-memory layer, which production does "
            f"not use, and by default {LIVE_SOCKETS['memory']:,} sockets rather "
            f"than {LIVE_SOCKETS['redis']:,}."
        ),
        "",
        "| figure | value | goal |",
        "| --- | ---: | --- |",
        f"| sockets open | {live['live']:,} of {n:,} in {live['all_open_s']:.2f} s "
        "| all |",
    ]
    for i, r in enumerate(live["rounds"], 1):
        lines += [
            f"| reply {i}: received / exactly once | {r['received']:,} / "
            f"{r['once']:,} | all / all |",
            f"| reply {i}: latency p50 / p95 / max (ms) | {r['p50']:.0f} / "
            f"{r['p95']:.0f} / {r['max']:.0f} | p95 ≤ {DELIVERY_GOAL_MS:.0f} |",
            f"| reply {i}: the form's answer (ms) | {r['answered_ms']:.0f} |  |",
        ]
    lines += [
        f"| sockets closed during the run | {live['closed_during_run']} | 0 |",
        f"| size of a `post` message (bytes, median) | {live['message_bytes']:,} |  |",
        "",
        f"Delivery goal {'met' if on_time else 'NOT met'} (worst p95 "
        f"{worst:.0f} ms, {setup['layer']}).",
        "",
    ]
    return lines


def section(facts, pages, live, setup, args, info, took_s) -> str:
    lines = [
        SECTION_START,
        "## Forum: a long topic, a large category, a reply seen live",
        "",
        "Written by `bench/forum.py` (run by `make bench`).",
        "",
    ]
    lines += (
        pages_lines(facts, pages, args)
        if pages
        else ["Pages not measured (--skip-pages).", ""]
    )
    lines += live_lines(live, setup) if live else [f"Live part not run: {setup}.", ""]
    lines.append(
        f"Machine: {info['cpus']} CPUs, shared with other work; Python "
        f"{info['python']}, SQLite {info['sqlite']}, Daphne {info['daphne']}; "
        f"{info['date']}; load average {info['load']} at the start; run took "
        f"{took_s:.0f} s."
    )
    problems = (pages["problems"] if pages else []) + (
        live["problems"] + live["errors"] if live else []
    )
    if problems:
        lines += ["", "Problems during this run:", ""] + [f"- {x}" for x in problems]
    lines.append(SECTION_END)
    return "\n".join(lines) + "\n"


def results_write(output: Path, text: str) -> None:
    """Replace this bench's section of `output`, or add it at the end."""
    current = output.read_text() if output.exists() else "# Benchmark results\n"
    if SECTION_START in current and SECTION_END in current:
        head, rest = current.split(SECTION_START, 1)
        current = head + text.rstrip("\n") + rest.split(SECTION_END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text
    output.write_text(current)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sockets", type=int, default=None)
    parser.add_argument("--replies", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="a tenth of the data")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-live", action="store_true")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md")
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        size, path = args.build
        ideas._setup_django(Path(path))
        print("FIGURES " + json.dumps(build(Path(path), size)))
        return 0
    if args.requests < ROUNDS or not 1 <= args.replies <= 20:
        parser.error(f"--requests at least {ROUNDS}, --replies 1..20")
    started = time.perf_counter()
    info = harness.machine()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    facts, pages = {}, None
    if not args.skip_pages:
        path, facts = ensure_data(
            "small" if args.small else "full", regenerate=args.regenerate
        )
        pages = measure_pages(path, facts, args.requests)
    live, setup = None, "skipped (--skip-live)"
    if not args.skip_live:
        setup = consumer_ready()
        if not setup:
            live, setup = live_run(args.sockets, args.replies)
    text = section(facts, pages, live, setup, args, info, time.perf_counter() - started)
    print(text)
    results_write(args.output, text)
    log(f"written to {args.output} in {time.perf_counter() - started:.0f} s")
    failed = (pages and pages["problems"]) or (
        live and (live["problems"] or live["live"] < live["sockets"])
    )
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; Daphne stopped")
        sys.exit(130)
