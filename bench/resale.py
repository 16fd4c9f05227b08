"""Second-hand benchmark: /resale/ at 100 and at 100,000 listings, a conversation of
5,000 messages, and 200 pairs of members chatting live over websockets.

    make bench                                   # runs this among the others
    .venv/bin/python bench/resale.py [--requests 300] [--sends 20]
                                     [--pairs 200] [--seconds 30] [--interval 2]
                                     [--calm-interval 20]
                                     [--small] [--regenerate]
                                     [--skip-pages] [--skip-live]
                                     [--output bench/RESULTS.md]

1. Pages. Two SQLite files, cached under bench/data/ (``resale-few.sqlite3`` and
   ``resale-many-full.sqlite3``, rebuilt when the migrations, the small catalog of
   bench/generate.py they start from, or this generator change), filled with bulk
   inserts in a child process:

   | | listed (on sale or reserved) | others | sellers | conversations |
   | --- | ---: | ---: | ---: | --- |
   | few | 100 | 10 | 50 | none |
   | many | 100,000 | 10,000 | 2,000 | one of 5,000 messages, one of 20 |

   Listings have a title, a Markdown description, a price, one of the four
   conditions, one photo (one of six shared Wagtail images whose card rendition
   is made at build time, under bench/data/resale-media/), one or two tags, one
   to three hand-off stores, a quarter of them a catalog product; the "others"
   are sold, expired or withdrawn. Each file is served by its own Daphne process
   (settings_bench: the X-Bench-Queries header counts each request's queries; the
   full-page cache off, so every request builds its page). After a check that
   each page is the one meant (read through the selector the view calls) and a
   warm-up, from 4 keep-alive connections in alternating rounds (few then many,
   then many then few...), the ratio being the median of the rounds' ratios:

   - ``/resale/``, first page (the 24 newest), few against many;
   - ``/resale/?condition=good&sort=price``, the cheapest in good condition;
   - ``/me/conversations/<id>/`` for its buyer (a session made in the copy), the
     conversation of 5,000 messages against the one of 20, both in the many file
     and served by its Daphne;
   - then sending one message the way the page does (conversation.js: ``POST``
     the form asking for JSON, with the CSRF token), one after the other, in
     each conversation in turn, from its buyer and its seller in turn: the query
     count and the answer's median and p95.

   Goals: the same query count at both sides, a rate ratio of at least 0.9. When
   a list page misses the ratio, the slowest queries of one request on the many
   file are listed with SQLite's query plan.

2. Live. On a database of its own (PostgreSQL ``comptoir_bench_resale`` with
   DATABASE_URL, else bench/data/resale-live.sqlite3) and the Redis channel layer
   with REDIS_URL (else the in-memory one; Daphne is one process either way), 200
   listings, each with a conversation between its seller and a buyer (one
   message already, so no "new conversation" e-mail), and a session for each of
   the 400 members written in the database. Every member opens their
   conversation's socket (``ws/resale/conversations/<id>/``), then for 30 s sends
   a message every ~2 s (never two at once: the next leaves once the previous is
   answered) the way the page does; then again at every ~20 s
   (``--calm-interval``), a load one process can take. Each message must reach
   both parties' sockets exactly once, and no other socket; latency is timed
   from the POST to the other party's socket (p50 / p95 / max). Bounded: every
   wait has a cap.

``--small`` builds and measures a tenth of the many side (10,000 listings, a
conversation of 500 messages; cached apart, ``resale-many-small.sqlite3``) to
check the bench works. The figures go to their own section of bench/RESULTS.md
(replaced on each run) and to the terminal. Nothing here asserts a time;
127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import statistics
import string
import subprocess
import sys
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import forum  # noqa: E402 - bench/ is a folder of scripts, not a package
import ideas  # noqa: E402
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
FILES = {
    "few": {"listed": 100, "others": 10, "sellers": 50, "long": 0, "short": 0},
    "many-full": {
        "listed": 100_000,
        "others": 10_000,
        "sellers": 2_000,
        "long": 5_000,
        "short": 20,
        "page": 50,
    },
    "many-small": {
        "listed": 10_000,
        "others": 1_000,
        "sellers": 300,
        "long": 500,
        "short": 20,
        "page": 50,
    },
}
MEDIA = DATA_DIR / "resale-media"
IMAGES = 6
GOAL = 0.90
ROUNDS = 10
ROUND_CAP_S = 6.0
FILTERED_URL = "/resale/?condition=good&sort=price"
SECTION_START = "<!-- resale bench start -->"
SECTION_END = "<!-- resale bench end -->"
LIVE_DATABASE = "comptoir_bench_resale"
LIVE_SQLITE = DATA_DIR / "resale-live.sqlite3"
LIVE_PREFIX = "comptoir-bench-resale"
DRAIN_CAP_S = 20.0
# Session keys this bench writes: deleted again when the live part reseeds.
SESSION_PREFIX = "benchresale"
TAGS = ["velo", "jardin", "outillage", "camping", "bricolage", "enfant", "cuisine"]
WORDS = (
    "vélo tondeuse perceuse tente scie échelle brouette sécateur ponceuse "
    "barbecue poussette raquette lampe établi compresseur taille-haie"
).split()
ADJECTIVES = "robuste compact pliant léger électrique ancien complet".split()
DESCRIPTION = (
    "Vendu car je n'en ai **plus l'usage**. Fonctionne parfaitement, quelques "
    "traces d'usage.\n\n- notice fournie\n- à voir en magasin\n\nRemise en main "
    "propre au magasin uniquement."
)
MESSAGE = "Bonjour, est-il toujours disponible ? Je peux passer samedi au magasin."


def log(message: str) -> None:
    print(f"[resale bench] {message}", flush=True)


# --- Data (runs in a child process, with Django set up on the file) -----------------


def _images() -> list[int]:
    """IMAGES shared Wagtail images with the card's rendition made now, so no
    request generates one; their files under MEDIA."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    from marketplace.resale.selectors import CARD_IMAGE_SPEC

    Image = get_image_model()
    ids = []
    for n in range(IMAGES):
        buffer = io.BytesIO()
        colour = (40 + n * 35, 120, 200 - n * 25)
        PILImage.new("RGB", (800, 600), colour).save(buffer, "JPEG", quality=80)
        image = Image(
            title=f"Annonce du banc {n}",
            file=ImageFile(buffer, name=f"banc-annonce-{n}.jpg"),
        )
        image.save()
        image.get_rendition(CARD_IMAGE_SPEC)
        ids.append(image.pk)
    return ids


