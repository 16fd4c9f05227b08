"""Reservations benchmark: a reservation seen live by 200 product pages, and the
store desk with 20 against 2,000 open reservations.

    make bench                                    # runs this among the others
    .venv/bin/python bench/reservations.py [--sockets 200] [--reservations 3]
                                           [--requests 200] [--output PATH]

One Daphne process (bench/sockets.py's, with `make serve`'s handshake limit and
settings_bench: the X-Bench-Queries header counts each request's queries) serves
a database of its own: with DATABASE_URL on PostgreSQL (`comptoir_bench_reservations`
on the same server, created and migrated when missing), otherwise a SQLite file
under bench/data/; with REDIS_URL on the Redis channel layer, otherwise the
in-memory one. The output says which. Each run reseeds its rows (the seed below):

(a) Live stock. N websockets (default 200) watch one product's stock route, as
    that many open product pages; a member then reserves one unit through the
    site's own form (`GET` then `POST /reservations/new/?product=…&store=…`,
    with their session and CSRF token), once untimed to warm the code up, then
    `--reservations` times. Per reservation: how many sockets got the new free
    quantity exactly once, and the time from the POST to each socket's message,
    p50 / p95 / max. Goal: p95 ≤ 500 ms with Redis.
(b) The desk. A staff member's `/admin/desk/<store>/` for today, at a store with
    20 open reservations and at one with 2,000 (the same mix: a quarter ready,
    the rest confirmed for today and the coming week): queries per page, which
    must be equal, and the rate ratio from 4 keep-alive connections in
    alternating rounds (small then large, then large then small…), the median
    of the rounds' ratios.

Bounded: every wait and every round has a cap; the run takes under three minutes
on a shared 2-core machine. 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html.parser
import http.client
import json
import os
import re
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import ideas  # noqa: E402 - bench/ is a folder of scripts, not a package
import run as harness  # noqa: E402
import sockets  # noqa: E402

HOST = harness.HOST
# sockets.py's helpers read the database name from their module: this bench's own.
sockets.DATABASE = DATABASE = "comptoir_bench_reservations"
SQLITE = harness.DATA_DIR / "reservations.sqlite3"
SECTION_START = "<!-- reservations bench start -->"
SECTION_END = "<!-- reservations bench end -->"
DELIVERY_GOAL_MS = 500.0
DELIVERY_CAP_S = 15.0
ROUNDS = 10
ROUND_CAP_S = 6.0
DESK_SIZES = {"small": 20, "large": 2_000}
LIVE_STORE = "bench-resa-live"
LIVE_SKU = "BENCH-RESA-LIVE"
ON_HAND = 100_000

# The bench's rows, made again on each run (the rest of the database is left as
# it is). The live product is stocked at the live store only, whose name sorts
# first, so its line is the first of the stock message (sockets.Watcher reads
# that one). Desk reservations go in by bulk_create: it is set-up, not measured.
SEED = f"""
import datetime as dt, json
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from marketplace.catalog.models import Product, StockLevel, Store
from marketplace.catalog.selectors import product_stock_payload
from marketplace.reservations.models import (
    Reservation, ReservationsSettings, ReservationStatus)

User = get_user_model()
today = timezone.localdate()
now = timezone.now()

def store(code, name):
    store, _ = Store.objects.update_or_create(code=code, defaults=dict(
        name=name, city="Lyon", address="1 rue de la République",
        postcode="69001", opening_hours="Tous les jours 9h-19h",
        opening_days="1234567"))
    return store

def person(email, name, **extra):
    user, created = User.objects.get_or_create(email=email, defaults=dict(
        display_name=name, slug=email.split("@")[0].replace(".", "-"), **extra))
    EmailAddress.objects.get_or_create(user=user, email=email,
        defaults=dict(verified=True, primary=True))
    return user

