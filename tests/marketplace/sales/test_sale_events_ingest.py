import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.sales.models import SaleEvent, SaleEventImmutable
from marketplace.sales.services import (
    sale_events_forget_customer,
    sale_events_ingest,
)
from tests.factories import MemberFactory, ProductFactory


def event(event_id, **changes):
    row = {
        "id": event_id,
        "type": "sale",
        "sku": "SEC-100",
        "quantity": 1,
        "amount_cents": 1999,
        "store": "lyon-part-dieu",
        "channel": "store",
        "customer_ref": None,
        "occurred_at": "2025-03-01T14:30:00+01:00",
    }
    row.update(changes)
    return row


def refund(event_id, sale_id, **changes):
    return event(event_id, type="refund", refund_of=sale_id, **changes)


def stored():
    return set(
        SaleEvent.objects.values_list(
            "external_id", "kind", "net_cents", "quantity", "refund_of"
        )
    )


def test_a_replayed_batch_is_all_duplicates(post, product, store):
    batch = {"events": [event("T1"), event("T2"), refund("R1", "T1")]}
    first = post("/sales/bulk", batch)
    assert first.json() == {
        "created": 3,
        "updated": 0,
        "duplicates": 0,
        "errors": [],
        "conflicts": [],
    }
    before = stored()
    second = post("/sales/bulk", batch)
    assert second.json() == {
        "created": 0,
        "updated": 0,
        "duplicates": 3,
        "errors": [],
        "conflicts": [],
    }
    assert stored() == before


def test_duplicates_within_one_batch_are_recorded_once(post, product, store):
    response = post(
        "/sales/bulk", {"events": [event("T1"), event("T1"), event("T2"), event("T1")]}
    )
    assert response.json()["created"] == 2
    assert response.json()["duplicates"] == 2
    assert SaleEvent.objects.count() == 2


def test_a_refund_is_stored_negative_and_may_arrive_before_its_sale(
    post, product, store
):
    # given a refund sent before the sale it refunds
    post("/sales/bulk", {"events": [refund("R1", "T1", amount_cents=500)]})
    post("/sales/bulk", {"events": [event("T1", amount_cents=1999)]})
    # then both are kept and net revenue is a plain sum
    assert stored() == {
        ("R1", "refund", -500, 1, "T1"),
        ("T1", "sale", 1999, 1, ""),
    }
    assert sum(SaleEvent.objects.values_list("net_cents", flat=True)) == 1499


def test_shuffled_batches_give_the_same_stored_set(post, product, store):
    events = [event(f"T{i}") for i in range(10)] + [
        refund(f"R{i}", f"T{i}") for i in range(5)
    ]
    # (each world is rolled back: PostgreSQL refuses to delete sale events)
    with transaction.atomic():
        post("/sales/bulk", {"events": events})
        in_order = stored()
        transaction.set_rollback(True)
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    post("/sales/bulk", {"events": shuffled[:8]})
    post("/sales/bulk", {"events": shuffled[5:]})
    assert stored() == in_order


def test_mixed_batch_reports_each_bad_row_and_keeps_the_good(post, product, store):
    rows = [
        event("OK-1"),
        event("F1", amount_cents=12.5),
        event("F2", amount_cents="1299"),
        event("F3", amount_cents=12.0),
        event("U1", sku="NOPE"),
        {k: v for k, v in event("x").items() if k != "id"},
        event("D1", occurred_at="yesterday"),
        event("Y1", type="exchange"),
        event("RF", type="refund"),
        event("Q0", quantity=0),
        event("S1", store="atlantis"),
        event("OK-2", store=None, channel="online"),
    ]
    response = post("/sales/bulk", {"events": rows})
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 2
    errors = {e["index"]: e for e in body["errors"]}
    assert {i: list(e["errors"]) for i, e in errors.items()} == {
        1: ["amount_cents"],
        2: ["amount_cents"],
        3: ["amount_cents"],
        4: ["sku"],
        5: ["id"],
        6: ["occurred_at"],
        7: ["type"],
        8: ["refund_of"],
        9: ["quantity"],
        10: ["store"],
    }
    assert errors[1]["id"] == "F1"
    assert "id" not in errors[5]
    assert errors[4]["errors"]["sku"] == "Unknown SKU."
    assert set(SaleEvent.objects.values_list("external_id", flat=True)) == {
        "OK-1",
        "OK-2",
    }


def test_offsets_are_kept_and_a_time_without_one_is_a_row_error(post, product, store):
    # given the same instant written with two offsets, and once without any
    response = post(
        "/sales/bulk",
        {
            "events": [
                event("N", occurred_at="2025-03-01T12:00:00"),
                event("Z", occurred_at="2025-03-01T12:00:00Z"),
                event("P", occurred_at="2025-03-01T13:00:00+01:00"),
            ]
        },
    )
    # then the two with an offset are the same moment, the other is refused
    body = response.json()
    assert body["created"] == 2
    assert body["errors"] == [
        {
            "index": 0,
            "id": "N",
            "errors": {
                "occurred_at": "Must give its offset from UTC, e.g. "
                "2025-03-01T14:30:00+01:00 or 2025-03-01T13:30:00Z."
            },
        }
    ]
    moments = set(SaleEvent.objects.values_list("occurred_at", flat=True))
    assert len(moments) == 1


