import datetime as dt
import itertools
import shutil
import sqlite3
import tempfile
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError, connection, connections
from django.utils import timezone

from community.moderation.models import ModerationStatus
from community.reviews.models import Review
from marketplace.sales.services import sale_events_ingest
from rewards.services import programme_join
from tests.factories import MemberFactory, ProductFactory

_numbers = itertools.count(1)


def at(year, month, day=15, hour=12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def sale_row(sku, amount, when, *, kind="sale", refund_of="", event_id=None) -> dict:
    row = {
        "id": event_id or f"EV-{next(_numbers):07d}",
        "type": kind,
        "sku": sku,
        "quantity": 1,
        "amount_cents": amount,
        "channel": "online",
        "occurred_at": when.isoformat(),
    }
    if kind == "refund":
        # a refund of no recorded sale waits for it and counts in no net revenue
        row["refund_of"] = refund_of or "EV-unknown"
    return row


def ingest(rows):
    result = sale_events_ingest(client=None, rows=rows)
    assert not result.errors, result.errors
    return result


def review_publish(product, author, *, quality, published=None, verified=True):
    return Review.objects.create(
        product=product,
        author=author,
        rating=4,
        title="Solide",
        body="Très bien.",
        status=ModerationStatus.PUBLISHED,
        published_at=published or at(2026, 1, 10),
        verified_purchase=verified,
        quality_score=quality,
    )


def member_joined(**kwargs):
    member = MemberFactory(**kwargs)
    membership = programme_join(member=member, accept_terms=True)
    membership.opted_in_at = at(2026, 1, 1)
    membership.save(update_fields=["opted_in_at"])
    return member


@pytest.fixture
def product():
    return ProductFactory(name="Self-watering planter", sku="PLANTER-1")


@pytest.fixture
def manager(db):
    user = MemberFactory(email="manager@example.com", display_name="Manager")
    user.groups.add(Group.objects.get(name="Rewards managers"))
    return user


def _retried_while_sqlite_busy(function, attempts=3):
    """Run `function`, again if SQLite's busy timeout ran out ("database is locked").

    Twenty writers queue on one file; on a loaded CI machine the last one can wait
    past the 20 s timeout, and a real client would then try again. The transaction
    that gave up was rolled back, so trying again cannot pay twice. PostgreSQL errors
    (deadlocks included) are never retried.
    """
    for attempt in range(attempts):
        try:
            return function()
        except OperationalError as error:
            if "database is locked" not in str(error) or attempt == attempts - 1:
                raise
            connections.close_all()
    return None


@pytest.fixture
def threads_db(transactional_db):
    """Run functions in real threads, each with its own database connection.

    PostgreSQL: the test database as is. SQLite: the in-memory test database uses a
    shared cache, whose table locks fail at once instead of waiting; the threads get
    a file copy of it instead (WAL, busy timeout, immediate transactions as
    configured), exactly like the site's own database file.
    """
    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    workdir = None
    if connection.vendor == "sqlite":
        workdir = Path(tempfile.mkdtemp(prefix="rewards-threads-"))
        path = workdir / "db.sqlite3"

    def run(functions):
        if workdir is not None:
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
            settings_dict["NAME"] = str(path)
        results, failures = [None] * len(functions), []
        barrier = threading.Barrier(len(functions))

        def work(index, function):
            try:
                barrier.wait()
                results[index] = _retried_while_sqlite_busy(function)
            except Exception as exc:  # noqa: BLE001 - reported to the test
                failures.append(exc)
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=work, args=(i, f)) for i, f in enumerate(functions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results, failures

    def read(function):
        """Run `function` on the database the threads wrote to."""
        box = []
        thread = threading.Thread(
            target=lambda: (box.append(function()), connections.close_all())
        )
        thread.start()
        thread.join()
        return box[0]

    run.read = read
    yield run
    settings_dict["NAME"] = original_name
    if workdir is not None:
        shutil.rmtree(workdir, ignore_errors=True)
