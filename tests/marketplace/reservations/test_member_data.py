"""Reservations in a member's data: exported in full, erased entirely (open ones
cancelled first, so their units are on sale again)."""

import pytest

from community.members.member_data import (
    member_data_erase,
    member_data_erase_summary,
    member_data_export,
)
from marketplace.reservations.models import Reservation, ReservationStatus
from marketplace.reservations.selectors import free_units, pickup_code_display
from marketplace.reservations.services import (
    reservation_collect,
    reservation_mark_ready,
)

from .conftest import make_reservation

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(member, other_member, product, store, other_store, staff, other_staff):
    """Camille: one confirmed (2 at Lyon), one ready and one collected (Nantes
    and Lyon). Dominique: one confirmed at Lyon."""
    confirmed = make_reservation(
        member=member, product=product, store=store, quantity=2
    )
    ready = make_reservation(member=member, product=product, store=other_store)
    reservation_mark_ready(reservation=ready, by=other_staff)
    collected = make_reservation(member=member, product=product, store=store)
    reservation_collect(reservation=collected, by=staff, code=collected.code)
    theirs = make_reservation(member=other_member, product=product, store=store)
    return {
        "confirmed": confirmed,
        "ready": ready,
        "collected": collected,
        "theirs": theirs,
    }


def test_the_export_lists_every_reservation_with_its_code_and_amounts(member, history):
    data = member_data_export(member=member)["sections"]["reservations"]["reservations"]

    assert [row["status"] for row in data] == ["confirmed", "ready", "collected"]
    first = data[0]
    confirmed = history["confirmed"]
    assert first["code"] == pickup_code_display(confirmed.code)
    assert first["product"] == "Arrosoir galvanisé 10 L"
    assert (first["store"], first["store_code"]) == ("Lyon Part-Dieu", "lyon-part-dieu")
    assert first["pickup_day"] == "2026-11-24"
    assert (first["quantity"], first["unit_price_cents"], first["total_cents"]) == (
        2,
        2490,
        4980,
    )
    assert first["credit_applied_cents"] == 0
    assert data[2]["ended_at"] is not None
    # nobody else's
    assert history["theirs"].code not in str(data).replace("-", "")


def test_erasure_cancels_open_ones_then_deletes_all_of_them(
    member, history, product, store, other_store, django_capture_on_commit_callbacks
):
    assert free_units(product=product, store=store) == 5 - 2 - 1

    with django_capture_on_commit_callbacks(execute=True):
        erased = member_data_erase(member=member)

    assert erased["reservations"] == 3
    assert not Reservation.objects.filter(member=member).exists()
    # their units are free again; Dominique's still holds its one
    assert free_units(product=product, store=store) == 4
    assert free_units(product=product, store=other_store) == 3
    theirs = Reservation.objects.get()
    assert theirs == history["theirs"]
    assert theirs.status == ReservationStatus.CONFIRMED


def test_the_confirmation_page_says_what_happens_to_them(member, history):
    [section] = [
        s
        for s in member_data_erase_summary(member=member)
        if s["name"] == "reservations"
    ]
    assert section["lines"] == [
        "Your 2 open reservations are cancelled: their units go back on sale.",
        "Your reservations and their pick-up codes are deleted.",
    ]


def test_a_member_without_reservations_is_told_nothing(other_member, member):
    names = [s["name"] for s in member_data_erase_summary(member=member)]
    assert "reservations" not in names
    assert member_data_export(member=member)["sections"]["reservations"] == {
        "reservations": []
    }


def test_nothing_of_the_member_is_left_in_any_column(
    member, history, product, store, django_capture_on_commit_callbacks
):
    # given also the till's sale with her card, collecting her oldest at Lyon
    from marketplace.sales.services import sale_events_ingest
    from tests.community.members.test_data_rights import rows_carrying

    member.loyalty_card_number = "CARTE-CAMILLE"
    member.save(update_fields=["loyalty_card_number"])
    row = {
        "id": "T-9",
        "type": "sale",
        "sku": product.sku,
        "quantity": 1,
        "amount_cents": 2490,
        "store": store.code,
        "channel": "store",
        "customer_ref": "CARTE-CAMILLE",
        "occurred_at": "2026-11-23T10:30:00+01:00",
    }
    assert not sale_events_ingest(client=None, rows=[row]).errors
    history["confirmed"].refresh_from_db()
    assert history["confirmed"].sale_event.external_id == "T-9"

    with django_capture_on_commit_callbacks(execute=True):
        member_data_erase(member=member)

    needles = ["camille@example.com", "Camille", "CARTE-CAMILLE"]
    assert rows_carrying(needles) == []
    assert not Reservation.objects.filter(sale_event__external_id="T-9").exists()