def _members(prefix: str, count: int, now: datetime) -> list[int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    User = get_user_model()
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    email=f"{prefix}-{n}@bench.example",
                    display_name=f"{prefix.capitalize()} {n}",
                    slug=f"{prefix}-{n}",
                    password="!",
                    trust_level=2,
                    date_joined=now - timedelta(days=400),
                )
                for n in range(count)
            ],
            batch_size=5_000,
        )
    return list(
        User.objects.filter(slug__startswith=f"{prefix}-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def build(db: Path, name: str) -> dict:
    """Add sellers, listings (photos, tags, stores) and, on the many side, the two
    measured conversations to the catalog copy."""
    from django.db import connection
    from django.http import QueryDict
    from django.utils.text import slugify
    from taggit.models import Tag

    from community.moderation.models import ModerationStatus
    from marketplace.catalog.models import Product, Store
    from marketplace.resale import selectors
    from marketplace.resale.models import (
        Condition,
        Listing,
        ListingPhoto,
        ListingState,
        TaggedListing,
    )
    from marketplace.resale.views import LISTINGS_PER_PAGE

    figures = FILES[name]
    rng = random.Random(SEED)
    now = datetime.now(UTC).replace(microsecond=0)
    published = ModerationStatus.PUBLISHED
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    sellers = _members("revendeur", figures["sellers"], now)
    images = _images()
    stores = list(Store.objects.order_by("pk").values_list("pk", flat=True))
    products = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    tags = [
        Tag.objects.get_or_create(name=tag, defaults={"slug": slugify(tag)})[0].pk
        for tag in TAGS
    ]
    conditions = [c.value for c in Condition]
    others = [ListingState.SOLD, ListingState.EXPIRED, ListingState.WITHDRAWN]
    rows, photos, tagged, handoff = [], [], [], []
    next_id = forum._next_id(Listing)
    next_photo, next_tagged = (
        forum._next_id(ListingPhoto),
        forum._next_id(TaggedListing),
    )
    through = Listing.handoff_stores.through
    next_through = forum._next_id(through)
    total = figures["listed"] + figures["others"]
    for n in range(total):
        listing_id = next_id + n
        listed = n < figures["listed"]
        # Put on sale over the last 60 days (the default listing period).
        at = now - timedelta(seconds=rng.uniform(60, 59 * 86_400))
        state = (
            (ListingState.RESERVED if n % 20 == 7 else ListingState.PUBLISHED)
            if listed
            else others[n % 3]
        )
        title = (
            f"{rng.choice(WORDS).capitalize()} {rng.choice(ADJECTIVES)} n° {listing_id}"
        )
        price = rng.randrange(100, 60_000, 50)
        rows.append(
            {
                "id": listing_id,
                "seller_id": sellers[n % len(sellers)],
                "title": title,
                "slug": slugify(title)[:120],
                "description": DESCRIPTION,
                "price_cents": price,
                "condition": rng.choice(conditions),
                "product_id": products[n % len(products)] if n % 4 == 0 else None,
                "state": state,
                "state_changed_at": at,
                "expires_at": at + timedelta(days=60),
                "sold_at": at + timedelta(days=3)
                if state == ListingState.SOLD
                else None,
                "sold_price_cents": price if state == ListingState.SOLD else None,
                "status": published,
                "status_changed_at": at,
                "published_at": at,
                "created_at": at - timedelta(minutes=20),
                "updated_at": at,
                "refusal_reasons": [],
            }
        )
        photos.append(
            {
                "id": next_photo + n,
                "listing_id": listing_id,
                "image_id": images[n % len(images)],
                "private_file": "",
                "position": 0,
            }
        )
        for tag in rng.sample(tags, 1 + n % 2):
            tagged.append(
                {"id": next_tagged, "content_object_id": listing_id, "tag_id": tag}
            )
            next_tagged += 1
        for store in rng.sample(stores, min(len(stores), 1 + n % 3)):
            handoff.append(
                {"id": next_through, "listing_id": listing_id, "store_id": store}
            )
            next_through += 1
    forum._insert(Listing, rows)
    forum._insert(ListingPhoto, photos)
    forum._insert(TaggedListing, tagged)
    forum._insert(through, handoff)

    facts: dict = {
        "listed": figures["listed"],
        "listings": total,
        "sellers": len(sellers),
        "pages": {},
    }
    # The pages the bench will ask for are the ones meant: read through the
    # selector the view calls.
    for page, url in (("list-first", "/resale/"), ("list-filtered", FILTERED_URL)):
        query = urllib.parse.urlsplit(url).query
        filters = {"condition": "good", "sort": "price"} if query else {}
        shown = selectors.listing_list_page(
            params=QueryDict(query), per_page=LISTINGS_PER_PAGE, **filters
        )
        first = shown.object_list[0]
        facts["pages"][page] = {
            "url": url,
            "expect": f'id="listing-{first.pk}"',
            "count": shown.count,
        }
    if figures["long"]:
        facts["conversations"] = _conversations(figures, sellers, next_id, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return facts


def _conversations(figures: dict, sellers: list[int], first_id: int, now) -> dict:
    """The long and the short conversation, each on a listing of its own seller
    with a buyer of its own, read to the end by both; {side: facts}."""
    from community.moderation.models import ModerationStatus
    from marketplace.resale.models import Conversation, Message

    buyers = _members("acheteur", 3, now)
    out = {}
    next_message = forum._next_id(Message)
    for side, count, seller, buyer, listing in (
        ("long", figures["long"], sellers[0], buyers[0], first_id),
        ("short", figures["short"], sellers[1], buyers[1], first_id + 1),
        ("page", figures["page"], sellers[2], buyers[2], first_id + 2),
    ):
        # Two messages a day or so, the last three hours ago: none within the
        # hourly limit's window.
        last = now - timedelta(hours=3)
        span = timedelta(days=max(30, count // 2))
        conversation = Conversation.objects.create(
            listing_id=listing,
            buyer_id=buyer,
            seller_id=seller,
            created_at=last - span,
            last_message_at=last,
        )
        rows = []
        for n in range(count):
            at = last - span + span * (n + 1) / count
            rows.append(
                {
                    "id": next_message,
                    "conversation_id": conversation.pk,
                    "sender_id": buyer if n % 2 == 0 else seller,
                    "body": f"{MESSAGE} (message {n + 1})",
                    "masked": False,
                    "status": ModerationStatus.PUBLISHED,
                    "status_changed_at": at,
                    "published_at": at,
                    "created_at": at,
                    "updated_at": at,
                }
            )
            next_message += 1
        forum._insert(Message, rows)
        last_id = rows[-1]["id"]
        Conversation.objects.filter(pk=conversation.pk).update(
            buyer_read_id=last_id, seller_read_id=last_id
        )
        out[side] = {
            "id": conversation.pk,
            "url": conversation.get_absolute_url(),
            "messages": count,
            "buyer": buyer,
            "seller": seller,
            "expect": f'id="message-{last_id}"',
        }
    return out


def sessions(member_ids: list[int]) -> list[str]:
    """A signed-in session for each member, written straight into the database
    (what logging in stores); their keys, in order."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    users = get_user_model().objects.in_bulk(member_ids)
    store = SessionStore()
    expires = timezone.now() + timedelta(days=14)
    keys, rows = [], []
    alphabet = string.ascii_lowercase + string.digits
    for pk in member_ids:
        key = SESSION_PREFIX + get_random_string(28, alphabet)
        data = {
            SESSION_KEY: str(pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: users[pk].get_session_auth_hash(),
        }
        rows.append(
            Session(
                session_key=key, session_data=store.encode(data), expire_date=expires
            )
        )
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=1_000)
    return keys


def explain(urls: list[str], session: str) -> list[dict]:
    """One request to each URL in this process: its slowest queries with SQLite's
    plan, to say where a page's time goes."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    out = []
    for url in urls:
        client.get(url, HTTP_HOST=HOST)  # warm: caches, templates
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST=HOST)
            elapsed = time.perf_counter() - started
        queries = sorted(
            captured.captured_queries, key=lambda q: float(q["time"]), reverse=True
        )
        slowest = []
        with connection.cursor() as cursor:
            for query in queries[:3]:
                cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                plan = [row[-1] for row in cursor.fetchall()]
                slowest.append(
                    {
                        "ms": float(query["time"]) * 1000,
                        "sql": query["sql"],
                        "plan": plan,
                    }
                )
        out.append(
            {
                "url": url,
                "status": response.status_code,
                "ms": elapsed * 1000,
                "queries": len(queries),
                "queries_ms": sum(float(q["time"]) for q in queries) * 1000,
                "slowest": slowest,
            }
        )
    return out


# --- Files and child processes ------------------------------------------------------


def _child(*args: str, timeout: float = 1_800) -> str:
    """Run this script in a child process (Django set up there); its stdout."""
    env = harness._child_env(None)
    env.update(
        PYTHONPATH=f"site{os.pathsep}bench",
        MEDIA_ROOT=str(MEDIA),
        PAGE_CACHE_ENABLED="false",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
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


def ensure_data(name: str, *, regenerate: bool) -> tuple[Path, dict]:
    """bench/data/resale-<name>.sqlite3 and its facts, built when missing or stale."""
    source, _seconds = harness.generate("small", regenerate=False)
    final = DATA_DIR / f"resale-{name}.sqlite3"
    marker_file = DATA_DIR / f"resale-{name}.json"
    source_stat = source.stat()
    marker = {
        "generator_version": GENERATOR_VERSION,
        "figures": FILES[name],
        "migrations": ideas._disk_migrations(),
        "source": [source_stat.st_size, int(source_stat.st_mtime)],
    }
    if not regenerate and final.exists() and marker_file.exists():
        recorded = json.loads(marker_file.read_text())
        if recorded.get("marker") == marker and MEDIA.exists():
            log(f"{final.relative_to(ROOT)} is up to date")
            return final, recorded["facts"]
    building = DATA_DIR / f"resale-{name}.building.sqlite3"
    ideas._remove(building)
    shutil.copyfile(source, building)
    MEDIA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    log(f"building {final.name} ({FILES[name]['listed']:,} listed listings)")
    facts = ideas._figures(_child("--build", name, str(building)))
    ideas._remove(final)
    os.replace(building, final)
    marker_file.write_text(json.dumps({"marker": marker, "facts": facts}) + "\n")
    built_s = round(time.perf_counter() - started, 1)
    log(f"built {final.name} in {built_s:.0f} s")
    return final, {**facts, "build_s": built_s}


def working_copy(source: Path, name: str) -> Path:
    target = DATA_DIR / f"run-resale-{name}.sqlite3"
    ideas._remove(target)
    shutil.copyfile(source, target)
    return target


class Daphne(harness.Daphne):
    """run.py's Daphne with the bench settings (queries counted in a header, the
    full-page cache off), the bench's media and e-mails kept in memory."""

    def __enter__(self) -> Daphne:
        original = harness._child_env

        def env(db):
            values = original(db)
            values.update(
                PYTHONPATH=f"site{os.pathsep}bench",
                DJANGO_SETTINGS_MODULE="settings_bench",
                PAGE_CACHE_ENABLED="false",
                MEDIA_ROOT=str(MEDIA),
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            )
            values.pop("REDIS_URL", None)
            return values

        harness._child_env = env
        try:
            super().__enter__()
        finally:
            harness._child_env = original
        return self


@contextlib.contextmanager
def logged_in(cookie: str):
    """run.py's load() and ideas.py's probe() open plain connections; within this
    block each of their requests carries `cookie` (a member's session)."""
    if not cookie:
        yield
        return

    class Connection(http.client.HTTPConnection):
        def putrequest(self, method, url, *args, **kwargs):
            super().putrequest(method, url, *args, **kwargs)
            self.putheader("Cookie", cookie)

    original = http.client.HTTPConnection
    http.client.HTTPConnection = Connection
    try:
        yield
    finally:
        http.client.HTTPConnection = original


# --- 1. Pages -------------------------------------------------------------------------

PAGES = {
    "list-first": ("`GET /resale/` (first page)", "few", "many"),
    "list-filtered": (
        f"`GET {FILTERED_URL}`",
        "few",
        "many",
    ),
    "conversation": ("`GET /me/conversations/<id>/` (a party)", "short", "long"),
    # The page shows the latest 50 messages: against a conversation of exactly
    # one full page, only the depth behind it differs.
    "conversation-page": (
        "`GET /me/conversations/<id>/`, against a full page of 50",
        "page",
        "long",
    ),
}


def measure_pages(targets: dict, requests: int) -> dict:
    """Each page at both sides in alternating rounds; the ratio of each page is
    the median of its rounds' ratios. `targets`: {page: {side: {port, url,
    cookie, expect}}}, sides in PAGES order (small first)."""
    figures: dict = {"problems": [], "pages": {}}
    for page, sides in targets.items():
        for side, target in sides.items():
            with logged_in(target["cookie"]):
                harness.load(
                    target["port"],
                    target["url"],
                    requests=harness.WARMUP_REQUESTS,
                    time_cap_s=10,
                )
                problem, queries = ideas.probe(
                    target["port"], target["url"], target["expect"]
                )
            if problem:
                figures["problems"].append(f"{side}: {problem}")
            figures["pages"][page, side] = {
                **target,
                "queries": queries,
                "result": harness.LoadResult(url=target["url"]),
            }
        figures["pages"][page, "ratios"] = []
    per_round = max(requests // ROUNDS, 1)
    for number in range(ROUNDS):
        for page, sides in targets.items():
            small, large = list(sides)
            order = (small, large) if number % 2 == 0 else (large, small)
            rates = {}
            for side in order:
                entry = figures["pages"][page, side]
                with logged_in(entry["cookie"]):
                    part = harness.load(
                        entry["port"],
                        entry["url"],
                        requests=per_round,
                        time_cap_s=ROUND_CAP_S,
                    )
                rates[side] = part.rps
                ideas._merge(entry["result"], part)
            if rates[small]:
                figures["pages"][page, "ratios"].append(rates[large] / rates[small])
    for page, sides in targets.items():
        ratios = figures["pages"][page, "ratios"]
        figures["pages"][page, "ratio"] = statistics.median(ratios) if ratios else 0.0
        for side in sides:
            entry = figures["pages"][page, side]
            result = entry["result"]
            log(
                f"{side}: GET {result.url}: {result.rps:.1f} req/s, {result.ok}/"
                f"{result.sent} ok, {entry['queries']} queries"
            )
            if result.bad:
                figures["problems"].append(
                    f"{side}: {result.url}: {result.bad} of {result.sent} not 2xx "
                    f"(statuses {result.statuses})"
                )
        log(f"{PAGES[page][0]}: ratio {figures['pages'][page, 'ratio']:.2f}")
    return figures


def _csrf(port: int, path: str, cookie: str) -> tuple[str, str]:
    """GET the page as a browser does: (the form's token, the csrftoken cookie)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        page = response.read().decode("utf-8", errors="replace")
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    secret = ""
    for header in response.msg.get_all("Set-Cookie") or []:
        match = re.match(r"csrftoken=([^;]+)", header)
        if match:
            secret = match[1]
    if not token or not secret:
        raise RuntimeError(f"GET {path}: no CSRF token in the page or its cookies")
    return token[1], secret


def measure_sends(port: int, conversations: dict, keys: dict, sends: int) -> dict:
    """Messages sent the way conversation.js sends them, one after the other, in
    the short and the long conversation in turn, from buyer and seller in turn;
    per side the answers' latencies and query counts."""
    figures: dict = {"problems": [], "sides": {}}
    parties = {}
    for side, facts in conversations.items():
        for role in ("buyer", "seller"):
            cookie = f"sessionid={keys[side, role]}"
            token, secret = _csrf(port, facts["url"], cookie)
            parties[side, role] = (f"{cookie}; csrftoken={secret}", token)
        figures["sides"][side] = {"latencies": [], "queries": set(), "sent": 0}
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    warm = 2
    try:
        for n in range(warm + sends):
            order = ("short", "long") if n % 2 == 0 else ("long", "short")
            for side in order:
                path = conversations[side]["url"]
                cookie, token = parties[side, "buyer" if n % 2 == 0 else "seller"]
                body = urllib.parse.urlencode(
                    {"body": f"{MESSAGE} (envoi de banc {n})"}
                )
                started = time.perf_counter()
                conn.request(
                    "POST",
                    path,
                    body=body,
                    headers={
                        "Cookie": cookie,
                        "X-CSRFToken": token,
                        "Accept": "application/json",
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Origin": f"http://{HOST}:{port}",
                        "Referer": f"http://{HOST}:{port}{path}",
                    },
                )
                response = conn.getresponse()
                answer = response.read()
                elapsed_ms = (time.perf_counter() - started) * 1000
                ok = response.status == 200 and b'"id"' in answer
                if not ok:
                    figures["problems"].append(
                        f"send {n} ({side}): HTTP {response.status} "
                        f"{answer[:200].decode(errors='replace')}"
                    )
                    continue
                if n < warm:
                    continue
                entry = figures["sides"][side]
                entry["sent"] += 1
                entry["latencies"].append(elapsed_ms)
                queries = response.getheader("X-Bench-Queries")
                if queries and queries.isdigit():
                    entry["queries"].add(int(queries))
    finally:
        conn.close()
    for side, entry in figures["sides"].items():
        lat = entry["latencies"]
        entry["median"] = statistics.median(lat) if lat else float("nan")
        entry["p95"] = sockets.percentile(lat, 0.95) if lat else float("nan")
        entry["queries"] = sorted(entry["queries"])
        log(
            f"send ({side}): {entry['sent']} sent, median {entry['median']:.0f} ms, "
            f"p95 {entry['p95']:.0f} ms, queries {entry['queries']}"
        )
    return figures


def pages_run(args) -> tuple[dict, dict]:
    many = "many-small" if args.small else "many-full"
    few_path, few = ensure_data("few", regenerate=args.regenerate)
    many_path, lots = ensure_data(many, regenerate=args.regenerate)
    facts = {"few": few, "many": lots, "many_name": many}
    copies = {
        "few": working_copy(few_path, "few"),
        "many": working_copy(many_path, "many"),
    }
    conversations = lots["conversations"]
    parties = [(s, r) for s in conversations for r in ("buyer", "seller")]
    ids = [conversations[s][r] for s, r in parties]
    raw = _child("--sessions", str(copies["many"]), ",".join(map(str, ids)))
    made = json.loads(re.search(r"^SESSIONS (.+)$", raw, re.M)[1])
    keys = dict(zip(parties, made, strict=True))
    with (
        Daphne(copies["few"], DATA_DIR / "daphne-resale-few.log") as few_server,
        Daphne(copies["many"], DATA_DIR / "daphne-resale-many.log") as many_server,
    ):
        ports = {"few": few_server.port, "many": many_server.port}
        targets: dict = {}
        for page in ("list-first", "list-filtered"):
            targets[page] = {
                side: {
                    "port": ports[side],
                    "url": facts[side]["pages"][page]["url"],
                    "expect": facts[side]["pages"][page]["expect"],
                    "cookie": "",
                }
                for side in ("few", "many")
            }
        for page in ("conversation", "conversation-page"):
            targets[page] = {
                side: {
                    "port": ports["many"],
                    "url": conversations[side]["url"],
                    "expect": conversations[side]["expect"],
                    "cookie": f"sessionid={keys[side, 'buyer']}",
                }
                for side in PAGES[page][1:]
            }
        pages = measure_pages(targets, args.requests)
        sent_in = {side: conversations[side] for side in ("short", "long")}
        pages["sends"] = measure_sends(ports["many"], sent_in, keys, args.sends)
    pages["explain"] = []
    # Where the time goes when a page misses its goal, on a fresh copy (the run's
    # has new messages): the lists as a visitor, the conversation as its buyer.
    missed = [
        ("0", facts["many"]["pages"][page]["url"])
        for page in ("list-first", "list-filtered")
        if pages["pages"][page, "ratio"] < GOAL
    ]
    if pages["pages"]["conversation-page", "ratio"] < GOAL:
        missed.append(
            (str(conversations["long"]["buyer"]), conversations["long"]["url"])
        )
    for member, url in missed:
        copy = working_copy(many_path, "explain")
        raw = _child("--explain", str(copy), member, url)
        pages["explain"] += json.loads(re.search(r"^EXPLAIN (.+)$", raw, re.M)[1])
        ideas._remove(copy)
    for copy in copies.values():
        ideas._remove(copy)
    return facts, pages


# --- 2. Live: 200 pairs of members chatting at once ---------------------------------

LIVE_SEED = """
import json, string
from datetime import timedelta
from django.contrib.auth import (BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY,
    get_user_model)
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import get_random_string
from community.moderation.models import ModerationStatus
from community.notifications.models import Notification
from marketplace.resale.models import Conversation, Listing, ListingState, Message

PAIRS, PREFIX = %(pairs)d, %(prefix)r
User = get_user_model()
now = timezone.now()
slugs = [f"bench-resale-live-{n}" for n in range(2 * PAIRS)]
have = set(User.objects.filter(slug__in=slugs).values_list("slug", flat=True))
User.objects.bulk_create([
    User(email=f"{slug}@bench.example", display_name=f"Membre du banc {slug[18:]}",
         slug=slug, password="!", trust_level=2,
         date_joined=now - timedelta(days=400))
    for slug in slugs if slug not in have], batch_size=1000)
users = {u.slug: u for u in User.objects.filter(slug__in=slugs)}
ids = [users[slug].pk for slug in slugs]
# Trust level 2, joined long ago: links allowed, 120 messages an hour.
User.objects.filter(pk__in=ids).update(trust_level=2, is_active=True)
# The previous run's rows: listings (their conversations and messages with them),
# notifications, sessions.
Listing.objects.filter(seller_id__in=ids).delete()
Conversation.objects.filter(buyer_id__in=ids).delete()
Notification.objects.filter(recipient_id__in=ids).delete()
Session.objects.filter(session_key__startswith=PREFIX).delete()
listings = Listing.objects.bulk_create([
    Listing(seller_id=ids[2 * n], title=f"Vélo du banc n° {n}",
            slug=f"velo-du-banc-n-{n}", description="Pour mesurer.",
            price_cents=4500, condition="good", state=ListingState.PUBLISHED,
            status=ModerationStatus.PUBLISHED, status_changed_at=now,
            published_at=now, state_changed_at=now,
            expires_at=now + timedelta(days=60))
    for n in range(PAIRS)])
earlier = now - timedelta(hours=2)
conversations = Conversation.objects.bulk_create([
    Conversation(listing_id=listing.pk, buyer_id=ids[2 * n + 1],
                 seller_id=ids[2 * n], created_at=earlier, last_message_at=earlier)
    for n, listing in enumerate(listings)])
# One message already: the bench's are not a new conversation's (no e-mail).
first = Message.objects.bulk_create([
    Message(conversation_id=c.pk, sender_id=c.buyer_id, body="Bonjour !",
            status=ModerationStatus.PUBLISHED, status_changed_at=earlier,
            published_at=earlier, created_at=earlier)
    for c in conversations])
for c, m in zip(conversations, first):
    Conversation.objects.filter(pk=c.pk).update(buyer_read_id=m.pk, seller_read_id=m.pk)
store = SessionStore()
alphabet = string.ascii_lowercase + string.digits
keys, rows = {}, []
for user in users.values():
    key = PREFIX + get_random_string(28, alphabet)
    rows.append(Session(session_key=key, expire_date=now + timedelta(days=1),
        session_data=store.encode({SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash()})))
    keys[user.pk] = key
Session.objects.bulk_create(rows, batch_size=1000)
print("SEED " + json.dumps([dict(conversation=c.pk, buyer=c.buyer_id,
    seller=c.seller_id, buyer_key=keys[c.buyer_id], seller_key=keys[c.seller_id])
    for c in conversations]))
"""


def live_child_env(setup: dict) -> dict[str, str]:
    """sockets.py's environment with this bench's prefixes; e-mails in memory."""
    env = _sockets_child_env(setup)
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    if setup.get("redis_url"):
        env["CACHE_KEY_PREFIX"] = env["CHANNELS_PREFIX"] = LIVE_PREFIX
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


def live_prepare(pairs: int) -> dict:
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
            if not LIVE_SQLITE.exists():
                # The small catalog is migrated already: only what is new runs.
                source, _seconds = harness.generate("small", regenerate=False)
                shutil.copyfile(source, LIVE_SQLITE)
            setup["sqlite"] = LIVE_SQLITE
            setup["database"] = f"SQLite (bench/data/{LIVE_SQLITE.name})"
        setup["redis_url"] = os.environ.get("REDIS_URL", "")
        setup["layer"] = "Redis" if setup["redis_url"] else "in-memory (no REDIS_URL)"
        sockets.manage(setup, "migrate", "--noinput")
        seeded = sockets.manage(
            setup, "shell", "-c", LIVE_SEED % {"pairs": pairs, "prefix": SESSION_PREFIX}
        )
    setup["pairs"] = json.loads(re.search(r"^SEED (.+)$", seeded, re.M)[1])
    return setup


class LiveDaphne(sockets.DaphneServer):
    def __enter__(self):
        with live_env():
            return super().__enter__()


class HttpClient:
    """One keep-alive HTTP/1.1 connection on asyncio streams (a browser tab's)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader = self.writer = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def post(self, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(
                    HOST, self.port
                )
            lines = [
                f"POST {path} HTTP/1.1",
                f"Host: {HOST}:{self.port}",
                f"Content-Length: {len(body)}",
                *(f"{name}: {value}" for name, value in headers.items()),
            ]
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await self.writer.drain()
            status_line = await self.reader.readline()
            if not status_line:
                # A kept-alive connection the server had closed: nothing was sent
                # to the application; once more on a new one.
                self.close()
                if attempt:
                    raise ConnectionError("the server closed the connection")
                continue
            status = int(status_line.split()[1])
            fields = {}
            while True:
                line = await self.reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _sep, value = line.decode("latin-1").partition(":")
                fields[name.strip().lower()] = value.strip()
            if "content-length" in fields:
                data = await self.reader.readexactly(int(fields["content-length"]))
            elif fields.get("transfer-encoding", "").lower() == "chunked":
                data = b""
                while True:
                    size = int((await self.reader.readline()).split(b";")[0], 16)
                    if not size:
                        await self.reader.readline()
                        break
                    data += await self.reader.readexactly(size)
                    await self.reader.readline()
            else:
                data = await self.reader.read()
                self.close()
            if fields.get("connection", "").lower() == "close":
                self.close()
            return status, data
        raise ConnectionError("unreachable")


class Party:
    """One member's open conversation page: its socket's arrivals, its sends."""

    def __init__(self, pair: int, role: str, conversation: int, key: str) -> None:
        self.pair, self.role, self.conversation = pair, role, conversation
        # Django accepts a CSRF secret the client holds (a browser's from its
        # first GET); this bench sets its own, 32 letters and digits, and sends
        # it back in the header as conversation.js does.
        self.csrf = "".join(random.choices(string.ascii_letters + string.digits, k=32))
        self.cookie = f"sessionid={key}; csrftoken={self.csrf}"
        self.error: str | None = None
        self.opened_at: float | None = None
        self.arrivals: dict[int, list[float]] = {}
        self.other = 0
        self.socket = None

    @property
    def path(self) -> str:
        return f"/me/conversations/{self.conversation}/"

    async def listen(self, port: int) -> None:
        from websockets.asyncio.client import connect

        try:
            self.socket = await connect(
                f"ws://{HOST}:{port}/ws/resale/conversations/{self.conversation}/",
                origin=f"http://{HOST}:{port}",
                additional_headers={"Cookie": self.cookie},
                open_timeout=sockets.CONNECT_CAP_S,
                max_queue=None,
            )
        except Exception as error:  # noqa: BLE001 - counted and reported
            self.error = f"{type(error).__name__}: {error}"[:120]
            return
        self.opened_at = time.perf_counter()
        try:
            async for raw in self.socket:
                now = time.perf_counter()
                message = json.loads(raw)
                if message.get("type") == "message" and "id" in message:
                    self.arrivals.setdefault(int(message["id"]), []).append(now)
                else:
                    self.other += 1
        except Exception as error:  # noqa: BLE001 - a socket closed under us
            self.error = self.error or f"closed: {type(error).__name__}: {error}"[:120]

    async def send(self, client: HttpClient, text: str) -> tuple[int, int | None]:
        """POST the form as conversation.js does; (status, the new message's id)."""
        body = urllib.parse.urlencode({"body": text}).encode()
        status, data = await client.post(
            self.path,
            body,
            {
                "Cookie": self.cookie,
                "X-CSRFToken": self.csrf,
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://{HOST}:{client.port}",
                "Referer": f"http://{HOST}:{client.port}{self.path}",
            },
        )
        try:
            answer = json.loads(data) if status == 200 else {}
        except ValueError:
            answer = {}
        return status, answer.get("id")


async def chat(
    party: Party,
    port: int,
    start: float,
    end: float,
    interval: float,
    rng: random.Random,
    sent: list,
) -> None:
    """Send a message every ~`interval` s from `start` to `end`, the next one
    once the previous is answered."""
    client = HttpClient(port)
    next_at = start + rng.uniform(0, interval)
    n = 0
    try:
        while next_at < end:
            wait = next_at - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            n += 1
            left = time.perf_counter()
            try:
                status, message_id = await asyncio.wait_for(
                    party.send(
                        client, f"{MESSAGE} ({party.role} {party.pair}, n° {n})"
                    ),
                    timeout=60,
                )
            except Exception as error:  # noqa: BLE001 - counted and reported
                client.close()
                status, message_id = f"{type(error).__name__}", None
            sent.append(
                {
                    "pair": party.pair,
                    "role": party.role,
                    "id": message_id,
                    "status": status,
                    "sent": left,
                    "answered": time.perf_counter(),
                }
            )
            next_at = max(
                next_at + interval * rng.uniform(0.9, 1.1), time.perf_counter()
            )
    finally:
        client.close()


def _spread(values: list[float]) -> dict:
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "max": float("nan")}
    return {
        "p50": statistics.median(values),
        "p95": sockets.percentile(values, 0.95),
        "max": max(values),
    }


async def _phase(
    live: list,
    by_pair: dict,
    expected: dict,
    port: int,
    seconds: float,
    interval: float,
) -> dict:
    """Every live member chats for `seconds`, a message every ~`interval` s; then
    what reached which socket."""
    sent: list = []
    rng = random.Random(SEED + int(interval * 10))
    start = time.perf_counter() + 0.5
    end = start + seconds
    await asyncio.gather(
        *(chat(p, port, start, end, interval, rng, sent) for p in live)
    )
    stopped = time.perf_counter()
    ok = [s for s in sent if s["id"]]
    drain = stopped + DRAIN_CAP_S
    while time.perf_counter() < drain:
        if all(all(s["id"] in p.arrivals for p in by_pair[s["pair"]]) for s in ok):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # duplicates, if any, arrive too
    for s in ok:
        expected[s["pair"]].add(s["id"])
    other_ms, own_ms, answer_ms = [], [], []
    once = missing = duplicated = 0
    for s in ok:
        buyer, seller = by_pair[s["pair"]]
        sender, other = (buyer, seller) if s["role"] == "buyer" else (seller, buyer)
        counts = [len(p.arrivals.get(s["id"], [])) for p in (sender, other)]
        once += counts == [1, 1]
        missing += 0 in counts
        duplicated += any(c > 1 for c in counts)
        if counts[1]:
            other_ms.append((other.arrivals[s["id"]][0] - s["sent"]) * 1000)
        if counts[0]:
            own_ms.append((sender.arrivals[s["id"]][0] - s["sent"]) * 1000)
    for s in sent:
        answer_ms.append((s["answered"] - s["sent"]) * 1000)
    statuses: dict = {}
    for s in sent:
        statuses[str(s["status"])] = statuses.get(str(s["status"]), 0) + 1
    sending_s = max(stopped - start, 1e-9)
    return {
        "seconds": seconds,
        "interval": interval,
        "attempted": len(sent),
        "sent": len(ok),
        "statuses": statuses,
        "offered_per_s": len(live) / interval,
        "achieved_per_s": len(ok) / sending_s,
        "once": once,
        "missing": missing,
        "duplicated": duplicated,
        "other": _spread(other_ms),
        "own": _spread(own_ms),
        "answer": _spread(answer_ms),
    }


async def measure_live(setup: dict, port: int, seconds: float, intervals) -> dict:
    pairs = setup["pairs"]
    parties = []
    for n, pair in enumerate(pairs):
        for role in ("buyer", "seller"):
            parties.append(Party(n, role, pair["conversation"], pair[f"{role}_key"]))
    by_pair = {n: (parties[2 * n], parties[2 * n + 1]) for n in range(len(pairs))}
    started = time.perf_counter()
    tasks = [asyncio.ensure_future(p.listen(port)) for p in parties]
    deadline = started + sockets.CONNECT_CAP_S
    while time.perf_counter() < deadline:
        if all(p.opened_at is not None or p.error for p in parties):
            break
        await asyncio.sleep(0.05)
    live = [p for p in parties if p.opened_at is not None]
    figures: dict = {
        "pairs": len(pairs),
        "members": len(parties),
        "live": len(live),
        "all_open_s": max((p.opened_at for p in live), default=started) - started,
        "problems": [],
        "phases": [],
    }
    await asyncio.sleep(1)  # the crowd settles (and joins its groups) first
    expected: dict = {n: set() for n in by_pair}
    # One untimed message first: the code warmed up, and the path checked.
    warm = parties[0]
    client = HttpClient(port)
    status, warm_id = await warm.send(client, f"{MESSAGE} (premier message de banc)")
    client.close()
    if status != 200 or not warm_id:
        figures["problems"].append(f"the first message: HTTP {status}, no id")
    else:
        expected[0].add(warm_id)
        end = time.perf_counter() + 10
        while time.perf_counter() < end and not all(
            warm_id in p.arrivals for p in by_pair[0]
        ):
            await asyncio.sleep(0.05)
    for interval in intervals:
        phase = await _phase(live, by_pair, expected, port, seconds, interval)
        figures["phases"].append(phase)
        log(
            f"live, every ~{interval:g} s: {phase['sent']:,} messages "
            f"({phase['achieved_per_s']:.1f}/s), {phase['once']:,} to both exactly "
            f"once; other party p50 {phase['other']['p50']:.0f} ms, p95 "
            f"{phase['other']['p95']:.0f} ms"
        )
        await asyncio.sleep(2)  # what the last phase left in the queue is done
    figures["strays"] = sum(
        1
        for p in live
        for message_id in p.arrivals
        if message_id not in expected[p.pair]
    )
    figures["closed_during_run"] = sum(
        1 for p in live if p.error and p.error.startswith("closed")
    )
    figures["errors"] = sorted({p.error for p in parties if p.error})[:5]
    for p in parties:
        if p.socket is not None:
            await p.socket.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return figures


# What the site logs when a request gave up waiting for the database.
DATABASE_REFUSALS = {
    "locked": "database is locked",
    "too_many_clients": "too many clients already",
    "pool_timeout": "couldn't get a connection after",
}


def live_run(args) -> tuple[dict, dict]:
    setup = live_prepare(args.pairs)
    sockets.raise_open_files(args.pairs * 2 * 3 + 1000)
    log(
        f"live: {args.pairs} pairs, Daphne on {setup['database']}, layer "
        f"{setup['layer']}"
    )
    intervals = [args.interval] + ([args.calm_interval] if args.calm_interval else [])
    log_path = DATA_DIR / "daphne-resale-live.log"
    with LiveDaphne(setup, log_path) as server:
        figures = asyncio.run(measure_live(setup, server.port, args.seconds, intervals))
    text = log_path.read_text(errors="replace")
    figures["refusals"] = {
        key: text.count(words) for key, words in DATABASE_REFUSALS.items()
    }
    setup["pool"] = os.environ.get("DATABASE_POOL", "")
    return figures, setup


# --- Report ---------------------------------------------------------------------------


def pages_lines(facts: dict, pages: dict, args) -> list[str]:
    rows, verdicts = [], []
    for page, (label, small, large) in PAGES.items():
        a, b = pages["pages"][page, small], pages["pages"][page, large]
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
    sends = pages["sends"]["sides"]
    short, long_ = sends["short"], sends["long"]
    rows += [
        "| sending a message (`POST /me/conversations/<id>/`, JSON): answer median "
        f"/ p95 (ms) | {short['median']:.0f} / {short['p95']:.0f} | "
        f"{long_['median']:.0f} / {long_['p95']:.0f} | "
        f"{(short['median'] / long_['median']) if long_['median'] else 0:.2f} "
        "(rate ratio of the medians) |",
        f"| sending a message: queries | {', '.join(map(str, short['queries']))} | "
        f"{', '.join(map(str, long_['queries']))} | "
        f"{'same' if short['queries'] == long_['queries'] else 'DIFFERENT'} |",
    ]
    conversations = facts["many"]["conversations"]
    lines = [
        "Pages"
        + (" (with `--small`: a tenth of the many side)" if args.small else "")
        + f". Two SQLite files: the small catalog plus {facts['few']['listed']:,} "
        f"listed listings ({facts['few']['listings']:,} in all) and plus "
        f"{facts['many']['listed']:,} ({facts['many']['listings']:,} in all, by "
        f"{facts['many']['sellers']:,} sellers), one photo each (a Wagtail image "
        "and its card rendition), tags and hand-off stores; each served by its own "
        "Daphne process (settings_bench, full-page cache off, queries counted by "
        "bench/bench_middleware.py), a visitor for the lists, the buyer (a session "
        "made in the copy) for the conversations, "
        f"{conversations['long']['messages']:,} messages against "
        f"{conversations['short']['messages']} and against "
        f"{conversations['page']['messages']} (all in the many file; the page "
        f"shows the latest 50). {harness.CONCURRENCY} keep-alive connections, "
        f"{args.requests} requests per page and side in {ROUNDS} alternating "
        "rounds; the ratio is the median of the rounds'. Then "
        f"{args.sends} messages per conversation sent the way conversation.js "
        "sends them (the form posted asking for JSON, with the CSRF token), one "
        "after the other, from buyer and seller in turn. The conversation page "
        "shows the latest 50 messages: the one of 20 renders fewer, the one of "
        "50 as many, so against it only the depth behind differs. Goals: the "
        "same query "
        f"count, and a rate ratio of at least {GOAL:.1f}.",
        "",
        "| metric | few listings / short conversation | many / long | many/few |",
        "| --- | ---: | ---: | ---: |",
        *rows,
        "",
        *(f"- {verdict}" for verdict in verdicts),
    ]
    for side in ("few", "many"):
        if facts[side].get("build_s"):
            lines.append(f"- Data `{side}` built in {facts[side]['build_s']:.0f} s.")
    for entry in pages["explain"]:
        lines += [
            "",
            f"Where the time of `{entry['url']}` goes on the many file (one request "
            f"in a child process, SQLite, HTTP {entry['status']}): "
            f"{entry['queries']} queries, {entry['queries_ms']:.0f} ms of "
            f"{entry['ms']:.0f} ms; the slowest:",
            "",
        ]
        for query in entry["slowest"]:
            # The columns say little; the FROM, WHERE and ORDER BY say why.
            sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", query["sql"], count=1)
            sql = sql if len(sql) < 600 else sql[:600] + "…"
            lines.append(
                f"- {query['ms']:.1f} ms: `{sql}` — plan: {'; '.join(query['plan'])}"
            )
    return [*lines, ""]


def live_lines(live: dict, setup: dict) -> list[str]:
    phases = live["phases"]
    delivered = (
        bool(phases)
        and all(ph["sent"] and ph["once"] == ph["sent"] for ph in phases)
        and not live["strays"]
        and live["live"] == live["members"]
    )

    def row(label: str, cell, goal: str = "") -> str:
        return f"| {label} | " + " | ".join(cell(ph) for ph in phases) + f" | {goal} |"

    def statuses(ph) -> str:
        return ", ".join(f"{k}: {v:,}" for k, v in sorted(ph["statuses"].items()))

    intervals = " and then every ~".join(f"{ph['interval']:g}" for ph in phases)
    lines = [
        f"Live: {live['pairs']:,} pairs of members, each on their conversation's "
        f"page (`ws/resale/conversations/<id>/`, {live['members']:,} sockets, "
        f"{live['live']:,} open in {live['all_open_s']:.2f} s), one Daphne process "
        f"(`daphne {' '.join(sockets.DAPHNE_FLAGS)}`) on {setup['database']}"
        + (" with `DATABASE_POOL=true`" if setup.get("pool") else "")
        + f" with the {setup['layer']} channel layer. For "
        f"{phases[0]['seconds']:.0f} s every member sends a message every "
        f"~{intervals} s, the way the page does (`POST /me/conversations/<id>/` "
        "asking for JSON, with a session written in the database and the CSRF "
        "token), the next once the previous is answered; latency is from the "
        "POST to the socket's message."
        + (
            ""
            if setup["redis_url"]
            else " Without REDIS_URL: the in-memory layer, which production does "
            "not use, in the one Daphne process."
        ),
        "",
        "| figure | "
        + " | ".join(f"every ~{ph['interval']:g} s" for ph in phases)
        + " | goal |",
        "| --- | " + " | ".join("---:" for _ph in phases) + " | --- |",
        row(
            "messages per second offered / achieved",
            lambda ph: f"{ph['offered_per_s']:.0f} / {ph['achieved_per_s']:.1f}",
        ),
        row(
            "sends / answered with a message",
            lambda ph: f"{ph['attempted']:,} / {ph['sent']:,}",
            "all",
        ),
        row("answers by status", statuses, "200"),
        row(
            "delivered exactly once to both parties",
            lambda ph: f"{ph['once']:,} of {ph['sent']:,}",
            "all",
        ),
        row(
            "missing at a party / duplicated",
            lambda ph: f"{ph['missing']} / {ph['duplicated']}",
            "0 / 0",
        ),
        row(
            "latency to the other party p50 / p95 / max (ms)",
            lambda ph: (
                f"{ph['other']['p50']:.0f} / {ph['other']['p95']:.0f} / "
                f"{ph['other']['max']:.0f}"
            ),
        ),
        row(
            "latency to the sender's own socket p50 / p95 (ms)",
            lambda ph: f"{ph['own']['p50']:.0f} / {ph['own']['p95']:.0f}",
        ),
        row(
            "the POST's answer p50 / p95 (ms)",
            lambda ph: f"{ph['answer']['p50']:.0f} / {ph['answer']['p95']:.0f}",
        ),
        f"| messages on a socket not of their conversation (whole run) | "
        f"{live['strays']} | "
        + " | ".join("" for _ph in phases[1:])
        + (" | " if len(phases) > 1 else "")
        + "0 |",
        f"| sockets closed during the run | {live['closed_during_run']} | "
        + " | ".join("" for _ph in phases[1:])
        + (" | " if len(phases) > 1 else "")
        + "0 |",
        "",
        (
            "Delivery complete: every message answered reached both parties "
            "exactly once"
            if delivered
            else "Delivery NOT complete"
        )
        + f" ({setup['layer']}).",
    ]
    refusals = live.get("refusals", {})
    for ph in phases:
        refused = sum(n for status, n in ph["statuses"].items() if status != "200")
        if refused:
            lines.append(
                f"Every ~{ph['interval']:g} s: {refused:,} sends were not answered 200."
            )
    if refusals.get("locked"):
        lines.append(
            f"Daphne's log reports the database locked {refusals['locked']:,} "
            "times (once a spell, not once a request): SQLite lets one writer at "
            "a time, Django runs each request in "
            "a thread of its own, and a send that waited past the busy timeout "
            "(20 s, settings/base.py) is answered 503 by the site (conversation.js "
            "then posts the form the ordinary way)."
        )
    if refusals.get("too_many_clients") or refusals.get("pool_timeout"):
        lines.append(
            'Daphne\'s log says a connection was refused ("too many clients") '
            f"{refusals['too_many_clients']:,} times and not given by the pool in "
            f"time {refusals['pool_timeout']:,} times (once a spell, or repeated "
            "in a traceback): each request runs in a thread of its own with its "
            "own connection, more than PostgreSQL's max_connections allows, or it "
            "waits for one of the pool's (`DATABASE_POOL_MAX_SIZE`, 4) past "
            "`DATABASE_POOL_TIMEOUT` (10 s); those requests are answered 503."
        )
    first = phases[0] if phases else None
    if first and first["achieved_per_s"] < 0.9 * first["offered_per_s"]:
        lines.append(
            f"Every ~{first['interval']:g} s the one Daphne process answered "
            f"{first['achieved_per_s']:.1f} messages a second of the "
            f"{first['offered_per_s']:.0f} offered: each member waits for its "
            "answer before the next, so the latencies include the queue in front "
            "of the process (sending a message writes, renders it for both sides "
            "in every language and broadcasts it; one process of Python on two "
            "shared cores)."
        )
    return [*lines, ""]


def section(facts, pages, live, setup, args, info, took_s) -> str:
    lines = [
        SECTION_START,
        "## Second-hand: /resale/ at 100 and 100,000 listings, a long conversation, "
        "200 pairs chatting live",
        "",
        "Written by `bench/resale.py` (run by `make bench`).",
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
    problems = (pages["problems"] + pages["sends"]["problems"] if pages else []) + (
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
    parser.add_argument("--sends", type=int, default=20)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument(
        "--calm-interval",
        type=float,
        default=20.0,
        help="a second phase at this interval (0: none)",
    )
    parser.add_argument("--small", action="store_true", help="a tenth of the data")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-live", action="store_true")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md")
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--sessions", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--explain", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        name, path = args.build
        ideas._setup_django(Path(path))
        print("FIGURES " + json.dumps(build(Path(path), name)))
        return 0
    if args.sessions:
        path, ids = args.sessions
        ideas._setup_django(Path(path))
        print("SESSIONS " + json.dumps(sessions([int(x) for x in ids.split(",")])))
        return 0
    if args.explain:
        path, member, *urls = args.explain
        ideas._setup_django(Path(path))
        session = sessions([int(member)])[0] if int(member) else ""
        print("EXPLAIN " + json.dumps(explain(urls, session)))
        return 0
    if (
        args.requests < ROUNDS
        or not 1 <= args.sends <= 50
        or not 1 <= args.pairs <= 1_000
        or not 1 <= args.seconds <= 300
        or not 0.2 <= args.interval <= 60
        or not (args.calm_interval == 0 or 0.2 <= args.calm_interval <= 120)
    ):
        parser.error(
            f"--requests at least {ROUNDS}, --sends 1..50, --pairs 1..1000, "
            "--seconds 1..300, --interval 0.2..60, --calm-interval 0 or 0.2..120"
        )
    started = time.perf_counter()
    info = harness.machine()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    facts, pages = {}, None
    if not args.skip_pages:
        facts, pages = pages_run(args)
    live, setup = None, "skipped (--skip-live)"
    if not args.skip_live:
        live, setup = live_run(args)
    text = section(facts, pages, live, setup, args, info, time.perf_counter() - started)
    print(text)
    results_write(args.output, text)
    log(f"written to {args.output} in {time.perf_counter() - started:.0f} s")
    failed = (pages and (pages["problems"] or pages["sends"]["problems"])) or (
        live and (live["problems"] or live["live"] < live["members"])
    )
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; Daphne stopped")
        sys.exit(130)
