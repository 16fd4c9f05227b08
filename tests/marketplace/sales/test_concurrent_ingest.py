import threading

import pytest
from django.db import connection, connections

from marketplace.sales.models import SaleEvent
from marketplace.sales.services import sale_events_ingest
from tests.factories import ProductFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time; the race exists on PostgreSQL only",
)


@pytest.mark.django_db(transaction=True)
def test_identical_batches_at_once_record_each_event_once():
    # given one batch, with overlapping ids in different orders, sent by 4 callers
    ProductFactory(sku="SEC-100")
    rows = [
        {
            "id": f"T{i}",
            "type": "sale",
            "sku": "SEC-100",
            "quantity": 1,
            "amount_cents": 100 + i,
            "channel": "online",
            "occurred_at": "2025-03-01T10:00:00Z",
        }
        for i in range(300)
    ]
    batches = [rows, rows[::-1], rows[100:] + rows[:100], rows]
    barrier = threading.Barrier(len(batches))
    results, failures = [], []

    def send(batch):
        try:
            barrier.wait()
            results.append(sale_events_ingest(client=None, rows=batch))
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(b,)) for b in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then nobody failed, each event is stored once and the counts add up
    assert failures == []
    assert SaleEvent.objects.count() == 300
    assert sum(r.created for r in results) == 300
    assert sum(r.duplicates for r in results) == 300 * (len(batches) - 1)