def product(sku, name):
    product, _ = Product.objects.get_or_create(sku=sku, defaults=dict(
        name=name, slug=sku.lower(), description="Pour mesurer.",
        price_cents=1990, active=True))
    return product

def session(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value

live = store({LIVE_STORE!r}, "Aaa banc d'essai, en direct")
desks = {{size: store(f"bench-desk-{{n}}", f"Bureau du banc, {{n}} réservations")
         for size, n in {DESK_SIZES!r}.items()}}
rules = ReservationsSettings.load()
rules.max_open_per_member = 100
rules.save()

Reservation.objects.filter(store__code__startswith="bench-").delete()
watched = product({LIVE_SKU!r}, "Arrosoir du banc des réservations")
StockLevel.objects.update_or_create(product=watched, store=live,
    defaults=dict(quantity={ON_HAND}))
member = person("bench-reserve@exemple.fr", "Banc réservations")

staff = person("bench-desk@comptoir.example", "Banc du comptoir", is_staff=True)
staff.groups.add(Group.objects.get(name="Store staff"))
products = [product(f"BENCH-DESK-{{n:03d}}", f"Article du comptoir {{n:03d}}")
            for n in range(50)]
members = [person(f"bench-desk-{{n}}@exemple.fr", f"Client du banc {{n}}")
           for n in range(400)]
rows = []
for size, store_ in desks.items():
    store_.staff.add(staff)
    for item in products:
        StockLevel.objects.update_or_create(product=item, store=store_,
            defaults=dict(quantity=1000))
    for n in range({DESK_SIZES!r}[size]):
        rows.append(Reservation(
            member=members[n % len(members)], product=products[n % len(products)],
            store=store_, quantity=1 + n % 3, unit_price_cents=1990,
            pickup_day=today + dt.timedelta(days=n % 7),
            status=ReservationStatus.READY if n % 4 == 0
            else ReservationStatus.CONFIRMED,
            code=f"B{{size[0].upper()}}{{n:06d}}", request_key=f"bench-{{size}}-{{n}}",
            created_at=now - dt.timedelta(hours=n % 48),
            ready_at=now if n % 4 == 0 else None))
Reservation.objects.bulk_create(rows, batch_size=1000)
first = product_stock_payload(product_id=watched.pk)[0]
assert first["store"] == {LIVE_STORE!r}, first
print("SEED " + json.dumps(dict(
    product_id=watched.pk, free=first["quantity"], member=session(member),
    staff=session(staff), tomorrow=(today + dt.timedelta(days=1)).isoformat(),
    desks={{size: desk.code for size, desk in desks.items()}})))
"""


def log(message: str) -> None:
    print(f"[reservations] {message}", flush=True)


def child_env(setup: dict) -> dict[str, str]:
    """sockets.py's environment with the bench settings (queries counted, the
    full-page cache off) and this bench's channel prefix."""
    env = _sockets_child_env(setup)
    env.update(
        PYTHONPATH=f"site{os.pathsep}bench",
        DJANGO_SETTINGS_MODULE="settings_bench",
        PAGE_CACHE_ENABLED="false",
    )
    if setup.get("redis_url"):
        env["CACHE_KEY_PREFIX"] = env["CHANNELS_PREFIX"] = "comptoir-bench-resa"
    return env


_sockets_child_env = sockets.child_env


def prepare() -> dict:
    """The database and channel layer, migrated and seeded (sockets.py's way)."""
    setup: dict = {}
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        sockets.postgres_create(database_url)
        setup["database_url"] = sockets.bench_database_url(database_url)
        setup["database"] = f"PostgreSQL ({DATABASE})"
    else:
        harness.DATA_DIR.mkdir(parents=True, exist_ok=True)
        setup["sqlite"] = SQLITE
        setup["database"] = f"SQLite (bench/data/{SQLITE.name})"
    setup["redis_url"] = os.environ.get("REDIS_URL", "")
    setup["layer"] = "Redis" if setup["redis_url"] else "in-memory (no REDIS_URL)"
    with bench_env():
        sockets.manage(setup, "migrate", "--noinput")
        seeded = sockets.manage(setup, "shell", "-c", SEED)
    setup.update(json.loads(re.search(r"^SEED (.+)$", seeded, re.M)[1]))
    return setup


