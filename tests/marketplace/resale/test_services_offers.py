"""Offers: below the asking price, one open per buyer and listing; the seller
accepts (the listing is reserved at that price), declines or counters."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.notifications.models import Notification
from marketplace.resale.models import HandoffStatus, ListingState, Offer, OfferStatus
from marketplace.resale.services import (
    listing_reserve,
    offer_accept,
    offer_counter,
    offer_decline,
    offer_make,
    offer_withdraw,
)
from tests.factories import StoreFactory

from .fixtures import HANDOFF_DAY, NOW, SUNDAY, TODAY


def make_offer(listing, buyer, store, amount=4000, day=HANDOFF_DAY):
    return offer_make(
        listing=listing,
        buyer=buyer,
        amount_cents=amount,
        store=store,
        day=day,
        now=NOW,
    )


def kinds(member):
    return list(
        Notification.objects.filter(recipient=member)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def test_a_buyer_offers_less_and_the_seller_is_told(listing, seller, buyer, store):
    offer = make_offer(listing, buyer, store)

    assert offer.status == OfferStatus.OPEN
    assert offer.made_by == buyer
    assert offer.amount_cents == 4000
    assert kinds(seller) == ["resale_offer_new"]
    note = Notification.objects.get(recipient=seller)
    assert note.title == "Bao offers €40.00 for “Sécateur Pro à lame franche”"
    assert "Hand-off: Lyon Part-Dieu, Tuesday 24 November 2026" in note.body


@pytest.mark.parametrize("amount", [4500, 4501, 100_000])
def test_an_offer_at_or_above_the_price_is_refused(listing, buyer, store, amount):
    with pytest.raises(ValidationError) as refused:
        make_offer(listing, buyer, store, amount=amount)

    assert refused.value.message_dict == {
        "amount_cents": [
            "An offer is below the asking price of €45.00: reserve it at its price "
            "instead."
        ]
    }
    assert not Offer.objects.exists()


@pytest.mark.parametrize("amount", [0, -100, 12.5])
def test_an_offer_must_be_a_positive_amount(listing, buyer, store, amount):
    with pytest.raises(ValidationError) as refused:
        make_offer(listing, buyer, store, amount=amount)
    assert "amount_cents" in refused.value.message_dict


def test_no_offer_on_one_s_own_listing(listing, seller, store):
    with pytest.raises(ValidationError, match="your own listing"):
        make_offer(listing, seller, store)


def test_one_open_offer_per_buyer_and_listing(listing, seller, buyer, store):
    first = make_offer(listing, buyer, store)

    with pytest.raises(ValidationError) as refused:
        make_offer(listing, buyer, store, amount=4200)
    assert refused.value.messages == [
        "You already have an offer open on this listing: wait for the answer, or "
        "withdraw it to make another."
    ]

    # once answered, the buyer may try again
    offer_decline(offer=first, by=seller, now=NOW)
    second = make_offer(listing, buyer, store, amount=4200)
    assert second.status == OfferStatus.OPEN


def test_a_seller_s_counter_counts_as_the_buyer_s_open_offer(
    listing, seller, buyer, store
):
    offer_counter(offer=make_offer(listing, buyer, store), by=seller, amount_cents=4300)

    with pytest.raises(ValidationError, match="already have an offer open"):
        make_offer(listing, buyer, store, amount=4100)


def test_the_store_must_be_one_of_the_listing_s(listing, buyer):
    elsewhere = StoreFactory(code="paris-bercy", name="Paris Bercy")

    with pytest.raises(ValidationError) as refused:
        make_offer(listing, buyer, elsewhere)
    assert refused.value.message_dict == {
        "store": ["Choose one of the stores where the seller hands it over."]
    }


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY, "Choose a hand-off day from tomorrow on."),
        (TODAY - dt.timedelta(days=2), "Choose a hand-off day from tomorrow on."),
        (TODAY + dt.timedelta(days=15), "within the next 14 days"),
        (SUNDAY, "Lyon Part-Dieu is closed on Sunday 29 November 2026"),
        ("2026-11-24", "Choose a day for the hand-off."),
    ],
)
def test_the_day_must_be_one_the_store_offers(listing, buyer, store, day, message):
    with pytest.raises(ValidationError) as refused:
        make_offer(listing, buyer, store, day=day)
    assert message in refused.value.message_dict["day"][0]


def test_accepting_reserves_the_listing_at_the_offer_s_price(
    listing, seller, buyer, other_buyer, store
):
    offer = make_offer(listing, buyer, store, amount=4000)
    other = make_offer(listing, other_buyer, store, amount=3000)

    handoff = offer_accept(offer=offer, by=seller, now=NOW)

    listing.refresh_from_db()
    assert listing.state == ListingState.RESERVED
    assert handoff.status == HandoffStatus.RESERVED
    assert handoff.price_cents == 4000
    assert handoff.buyer == buyer
    assert handoff.offer == offer
    assert (handoff.store, handoff.day) == (store, HANDOFF_DAY)
    offer.refresh_from_db()
    other.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    # the other buyer's offer is no longer valid
    assert other.status == OfferStatus.LAPSED
    assert kinds(buyer) == ["resale_reserved", "resale_offer_answered"]


def test_only_the_party_it_is_made_to_answers(
    listing, seller, buyer, other_buyer, store
):
    offer = make_offer(listing, buyer, store)

    for action in (offer_accept, offer_decline):
        for who in (buyer, other_buyer):
            with pytest.raises(PermissionDenied, match="not yours to answer"):
                action(offer=offer, by=who, now=NOW)
    with pytest.raises(PermissionDenied):
        offer_counter(offer=offer, by=buyer, amount_cents=4100, now=NOW)


def test_the_seller_counters_and_the_buyer_accepts(listing, seller, buyer, store):
    offer = make_offer(listing, buyer, store, amount=3500)

    counter = offer_counter(offer=offer, by=seller, amount_cents=4200, now=NOW)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.COUNTERED
    assert counter.status == OfferStatus.OPEN
    assert (counter.made_by, counter.buyer, counter.counter_of) == (
        seller,
        buyer,
        offer,
    )
    assert (counter.store, counter.day) == (offer.store, offer.day)
    assert "resale_offer_new" in kinds(buyer)
    # the seller may not accept their own counter
    with pytest.raises(PermissionDenied):
        offer_accept(offer=counter, by=seller, now=NOW)

    handoff = offer_accept(offer=counter, by=buyer, now=NOW)

    assert handoff.price_cents == 4200
    listing.refresh_from_db()
    assert listing.state == ListingState.RESERVED


def test_a_counter_stays_below_the_price_and_differs(listing, seller, buyer, store):
    offer = make_offer(listing, buyer, store, amount=3500)

    with pytest.raises(ValidationError, match="below the asking price"):
        offer_counter(offer=offer, by=seller, amount_cents=4500, now=NOW)
    with pytest.raises(ValidationError, match="accept the offer instead"):
        offer_counter(offer=offer, by=seller, amount_cents=3500, now=NOW)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN


def test_a_declined_offer_is_told_and_cannot_be_accepted(listing, seller, buyer, store):
    offer = make_offer(listing, buyer, store)

    offer_decline(offer=offer, by=seller, now=NOW)

    assert kinds(buyer) == ["resale_offer_answered"]
    assert "was declined" in Notification.objects.get(recipient=buyer).title
    with pytest.raises(ValidationError, match="already “Declined”"):
        offer_accept(offer=offer, by=seller, now=NOW)


def test_who_made_an_offer_withdraws_it(listing, seller, buyer, store):
    offer = make_offer(listing, buyer, store)

    with pytest.raises(PermissionDenied):
        offer_withdraw(offer=offer, by=seller, now=NOW)
    offer_withdraw(offer=offer, by=buyer, now=NOW)
    offer_withdraw(offer=offer, by=buyer, now=NOW)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert kinds(seller) == ["resale_offer_new", "resale_offer_withdrawn"]


def test_no_offer_on_a_reserved_listing(listing, buyer, other_buyer, store):
    listing_reserve(
        listing=listing, buyer=other_buyer, store=store, day=HANDOFF_DAY, now=NOW
    )

    with pytest.raises(ValidationError, match="just been reserved by another member"):
        make_offer(listing, buyer, store)


def test_accepting_once_the_listing_is_reserved_is_refused(
    listing, seller, buyer, other_buyer, store
):
    offer = make_offer(listing, buyer, store)
    # a reservation at full price lapses open offers; reopen this one to try
    listing_reserve(
        listing=listing, buyer=other_buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.OPEN)

    with pytest.raises(ValidationError, match="just been reserved"):
        offer_accept(offer=offer, by=seller, now=NOW)


def test_an_offer_whose_day_has_passed_cannot_be_accepted(
    listing, seller, buyer, store
):
    offer = make_offer(listing, buyer, store)

    with pytest.raises(ValidationError, match="which can no longer be"):
        offer_accept(offer=offer, by=seller, now=NOW + dt.timedelta(days=3))
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED


def test_no_offer_on_a_listing_not_on_sale(seller, buyer, store):
    from .fixtures import make_listing

    draft = make_listing(seller=seller, stores=[store], submit=False)

    with pytest.raises(ValidationError, match="not on sale"):
        make_offer(draft, buyer, store)
