"""A refund names its sale, fits in it and carries its SKU, and counts in net revenue
only once that sale is recorded, in whatever order the two arrive."""

import random

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.sales.models import SaleEvent
from marketplace.sales.selectors import counted_at, refunds_orphaned
from marketplace.sales.services import sale_events_ingest
from tests.factories import ProductFactory


def event(event_id, **changes):
    row = {
        "id": event_id,
        "type": "sale",
        "sku": "SEC-100",
        "quantity": 2,
        "amount_cents": 1000,
        "store": "lyon-part-dieu",
        "channel": "store",
        "occurred_at": "2026-10-01T14:30:00+02:00",
    }
    row.update(changes)
    return row


def refund(event_id, sale_id, **changes):
    return event(
        event_id, type="refund", refund_of=sale_id, **{"quantity": 1, **changes}
    )


def net_now() -> int:
    """Net revenue as the rewards close would count it now."""
    total = SaleEvent.objects.filter(counted_at(timezone.now())).aggregate(
        net=Sum("net_cents")
    )["net"]
    return int(total or 0)


def recorded() -> set[str]:
    return set(SaleEvent.objects.values_list("external_id", flat=True))


def errors_of(response) -> dict[int, dict]:
    return {error["index"]: error["errors"] for error in response.json()["errors"]}


def test_a_refund_larger_than_its_sale_is_a_row_error(post, product, store):
    # given a sale of €10.00 for 2 units
    post("/sales/bulk", {"events": [event("T1")]})
    # when a €5,000.00 refund of it arrives, next to a good row
    response = post(
        "/sales/bulk",
        {
            "events": [
                refund("R-BIG", "T1", amount_cents=500_000),
                event("T2"),
            ]
        },
    )
    # then the refund is refused with the totals, the good row is kept
    assert errors_of(response) == {
        0: {
            "amount_cents": "Refunds of T1 would total 500000 cents, more than the "
            "1000 sold."
        }
    }
    assert recorded() == {"T1", "T2"}
    assert net_now() == 2000


def test_three_full_refunds_of_one_sale_are_one_too_many(post, product, store):
    # given a sale of 2 units, refunded unit by unit, then once more
    post("/sales/bulk", {"events": [event("T1")]})
    response = post(
        "/sales/bulk",
        {
            "events": [
                refund("R1", "T1", amount_cents=500),
                refund("R2", "T1", amount_cents=500),
                refund("R3", "T1", amount_cents=500),
            ]
        },
    )
    # then the third finds nothing left to refund
    assert response.json()["created"] == 2
    assert errors_of(response) == {
        2: {"quantity": "Refunds of T1 would total 3 units, more than the 2 sold."}
    }
    assert net_now() == 0


def test_a_refund_carries_its_sales_sku(post, product, store):
    ProductFactory(sku="PEL-1")
    post("/sales/bulk", {"events": [event("T1")]})
    response = post("/sales/bulk", {"events": [refund("R1", "T1", sku="PEL-1")]})
    assert errors_of(response) == {
        0: {"sku": "Sale T1 is of SKU SEC-100; a refund carries its sale's SKU."}
    }
    assert recorded() == {"T1"}


def test_a_refund_of_a_refund_is_a_row_error(post, product, store):
    post("/sales/bulk", {"events": [event("T1"), refund("R1", "T1")]})
    response = post("/sales/bulk", {"events": [refund("R2", "R1")]})
    assert errors_of(response) == {0: {"refund_of": "R1 is a refund, not a sale."}}


def test_an_id_that_refunds_name_as_their_sale_cannot_come_as_a_refund(
    post, product, store
):
    post("/sales/bulk", {"events": [event("T0"), refund("R1", "T1")]})
    response = post("/sales/bulk", {"events": [refund("T1", "T0")]})
    assert errors_of(response) == {
        0: {
            "type": "Refunds recorded (R1) name T1 as their sale: it cannot be "
            "a refund."
        }
    }