@contextlib.contextmanager
def bench_env():
    """sockets.py's manage() and Daphne, with this bench's environment."""
    sockets.child_env = child_env
    try:
        yield
    finally:
        sockets.child_env = _sockets_child_env


class DaphneServer(sockets.DaphneServer):
    def __enter__(self):
        with bench_env():
            return super().__enter__()


# --- (a) A reservation through the site's form, seen by every watching page --------


class _Form(html.parser.HTMLParser):
    """The fields of the page's form that has a `quantity` field."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"] if self.forms else {}
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                # The first choice, or the one already checked.
                if name not in fields or "checked" in attrs:
                    fields[name] = attrs.get("value", "on")
            elif kind != "submit":
                fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            if self._select not in fields or "selected" in attrs:
                fields[self._select] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def reserve_form(port: int, path: str, cookie: str) -> tuple[str, dict, str]:
    """(action, fields, csrf cookie) of the reservation form for this member."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}")
    parser = _Form()
    parser.feed(body)
    form = next((f for f in parser.forms if "quantity" in f["fields"]), None)
    if form is None:
        raise RuntimeError(f"GET {path}: no form with a quantity field")
    csrf = ""
    for header in response.msg.get_all("Set-Cookie") or []:
        match = re.match(r"csrftoken=([^;]+)", header)
        if match:
            csrf = match[1]
    return form["action"] or path, form["fields"], csrf


