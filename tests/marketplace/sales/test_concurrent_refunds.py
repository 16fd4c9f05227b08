"""Refunds of one sale sent at once by two callers never together exceed it, and a
sale and a refund of it sent at once are checked against each other: on SQLite
(one writer at a time) and on PostgreSQL (a lock per sale id)."""

from django.db.models import Sum

from marketplace.sales.models import SaleEvent
from marketplace.sales.services import sale_events_ingest
from tests.factories import ProductFactory


def event(event_id, **changes):
    row = {
        "id": event_id,
        "type": "sale",
        "sku": "SEC-100",
        "quantity": 1,
        "amount_cents": 1000,
        "channel": "online",
        "occurred_at": "2026-10-01T10:00:00Z",
    }
    row.update(changes)
    return row


def refund(event_id, sale_id, amount_cents):
    return event(event_id, type="refund", refund_of=sale_id, amount_cents=amount_cents)


def refunded(sale_id) -> int:
    total = SaleEvent.objects.filter(refund_of=sale_id).aggregate(
        a=Sum("amount_cents")
    )["a"]
    return int(total or 0)


def test_two_batches_refunding_one_sale_at_once_never_exceed_it(threads_db):
    # given recorded sales of €10.00, and other events to make the batches long
    ProductFactory(sku="SEC-100")
    sale_events_ingest(
        client=None, rows=[event(f"T{n}") for n in range(5)] + [event("S")]
    )

    def send(prefix):
        # each caller refunds €7.00 of each sale: only one of them can be right
        rows = [refund(f"{prefix}-{n}", f"T{n}", 700) for n in range(5)]
        rows += [event(f"{prefix}-sale-{n}") for n in range(50)]
        rows.append(refund(f"{prefix}-S", "S", 700))
        return sale_events_ingest(client=None, rows=rows)

    # when two callers send their batches at the same moment
    results, failures = threads_db([lambda: send("A"), lambda: send("B")])
    # then neither failed, and each sale was refunded once, the other refused
    assert failures == []
    assert sum(len(result.errors) for result in results) == 6
    totals = threads_db.read(lambda: [refunded(f"T{n}") for n in range(5)])
    assert totals == [700] * 5
    assert threads_db.read(lambda: refunded("S")) == 700


def test_a_sale_and_a_refund_of_it_at_once_are_checked_together(threads_db):
    # given nothing recorded of the sales yet
    ProductFactory(sku="SEC-100")
    ids = [f"T{n}" for n in range(20)]

    def sales():
        return sale_events_ingest(client=None, rows=[event(i) for i in ids])

    def refunds():
        # refunds larger than the sales they name, sent as the sales arrive
        return sale_events_ingest(
            client=None, rows=[refund(f"R-{i}", i, 1500) for i in ids]
        )

    # when both batches are sent at once
    results, failures = threads_db([sales, refunds])
    assert failures == []

    # then for each sale, either it or its refund was refused: never both kept
    def kept():
        return set(SaleEvent.objects.values_list("external_id", flat=True))

    recorded = threads_db.read(kept)
    for i in ids:
        assert not ({i, f"R-{i}"} <= recorded), i
    assert sum(len(r.errors) for r in results) == len(ids)
