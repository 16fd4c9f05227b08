"""PostgreSQL's ingest path: one INSERT … FROM unnest(arrays) … RETURNING a batch."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.sales.models import SaleEvent
from marketplace.sales.services import sale_events_ingest
from tests.factories import ProductFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's insert path only"
    ),
]

MOMENT = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def _rows(count, prefix="PG-"):
    return [
        {
            "id": f"{prefix}{n}",
            "type": "sale",
            "sku": "PG-1",
            "quantity": 1,
            "amount_cents": 1999,
            "channel": "online",
            "occurred_at": "2026-10-10T10:00:00+02:00",
        }
        for n in range(count)
    ]


def test_a_batch_goes_in_with_one_insert_that_returns_the_new_ids():
    # given a product and a batch of which 10 events are recorded already
    ProductFactory(sku="PG-1")
    sale_events_ingest(client=None, rows=_rows(10))
    # when the whole batch of 1,000 is ingested
    with CaptureQueriesContext(connection) as queries:
        result = sale_events_ingest(client=None, rows=_rows(1000))
    # then one INSERT recorded the 990 new ones, and no query looked them up by the
    # batch's mark (a listener may read them by the sender's ids RETURNING gave)
    into = f"INSERT INTO {SaleEvent._meta.db_table}"
    inserts = [q for q in queries if q["sql"].startswith(into)]
    assert len(inserts) == 1
    assert "RETURNING" in inserts[0]["sql"]
    wheres = [q["sql"].partition("WHERE")[2] for q in queries if q not in inserts]
    assert not any("ingest_batch" in where for where in wheres)
    assert (result.created, result.duplicates) == (990, 10)
    assert SaleEvent.objects.count() == 1000


def test_received_at_and_the_batch_mark_are_set_as_the_orm_would():
    # given a product, and Django's clock at a known moment
    ProductFactory(sku="PG-1")
    with time_machine.travel(MOMENT, tick=False):
        # when two events are ingested
        sale_events_ingest(client=None, rows=_rows(2, prefix="CLOCK-"))
    # then they carry Django's time (not the database's) and one batch mark
    events = SaleEvent.objects.filter(external_id__startswith="CLOCK-")
    assert {event.received_at for event in events} == {MOMENT}
    marks = {event.ingest_batch for event in events}
    assert len(marks) == 1 and None not in marks
    assert {event.net_cents for event in events} == {1999}
