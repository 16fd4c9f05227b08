"""A sale at the till with the member's reference collects their reservation
(sales/listeners.py): recorded through `sale_events_ingest` as the tills send it."""

import datetime as dt

import pytest

from community.notifications.models import Notification
from marketplace.reservations.models import Reservation, ReservationStatus
from marketplace.reservations.services import reservation_cancel, reservation_mark_ready
from marketplace.sales.models import SaleEvent
from marketplace.sales.services import sale_events_ingest
from tests.factories import ProductFactory

from .conftest import make_reservation, stock_set

pytestmark = pytest.mark.django_db

# Half an hour after the reservation was made (the suite runs on Monday 10:00).
AT_THE_TILL = "2026-11-23T10:30:00+01:00"


def sale(event_id, **changes):
    """A row as the till sends it: two watering cans at Lyon, for Camille."""
    row = {
        "id": event_id,
        "type": "sale",
        "sku": "ARR-0042",
        "quantity": 2,
        "amount_cents": 4980,
        "store": "lyon-part-dieu",
        "channel": "store",
        "customer_ref": "camille@example.com",
        "occurred_at": AT_THE_TILL,
    }
    row.update(changes)
    return row


def ingest(*rows):
    result = sale_events_ingest(client=None, rows=list(rows))
    assert not result.errors, result.errors
    return result


def test_the_tills_sale_collects_the_members_reservation(reservation, member):
    ingest(sale("T-1"))

    reservation.refresh_from_db()
    event = SaleEvent.objects.get(external_id="T-1")
    assert event.member == member
    assert reservation.status == ReservationStatus.COLLECTED
    assert reservation.sale_event == event
    assert reservation.ended_at == dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    assert reservation.collected_by is None
    assert Notification.objects.filter(
        recipient=member, kind="reservation_collected"
    ).exists()


def test_the_loyalty_card_number_works_as_well(reservation, member):
    member.loyalty_card_number = "CARTE123"
    member.save(update_fields=["loyalty_card_number"])
    ingest(sale("T-1", customer_ref="CARTE123"))
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.COLLECTED


def test_a_replayed_sale_changes_nothing(member, product, store):
    # given two reservations of the same can; the till's sale collects the oldest
    first = make_reservation(member=member, product=product, store=store)
    second = make_reservation(member=member, product=product, store=store)
    ingest(sale("T-1"))
    before = list(Reservation.objects.order_by("pk").values())

    # when the till sends the same sale again (and again within one batch)
    result = ingest(sale("T-1"), sale("T-1"))

    # then it is a duplicate: the second reservation stays open
    assert result.duplicates == 2
    assert list(Reservation.objects.order_by("pk").values()) == before
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ReservationStatus.COLLECTED
    assert second.status == ReservationStatus.CONFIRMED
    assert Notification.objects.filter(kind="reservation_collected").count() == 1

    # and a second, new sale collects the second one
    ingest(sale("T-2"))
    second.refresh_from_db()
    assert second.status == ReservationStatus.COLLECTED
    assert second.sale_event.external_id == "T-2"


def test_two_sales_in_one_batch_collect_two_reservations(member, product, store):
    first = make_reservation(member=member, product=product, store=store)
    second = make_reservation(member=member, product=product, store=store)

    ingest(sale("T-1"), sale("T-2", occurred_at="2026-11-23T10:35:00+01:00"))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.sale_event.external_id, second.sale_event.external_id) == (
        "T-1",
        "T-2",
    )


def test_a_ready_reservation_is_collected_too(reservation, staff):
    reservation_mark_ready(reservation=reservation, by=staff)
    ingest(sale("T-1"))
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.COLLECTED


@pytest.mark.parametrize(
    "changes",
    [
        {"customer_ref": None},  # no member named
        {"customer_ref": "someone.else@example.com"},  # not this member
        {"store": "nantes-centre"},  # another store
        {"sku": "SEC-100"},  # another product
        {"channel": "online", "store": None},  # bought online
        {"occurred_at": "2026-11-22T15:00:00+01:00"},  # before it was reserved
    ],
)
def test_other_sales_leave_the_reservation_open(reservation, other_store, changes):
    ProductFactory(sku="SEC-100")
    stock_set(reservation.product, other_store, 3)
    ingest(sale("T-1", **changes))
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED
    assert reservation.sale_event is None


def test_a_refund_collects_nothing(reservation):
    ingest(sale("T-1", customer_ref=None))
    ingest(sale("R-1", type="refund", refund_of="T-1"))
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONFIRMED


def test_a_cancelled_reservation_stays_cancelled(reservation, member):
    reservation_cancel(reservation=reservation, member=member)
    ingest(sale("T-1"))
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CANCELLED
    assert reservation.sale_event is None
    # the sale is recorded all the same
    assert SaleEvent.objects.filter(external_id="T-1", member=member).exists()