def test_a_refund_before_its_sale_is_kept_and_counts_once_the_sale_arrives(
    post, product, store
):
    # given a refund whose sale has not arrived
    response = post("/sales/bulk", {"events": [refund("R1", "T1", amount_cents=400)]})
    # then it is recorded, waits for its sale and counts in no net revenue
    assert response.json()["created"] == 1
    assert [r.external_id for r in refunds_orphaned()] == ["R1"]
    assert net_now() == 0
    # when the sale arrives
    post("/sales/bulk", {"events": [event("T1")]})
    # then both count
    assert list(refunds_orphaned()) == []
    assert net_now() == 600


def test_a_sale_arriving_after_refunds_that_do_not_fit_is_refused(post, product, store):
    # given two refunds of a sale not yet sent, for more than it will be
    post(
        "/sales/bulk",
        {"events": [refund("R1", "T1", amount_cents=600), refund("R2", "T1")]},
    )
    # when the sale arrives for €10.00
    response = post("/sales/bulk", {"events": [event("T1")]})
    # then the sale is refused, naming the refunds, and they keep waiting
    assert errors_of(response) == {
        0: {
            "amount_cents": "Refunds recorded for this sale (R1, R2) total 1600 "
            "cents, more than its 1000."
        }
    }
    assert {r.external_id for r in refunds_orphaned()} == {"R1", "R2"}
    assert net_now() == 0


def test_a_sale_and_its_refund_in_one_batch_are_checked_in_any_row_order(
    post, product, store
):
    response = post(
        "/sales/bulk",
        {
            "events": [
                refund("R1", "T1", amount_cents=300),
                refund("R2", "T1", amount_cents=900),
                event("T1"),
            ]
        },
    )
    # the sale is taken first: the refund that no longer fits is the one refused
    assert response.json()["created"] == 2
    assert errors_of(response) == {
        1: {
            "amount_cents": "Refunds of T1 would total 1200 cents, more than the "
            "1000 sold."
        }
    }
    assert net_now() == 700


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    sale=st.tuples(st.integers(1, 5), st.integers(1, 100_000)),
    parts=st.lists(st.tuples(st.integers(1, 5), st.integers(0, 100_000)), max_size=5),
    seed=st.integers(0, 10_000),
    batch_size=st.integers(1, 7),
)
def test_any_order_of_a_sale_and_its_refunds_gives_the_same_net(
    product, store, sale, parts, seed, batch_size
):
    # given a sale and refunds of it, some of which may not fit
    quantity, amount = sale
    rows = [event("T1", quantity=quantity, amount_cents=amount)] + [
        refund(f"R{n}", "T1", quantity=q, amount_cents=a)
        for n, (q, a) in enumerate(parts)
    ]
    all_fit = (
        sum(q for q, _ in parts) <= quantity and sum(a for _, a in parts) <= amount
    )
    # when they arrive in any order, split in batches of any size, some replayed
    random.Random(seed).shuffle(rows)
    rows += rows[: len(rows) // 3]
    with transaction.atomic():
        for start in range(0, len(rows), batch_size):
            sale_events_ingest(client=None, rows=rows[start : start + batch_size])
        # then the refunds recorded for the sale never exceed it, and with no sale
        # recorded, nothing counts
        events = SaleEvent.objects.order_by()
        sold = events.filter(kind="sale").values("quantity", "amount_cents").first()
        refunded = events.filter(kind="refund").aggregate(
            q=Sum("quantity"), a=Sum("amount_cents")
        )
        if sold is None:
            assert net_now() == 0
        else:
            assert (refunded["q"] or 0) <= sold["quantity"]
            assert (refunded["a"] or 0) <= sold["amount_cents"]
        # and when all the refunds fit, the net is the same whatever the order
        if all_fit:
            assert net_now() == amount - sum(a for _, a in parts)
        transaction.set_rollback(True)
