"""Reservations and hand-offs: reserve at full price, not one's own listing, two
buyers at once (one wins, SQLite and PostgreSQL: run again with
DATABASE_URL=postgres://…), the code confirmed once by the store's staff with the
agreed price paid, cancellations."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections

from community.notifications.models import Notification
from marketplace.resale.models import (
    Handoff,
    HandoffStatus,
    Listing,
    ListingState,
    Payout,
    ResaleSettings,
)
from marketplace.resale.services import (
    CODE_ALPHABET,
    handoff_cancel,
    handoff_code_display,
    handoff_confirm,
    handoff_days,
    listing_reserve,
    listing_withdraw,
    offer_make,
)
from tests.community.reviews.conftest import with_retry
from tests.factories import StoreFactory

from .fixtures import HANDOFF_DAY, NOW, PRICE, SUNDAY, TODAY, make_listing


def reserve(listing, buyer, store, day=HANDOFF_DAY, now=NOW):
    return listing_reserve(listing=listing, buyer=buyer, store=store, day=day, now=now)


def confirm(handoff, staff, *, code=None, paid=None, now=NOW, store=None):
    return handoff_confirm(
        store=store or handoff.store,
        code=handoff.code if code is None else code,
        by=staff,
        paid_cents=handoff.price_cents if paid is None else paid,
        now=now,
    )


def test_handoff_days_are_the_store_s_open_days_from_tomorrow(store):
    days = handoff_days(store=store, now=NOW)

    assert days[0] == HANDOFF_DAY
    assert days[-1] == TODAY + dt.timedelta(days=14)
    assert SUNDAY not in days
    assert len(days) == 12  # 14 days, two Sundays off


def test_a_buyer_reserves_at_full_price(listing, seller, buyer, store):
    handoff = reserve(listing, buyer, store)

    assert listing.state == ListingState.RESERVED
    assert handoff.status == HandoffStatus.RESERVED
    assert handoff.price_cents == PRICE
    assert (handoff.buyer, handoff.seller) == (buyer, seller)
    assert len(handoff.code) == 8 and set(handoff.code) <= set(CODE_ALPHABET)
    assert handoff.lapses_at == NOW + dt.timedelta(hours=72)
    for member in (buyer, seller):
        note = Notification.objects.get(recipient=member, kind="resale_reserved")
        assert handoff_code_display(handoff.code) in note.body
        assert "€45.00 to pay at the till" in note.body


def test_a_far_day_keeps_the_reservation_until_its_end(listing, buyer, store):
    day = TODAY + dt.timedelta(days=10)  # Thursday 3 December

    handoff = reserve(listing, buyer, store, day=day)

    # midnight after that day in Paris
    assert handoff.lapses_at == dt.datetime(2026, 12, 3, 23, 0, tzinfo=dt.UTC)


def test_no_one_reserves_their_own_listing(listing, seller, store):
    with pytest.raises(ValidationError) as refused:
        reserve(listing, seller, store)

    assert refused.value.messages == [
        "This is your own listing: you cannot reserve it."
    ]
    assert not Handoff.objects.exists()
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED


def test_a_closed_day_or_a_store_not_offered_is_refused(listing, buyer, store):
    with pytest.raises(ValidationError) as refused:
        reserve(listing, buyer, store, day=SUNDAY)
    assert "closed on Sunday" in refused.value.message_dict["day"][0]

    with pytest.raises(ValidationError) as refused:
        reserve(listing, buyer, StoreFactory(code="paris-bercy", name="Paris Bercy"))
    assert "store" in refused.value.message_dict
    assert not Handoff.objects.exists()


def test_a_reserved_listing_cannot_be_reserved_again(
    listing, buyer, other_buyer, store
):
    reserve(listing, buyer, store)

    with pytest.raises(ValidationError) as refused:
        reserve(listing, other_buyer, store)

    assert refused.value.messages == [
        "This listing has just been reserved by another member. It comes back on "
        "sale if the hand-off does not happen."
    ]
    assert Handoff.objects.count() == 1


def test_a_full_price_reservation_voids_open_offers(listing, buyer, other_buyer, store):
    offer = offer_make(
        listing=listing,
        buyer=other_buyer,
        amount_cents=3000,
        store=store,
        day=HANDOFF_DAY,
        now=NOW,
    )

    reserve(listing, buyer, store)

    offer.refresh_from_db()
    assert offer.status == "lapsed"


def _run_at_once(actions):
    barrier = threading.Barrier(len(actions))
    failures = []

    def run(action):
        try:
            barrier.wait()
            action()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


@pytest.mark.django_db(transaction=True)
def test_two_buyers_reserving_at_once_one_wins(listing, buyer, other_buyer, store):
    ResaleSettings.load()  # the rules' row exists before the threads read it
    pk = listing.pk

    def attempt(member):
        return lambda: with_retry(
            lambda: reserve(Listing.objects.get(pk=pk), member, store)
        )

    failures = _run_at_once([attempt(buyer), attempt(other_buyer)])

    [handoff] = Handoff.objects.all()
    assert handoff.buyer in (buyer, other_buyer)
    [refused] = failures
    assert isinstance(refused, ValidationError)
    assert refused.messages == [
        "This listing has just been reserved by another member. It comes back on "
        "sale if the hand-off does not happen."
    ]
    assert Listing.objects.get(pk=pk).state == ListingState.RESERVED


# --- At the store's desk ----------------------------------------------------------


def test_the_store_s_staff_confirm_and_the_listing_is_sold(
    listing, seller, buyer, store, staff
):
    handoff = reserve(listing, buyer, store)
    later = NOW + dt.timedelta(days=1, hours=2)

    confirmed = handoff_confirm(
        store=store,
        code=handoff_code_display(handoff.code).lower(),
        by=staff,
        paid_cents=PRICE,
        payout=Payout.STORE_CREDIT,
        now=later,
    )

    assert confirmed.status == HandoffStatus.HANDED_OVER
    assert confirmed.paid_cents == PRICE
    assert confirmed.confirmed_by == staff
    assert confirmed.payout == Payout.STORE_CREDIT
    assert confirmed.rating_closes_at == later + dt.timedelta(days=14)
    listing.refresh_from_db()
    assert listing.state == ListingState.SOLD
    assert (listing.sold_at, listing.sold_price_cents) == (later, PRICE)
    assert listing.is_public  # a sold listing keeps its page
    assert Notification.objects.filter(kind="resale_sold").count() == 2


def test_a_wrong_code_is_refused_in_words(listing, buyer, store, staff):
    reserve(listing, buyer, store)

    with pytest.raises(ValidationError) as refused:
        handoff_confirm(store=store, code="ZZZZ-ZZZZ", by=staff, paid_cents=PRICE)

    assert refused.value.message_dict == {
        "code": [
            "No hand-off at Lyon Part-Dieu has the code ZZZZ-ZZZZ: check it with the "
            "buyer."
        ]
    }
    with pytest.raises(ValidationError, match="Type the buyer's hand-off code"):
        handoff_confirm(store=store, code="  ", by=staff, paid_cents=PRICE)


def test_a_used_code_is_refused_in_words(listing, buyer, store, staff):
    handoff = reserve(listing, buyer, store)
    confirm(handoff, staff)

    with pytest.raises(ValidationError) as refused:
        confirm(handoff, staff)

    assert refused.value.message_dict == {
        "code": [
            "This code was already used on Monday 23 November 2026: the item is "
            "handed over and paid."
        ]
    }
    assert Handoff.objects.get().status == HandoffStatus.HANDED_OVER


def test_a_cancelled_reservation_s_code_is_refused(listing, buyer, store, staff):
    handoff = reserve(listing, buyer, store)
    handoff_cancel(handoff=handoff, by=buyer, now=NOW)

    with pytest.raises(ValidationError, match="was cancelled on"):
        confirm(handoff, staff)


def test_the_amount_paid_must_be_the_agreed_price(listing, buyer, store, staff):
    handoff = reserve(listing, buyer, store)

    for paid in (4000, 4600):
        with pytest.raises(ValidationError) as refused:
            confirm(handoff, staff, paid=paid)
        assert (
            "The agreed price is €45.00" in refused.value.message_dict["paid_cents"][0]
        )
    with pytest.raises(ValidationError) as refused:
        confirm(handoff, staff, paid=0)
    assert "paid_cents" in refused.value.message_dict

    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.RESERVED
    assert Listing.objects.get(pk=listing.pk).state == ListingState.RESERVED


def test_only_the_store_s_staff_confirm(
    listing, seller, buyer, store, other_store, other_staff
):
    handoff = reserve(listing, buyer, store)

    for who in (seller, buyer, other_staff):
        with pytest.raises(PermissionDenied, match="Only the staff of Lyon Part-Dieu"):
            confirm(handoff, who)
    # another store's staff at their own desk learn nothing of this code
    with pytest.raises(ValidationError, match="No hand-off at Nantes Centre"):
        confirm(handoff, other_staff, store=other_store)


def test_a_sold_listing_cannot_be_reserved_or_withdrawn(
    listing, seller, buyer, other_buyer, store, staff
):
    confirm(reserve(listing, buyer, store), staff)

    with pytest.raises(ValidationError, match="This listing is sold."):
        reserve(listing, other_buyer, store)
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        listing_withdraw(listing=listing, by=seller, now=NOW)


# --- Cancelling -------------------------------------------------------------------


def test_the_buyer_cancels_and_the_listing_is_on_sale_again(
    listing, seller, buyer, other_buyer, store
):
    offer_make(
        listing=listing,
        buyer=other_buyer,
        amount_cents=3000,
        store=store,
        day=HANDOFF_DAY,
        now=NOW,
    )
    handoff = reserve(listing, buyer, store)

    handoff_cancel(handoff=handoff, by=buyer, now=NOW)
    handoff_cancel(handoff=handoff, by=buyer, now=NOW)  # again: nothing more

    handoff.refresh_from_db()
    listing.refresh_from_db()
    assert handoff.status == HandoffStatus.CANCELLED
    assert listing.state == ListingState.PUBLISHED
    assert Notification.objects.filter(
        recipient=seller, kind="resale_handoff_cancelled"
    ).exists()
    assert Notification.objects.filter(
        recipient=other_buyer, kind="resale_back_on_sale"
    ).exists()
    assert not Notification.objects.filter(
        recipient=buyer, kind="resale_back_on_sale"
    ).exists()


def test_only_the_parties_cancel(listing, buyer, other_buyer, store):
    handoff = reserve(listing, buyer, store)

    with pytest.raises(PermissionDenied):
        handoff_cancel(handoff=handoff, by=other_buyer, now=NOW)


def test_withdrawing_a_reserved_listing_cancels_the_hand_off(
    listing, seller, buyer, store
):
    handoff = reserve(listing, buyer, store)

    listing_withdraw(listing=listing, by=seller, now=NOW)

    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.CANCELLED
    assert listing.state == ListingState.WITHDRAWN
    assert Notification.objects.filter(
        recipient=buyer, kind="resale_handoff_cancelled"
    ).exists()


def test_a_newcomer_s_pending_listing_cannot_be_reserved(newcomer, buyer, store):
    pending = make_listing(seller=newcomer, stores=[store])

    with pytest.raises(ValidationError, match="not on sale"):
        reserve(pending, buyer, store)