def reserve_post(port: int, path: str, setup: dict) -> tuple[int, float, float]:
    """Reserve one unit for tomorrow; (status, when the POST left, ms to answer)."""
    cookie = f"sessionid={setup['member']}"
    action, fields, csrf = reserve_form(port, path, cookie)
    fields.update(quantity="1")
    for name in ("pickup_day", "day"):
        if name in fields:
            fields[name] = setup["tomorrow"]
    if csrf:
        cookie += f"; csrftoken={csrf}"
    body = urllib.parse.urlencode(fields)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        sent = time.perf_counter()
        conn.request(
            "POST",
            urllib.parse.urljoin(path, action),
            body=body,
            headers={
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status, sent, (time.perf_counter() - sent) * 1000
    finally:
        conn.close()


async def measure_live(setup: dict, port: int, count: int, rounds: int) -> dict:
    url = f"ws://{HOST}:{port}/ws/products/{setup['product_id']}/stock/"
    origin = f"http://{HOST}:{port}"
    form = f"/reservations/new/?product={LIVE_SKU}&store={LIVE_STORE}"
    watchers = [sockets.Watcher() for _ in range(count)]
    started = time.perf_counter()
    tasks = [asyncio.ensure_future(w.run(url, origin, None)) for w in watchers]
    deadline = started + sockets.CONNECT_CAP_S
    while time.perf_counter() < deadline:
        if all(w.first_at is not None or w.error for w in watchers):
            break
        await asyncio.sleep(0.05)
    live = [w for w in watchers if w.first_at is not None]
    figures: dict = {
        "sockets": count,
        "live": len(live),
        "connect_errors": sum(1 for w in watchers if w.opened_at is None),
        "all_first_s": max((w.first_at for w in live), default=started) - started,
        "rounds": [],
        "problems": [],
    }
    free = setup["free"]
    await asyncio.sleep(1)  # the crowd settles before anything is timed
    for number in range(rounds + 1):  # the first one warms the code up, untimed
        status, sent, answered_ms = await asyncio.to_thread(
            reserve_post, port, form, setup
        )
        if status != 302:
            figures["problems"].append(f"reservation {number}: HTTP {status}")
            break
        free -= 1
        deadline = sent + DELIVERY_CAP_S
        while time.perf_counter() < deadline:
            if all(free in w.arrivals for w in live):
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)  # duplicates, if any, arrive too
        if number == 0:
            continue
        latencies = [
            (w.arrivals[free][0] - sent) * 1000 for w in live if free in w.arrivals
        ]
        figures["rounds"].append(
            {
                "answered_ms": answered_ms,
                "received": len(latencies),
                "once": sum(1 for w in live if len(w.arrivals.get(free, [])) == 1),
                "p50": statistics.median(latencies) if latencies else float("nan"),
                "p95": sockets.percentile(latencies, 0.95)
                if latencies
                else float("nan"),
                "max": max(latencies) if latencies else float("nan"),
            }
        )
    figures["errors"] = sorted({w.error for w in watchers if w.error})[:5]
    for w in watchers:
        if w.socket is not None:
            await w.socket.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return figures


# --- (b) The desk page at 20 and at 2,000 open reservations --------------------------


@contextlib.contextmanager
def logged_in(cookie: str):
    """run.py's load() and ideas.py's probe() open plain connections; within this
    block each of their requests carries the staff member's session."""

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


def measure_desk(setup: dict, port: int, requests: int) -> dict:
    figures: dict = {"problems": [], "pages": {}, "ratios": []}
    urls = {size: f"/admin/desk/{code}/" for size, code in setup["desks"].items()}
    with logged_in(f"sessionid={setup['staff']}"):
        for size, url in urls.items():
            # The page we mean: the desk of that store, not a login or error page.
            problem, queries = ideas.probe(port, url, setup["desks"][size])
            if problem:
                figures["problems"].append(f"{size}: {problem}")
            harness.load(port, url, requests=harness.WARMUP_REQUESTS, time_cap_s=10)
            figures["pages"][size] = {
                "queries": queries,
                "result": harness.LoadResult(url=url),
            }
        per_round = max(requests // ROUNDS, 1)
        for number in range(ROUNDS):
            order = ("small", "large") if number % 2 == 0 else ("large", "small")
            rates = {}
            for size in order:
                part = harness.load(
                    port, urls[size], requests=per_round, time_cap_s=ROUND_CAP_S
                )
                rates[size] = part.rps
                ideas._merge(figures["pages"][size]["result"], part)
            if rates["small"]:
                figures["ratios"].append(rates["large"] / rates["small"])
    figures["ratio"] = statistics.median(figures["ratios"]) if figures["ratios"] else 0
    for size, page in figures["pages"].items():
        result = page["result"]
        log(
            f"{size}: GET {result.url}: {result.rps:.1f} req/s, "
            f"{result.ok}/{result.sent} ok, {page['queries']} queries"
        )
        if result.bad:
            figures["problems"].append(
                f"{size}: {result.bad} of {result.sent} not 2xx ({result.statuses})"
            )
    return figures


# --- Report -------------------------------------------------------------------------


def section(live: dict, desk: dict, setup: dict, info: dict, took_s: float) -> str:
    n = live["sockets"]
    worst = max((r["p95"] for r in live["rounds"]), default=float("nan"))
    delivered = bool(live["rounds"]) and all(
        r["once"] == live["live"] == n for r in live["rounds"]
    )
    small, large = desk["pages"]["small"], desk["pages"]["large"]
    same_queries = small["queries"] is not None and small["queries"] == large["queries"]
    on_time = delivered and worst <= DELIVERY_GOAL_MS
    lines = [
        SECTION_START,
        f"## Reservations: a reservation seen by {n:,} product pages, the desk at "
        "20 and 2,000",
        "",
        "Written by `bench/reservations.py` (run by `make bench`): one Daphne process "
        f"(`daphne {' '.join(sockets.DAPHNE_FLAGS)}`, settings_bench) on "
        f"{setup['database']} with the {setup['layer']} channel layer. (a) {n:,} "
        "websockets on one product's stock route, then a member reserves one unit "
        "through the site's form (`POST /reservations/new/`), timed from the POST "
        "to each socket's new free quantity (one untimed reservation first). (b) A "
        "staff member's desk page for today at a store with 20 and one with 2,000 "
        "open reservations, 4 keep-alive connections, "
        f"{ROUNDS} alternating rounds; the ratio is the median of the rounds'.",
        "",
        "| figure | value | goal |",
        "| --- | ---: | --- |",
        f"| sockets open with their first stock message | {live['live']:,} of {n:,}"
        f" in {live['all_first_s']:.2f} s | all |",
    ]
    for i, r in enumerate(live["rounds"], 1):
        lines += [
            f"| reservation {i}: received / exactly once | {r['received']:,} / "
            f"{r['once']:,} | all / all |",
            f"| reservation {i}: latency p50 / p95 / max (ms) | {r['p50']:.0f} / "
            f"{r['p95']:.0f} / {r['max']:.0f} | p95 ≤ {DELIVERY_GOAL_MS:.0f} |",
            f"| reservation {i}: the form's answer (ms) | {r['answered_ms']:.0f} |  |",
        ]
    lines += [
        f"| desk queries, 20 / 2,000 open | {small['queries']} / "
        f"{large['queries']} | equal |",
        f"| desk req/s, 20 / 2,000 open | {small['result'].rps:.1f} / "
        f"{large['result'].rps:.1f} |  |",
        f"| desk rate 2,000 / 20 | {desk['ratio']:.2f} (rounds: "
        + ", ".join(f"{r:.2f}" for r in desk["ratios"])
        + ") |  |",
        f"| desk latency median / p95 (ms), 20 | "
        f"{statistics.median(small['result'].latencies_ms or [0]):.0f} / "
        f"{small['result'].percentile(95):.0f} |  |",
        f"| desk latency median / p95 (ms), 2,000 | "
        f"{statistics.median(large['result'].latencies_ms or [0]):.0f} / "
        f"{large['result'].percentile(95):.0f} |  |",
        "",
        f"Delivery goal {'met' if on_time else 'NOT met'}"
        f" (worst p95 {worst:.0f} ms, {setup['layer']}); desk query goal "
        f"{'met' if same_queries else 'NOT met'}, at a rate ratio of "
        f"{desk['ratio']:.2f}. Machine: {info['cpus']} CPUs, "
        f"shared with other work; Python {info['python']}, Daphne {info['daphne']}; "
        f"{info['date']}; load average {info['load']} at the start; run took "
        f"{took_s:.0f} s.",
    ]
    problems = live["problems"] + live["errors"] + desk["problems"]
    if problems:
        lines += ["", "Problems seen:", ""] + [f"- {p}" for p in problems]
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
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--reservations", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md")
    args = parser.parse_args(argv)
    if not 1 <= args.reservations <= 20 or args.requests < ROUNDS:
        parser.error(f"--reservations 1..20, --requests at least {ROUNDS}")
    started = time.perf_counter()
    info = harness.machine()
    sockets.raise_open_files(args.sockets * 2 + 1000)
    setup = prepare()
    log(f"Daphne on {setup['database']}, channel layer: {setup['layer']}")
    with DaphneServer(setup, harness.DATA_DIR / "daphne-reservations.log") as server:
        live = asyncio.run(
            measure_live(setup, server.port, args.sockets, args.reservations)
        )
        desk = measure_desk(setup, server.port, args.requests)
    text = section(live, desk, setup, info, time.perf_counter() - started)
    print(text)
    results_write(args.output, text)
    log(f"written to {args.output} in {time.perf_counter() - started:.0f} s")
    failed = live["problems"] or desk["problems"] or live["live"] < args.sockets
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; Daphne stopped")
        sys.exit(130)
