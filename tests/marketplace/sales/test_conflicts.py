"""An id sent again with other content is a conflict: answered per row, recorded
nowhere but in the list the retailer reads in the admin."""

import pytest
from django.urls import reverse

from marketplace.sales.models import SaleEvent, SaleEventConflict
from marketplace.sales.services import sale_events_forget_customer
from tests.factories import MemberFactory


def event(event_id, **changes):
    row = {
        "id": event_id,
        "type": "sale",
        "sku": "SEC-100",
        "quantity": 1,
        "amount_cents": 1999,
        "store": "lyon-part-dieu",
        "channel": "store",
        "occurred_at": "2026-10-01T14:30:00+02:00",
    }
    row.update(changes)
    return row


def test_a_resent_id_with_other_content_is_a_conflict_and_records_nothing(
    post, product, store
):
    # given a recorded sale
    post("/sales/bulk", {"events": [event("T1")]})
    # when its id comes again with another amount and time, next to a new sale
    response = post(
        "/sales/bulk",
        {
            "events": [
                event("T2"),
                event("T1", amount_cents=2999, occurred_at="2026-10-01T15:30:00+02:00"),
            ]
        },
    )
    # then the answer lists the conflict with the fields that differ
    assert response.json() == {
        "created": 1,
        "updated": 0,
        "duplicates": 0,
        "errors": [],
        "conflicts": [
            {"index": 1, "id": "T1", "fields": ["amount_cents", "occurred_at"]}
        ],
    }
    # and the recorded sale is untouched
    assert SaleEvent.objects.get(external_id="T1").amount_cents == 1999
    conflict = SaleEventConflict.objects.get()
    assert conflict.recorded == {
        "amount_cents": 1999,
        "occurred_at": "2026-10-01T12:30:00+00:00",
    }
    assert conflict.sent == {
        "amount_cents": 2999,
        "occurred_at": "2026-10-01T13:30:00+00:00",
    }


def test_the_same_conflict_resent_is_kept_once(post, product, store):
    post("/sales/bulk", {"events": [event("T1")]})
    for _ in range(3):
        response = post("/sales/bulk", {"events": [event("T1", quantity=2)]})
        assert response.json()["conflicts"] == [
            {"index": 0, "id": "T1", "fields": ["quantity"]}
        ]
    post("/sales/bulk", {"events": [event("T1", quantity=3)]})
    assert sorted(c.sent["quantity"] for c in SaleEventConflict.objects.all()) == [
        2,
        3,
    ]


def test_a_repeat_within_one_batch_is_compared_with_its_first_copy(
    post, product, store
):
    response = post(
        "/sales/bulk",
        {"events": [event("T1"), event("T1"), event("T1", channel="online")]},
    )
    body = response.json()
    assert (body["created"], body["duplicates"]) == (1, 1)
    assert body["conflicts"] == [{"index": 2, "id": "T1", "fields": ["channel"]}]
    assert SaleEvent.objects.get().channel == "store"


def test_a_forgotten_customer_resent_with_their_reference_is_no_conflict(
    post, product, store
):
    # given a sale linked to a member who then asked to be forgotten
    member = MemberFactory(loyalty_card_number="CARD-9")
    post("/sales/bulk", {"events": [event("T1", customer_ref="CARD-9")]})
    sale_events_forget_customer(member=member)
    # when the till replays the sale with the card number it still has
    response = post("/sales/bulk", {"events": [event("T1", customer_ref="CARD-9")]})
    # then it is a plain duplicate, and the member stays forgotten
    assert response.json()["duplicates"] == 1
    assert response.json()["conflicts"] == []
    assert SaleEvent.objects.get().customer_ref == ""


def test_a_refund_resent_for_another_sale_is_a_conflict(post, product, store):
    post(
        "/sales/bulk",
        {
            "events": [
                event("T1"),
                event("T2"),
                event("R1", type="refund", refund_of="T1"),
            ]
        },
    )
    response = post(
        "/sales/bulk", {"events": [event("R1", type="refund", refund_of="T2")]}
    )
    assert response.json()["conflicts"] == [
        {"index": 0, "id": "R1", "fields": ["refund_of"]}
    ]


@pytest.fixture
def staff_client(client, db):
    admin = MemberFactory(email="admin@comptoir.example", is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def test_conflicts_are_listed_for_the_retailer_in_the_admin(
    staff_client, post, product, store
):
    # given a conflicting resend
    post("/sales/bulk", {"events": [event("TK-0042")]})
    post("/sales/bulk", {"events": [event("TK-0042", amount_cents=1)]})
    conflict = SaleEventConflict.objects.get()

    def url(name, *args):
        name = f"wagtailsnippets_sales_saleeventconflict:{name}"
        return reverse(name, args=args)

    # then staff see it listed with the fields that differ, and both values
    listing = staff_client.get(url("list")).content.decode()
    assert "TK-0042" in listing and "amount_cents" in listing
    inspect = staff_client.get(url("inspect", conflict.pk))
    assert inspect.status_code == 200
    assert "1999" in inspect.content.decode()
    # and nobody edits or deletes what a sender said
    assert staff_client.get(url("edit", conflict.pk)).status_code in (302, 403)
    staff_client.post(url("delete", conflict.pk))
    assert SaleEventConflict.objects.filter(pk=conflict.pk).exists()