def test_customer_ref_links_members_by_card_or_email(post, product, store):
    card_holder = MemberFactory(loyalty_card_number="CARD-0042")
    emailer = MemberFactory(email="Claire.Martin@example.fr")
    post(
        "/sales/bulk",
        {
            "events": [
                event("C", customer_ref="CARD-0042"),
                event("E", customer_ref="claire.martin@EXAMPLE.fr"),
                event("X", customer_ref="stranger@example.fr"),
                event("N", customer_ref=None),
            ]
        },
    )
    members = dict(SaleEvent.objects.values_list("external_id", "member"))
    assert members == {"C": card_holder.pk, "E": emailer.pk, "X": None, "N": None}


def test_integer_ids_are_accepted_and_stored_as_text(post, product, store):
    response = post("/sales/bulk", {"events": [event(123), event("123")]})
    assert response.json()["created"] == 1
    assert response.json()["duplicates"] == 1


def test_events_cannot_be_changed_or_deleted(post, product, store):
    post("/sales/bulk", {"events": [event("T1")]})
    sale = SaleEvent.objects.get()
    sale.amount_cents = 1
    with pytest.raises(SaleEventImmutable):
        sale.save()
    with pytest.raises(SaleEventImmutable):
        sale.delete()
    with pytest.raises(SaleEventImmutable):
        SaleEvent.objects.filter(pk=sale.pk).update(amount_cents=1)
    with pytest.raises(SaleEventImmutable):
        SaleEvent.objects.all().delete()
    with pytest.raises(SaleEventImmutable):
        SaleEvent.objects.bulk_update([sale], ["amount_cents"])
    assert SaleEvent.objects.get().amount_cents == 1999


def test_the_sender_is_recorded(post, product, store):
    post("/sales/bulk", {"events": [event("T1")]})
    assert SaleEvent.objects.get().client.name.startswith("client-")


def test_query_count_is_the_same_at_100_and_1000_events(post, store):
    # given a catalog and members to match
    for i in range(20):
        ProductFactory(sku=f"SKU-{i}")
        MemberFactory(loyalty_card_number=f"CARD-{i}")

    def batch(prefix, size):
        # every tenth event refunds the one before it, of the same SKU
        return [
            event(
                f"{prefix}{i}",
                sku=f"SKU-{(i - i % 10 // 9) % 20}",
                customer_ref=f"CARD-{i % 30}",
                **(
                    {"type": "refund", "refund_of": f"{prefix}{i - 1}"}
                    if i % 10 == 9
                    else {}
                ),
            )
            for i in range(size)
        ]

    # (the first call of a token also records its use date)
    post("/sales/bulk", {"events": []})
    # when batches of 100 and of 1,000 events are pushed
    counts = {}
    for size in (100, 1000):
        with CaptureQueriesContext(connection) as queries:
            response = post("/sales/bulk", {"events": batch(f"B{size}-", size)})
        assert response.json()["created"] == size
        counts[size] = len(queries)
    # then both take the same handful of queries: auth, products, stores,
    # members, the sale-id locks (PostgreSQL), what is recorded under the batch's
    # ids, the insert and the read of what was new
    assert counts[100] == counts[1000]
    assert counts[1000] <= 11


ids = st.sampled_from([f"T{i}" for i in range(8)])


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    chosen=st.lists(ids, min_size=1, max_size=20),
    seed=st.integers(0, 10_000),
    cut=st.integers(0, 20),
)
def test_any_order_with_duplicates_gives_the_same_stored_set(
    product, store, chosen, seed, cut
):
    # given events where each id always means the same event, refunds for odd ids
    def make(event_id):
        n = int(event_id[1:])
        if n % 2:
            return refund(event_id, f"T{n - 1}", amount_cents=100 * n)
        return event(event_id, amount_cents=1000 + n)

    rows = [make(i) for i in chosen]
    expected_ids = set(chosen)
    # when they arrive shuffled, repeated, split across two batches
    random.Random(seed).shuffle(rows)
    replayed = rows[: cut // 2]
    # (each example is rolled back: PostgreSQL refuses to delete sale events)
    with transaction.atomic():
        first = sale_events_ingest(client=None, rows=rows[:cut])
        second = sale_events_ingest(client=None, rows=rows[cut:] + replayed)
        # then each id is stored once, and the counts add up
        assert set(SaleEvent.objects.values_list("external_id", flat=True)) == (
            expected_ids
        )
        assert first.created + second.created == len(expected_ids)
        assert first.created + first.duplicates + second.created + (
            second.duplicates
        ) == len(rows) + len(replayed)
        assert sum(SaleEvent.objects.values_list("net_cents", flat=True)) == sum(
            (-100 * int(i[1:])) if int(i[1:]) % 2 else 1000 + int(i[1:])
            for i in expected_ids
        )
        transaction.set_rollback(True)


def test_forgetting_a_customer_blanks_only_who_bought(post, product, store):
    # given sales linked to a member by card and by e-mail, and a stranger's sale
    member = MemberFactory(email="lea@example.fr", loyalty_card_number="CARD-7")
    post(
        "/sales/bulk",
        {
            "events": [
                event("A", customer_ref="CARD-7"),
                event("B", customer_ref="LEA@example.fr"),
                event("C", customer_ref="other@example.fr"),
            ]
        },
    )
    # when the member asks to be forgotten
    touched = sale_events_forget_customer(member=member)
    # then their sales no longer say who bought, and nothing else changed
    assert touched == 2
    rows = dict(SaleEvent.objects.values_list("external_id", "customer_ref"))
    assert rows == {"A": "", "B": "", "C": "other@example.fr"}
    assert not SaleEvent.objects.filter(member=member).exists()
    assert sum(SaleEvent.objects.values_list("net_cents", flat=True)) == 3 * 1999
