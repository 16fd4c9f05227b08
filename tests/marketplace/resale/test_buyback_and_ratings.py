"""The shop's buy-back (quoted from the product's price and condition, confirmed or
lowered at inspection, credited as a voucher once) and double-blind ratings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.resale.buyback import buyback_accept, buyback_inspect, buyback_quote
from marketplace.resale.models import BuybackStatus, ListingState, Rating
from marketplace.resale.ratings import (
    rating_give,
    ratings_publish_due,
    ratings_shown,
    seller_rating,
)
from marketplace.resale.services import handoff_confirm, listing_reserve
from rewards.models import LedgerTransaction
from rewards.models import Payout as RewardsPayout

from .fixtures import HANDOFF_DAY, NOW, PRICE, make_listing

# --- Buy-back ----------------------------------------------------------------------


def test_the_quote_follows_the_product_price_and_the_condition(listing, product):
    # €89.90 new: 40 % in very good condition, 50 % new with tags, 30 % good
    assert buyback_quote(listing=listing) == 3596
    assert buyback_quote(listing=listing, condition="new_with_tags") == 4495
    assert buyback_quote(listing=listing, condition="good") == 2697
    assert buyback_quote(listing=listing, condition="fair") is None


def test_no_quote_without_a_catalog_product(seller, store):
    loose = make_listing(seller=seller, stores=[store], title="Brouette ancienne")
    assert buyback_quote(listing=loose) is None
    with pytest.raises(ValidationError, match="does not buy this item back"):
        buyback_accept(listing=loose, member=seller, now=NOW)


def test_accepting_takes_the_listing_off_the_market(listing, seller, buyer):
    with pytest.raises(PermissionDenied):
        buyback_accept(listing=listing, member=buyer, now=NOW)
    buyback = buyback_accept(listing=listing, member=seller, now=NOW)
    listing.refresh_from_db()
    assert listing.state == ListingState.WITHDRAWN
    assert buyback.offered_cents == 3596
    with pytest.raises(ValidationError, match="already accepted"):
        buyback_accept(listing=listing, member=seller, now=NOW)


def test_a_reserved_listing_cannot_be_bought_back(listing, seller, buyer, store):
    listing_reserve(listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW)
    with pytest.raises(ValidationError, match="promised to a buyer"):
        buyback_accept(listing=listing, member=seller, now=NOW)


def test_inspection_lowers_the_tier_with_a_reason_and_credits_once(
    listing, seller, store, staff
):
    buyback = buyback_accept(listing=listing, member=seller, now=NOW)
    with pytest.raises(ValidationError) as refused:
        buyback_inspect(
            buyback=buyback, store=store, by=staff, condition="good", now=NOW
        )
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError, match="never raise"):
        buyback_inspect(
            buyback=buyback, store=store, by=staff, condition="new_with_tags", now=NOW
        )

    done = buyback_inspect(
        buyback=buyback,
        store=store,
        by=staff,
        condition="good",
        reason="Lame rayée, ressort fatigué",
        now=NOW,
    )
    assert done.status == BuybackStatus.CREDITED and done.credited_cents == 2697
    voucher = RewardsPayout.objects.get(member=seller)
    assert voucher.amount_cents == 2697 and voucher.voucher_code
    with pytest.raises(ValidationError, match="already inspected"):
        buyback_inspect(
            buyback=buyback, store=store, by=staff, condition="good", now=NOW
        )
    assert LedgerTransaction.objects.filter(kind="resale_buyback").count() == 1


def test_only_the_store_s_staff_inspect(
    listing, seller, other_store, other_staff, store
):
    buyback = buyback_accept(listing=listing, member=seller, now=NOW)
    with pytest.raises(PermissionDenied):
        buyback_inspect(
            buyback=buyback, store=store, by=other_staff, condition="very_good"
        )
    with pytest.raises(PermissionDenied):
        buyback_inspect(buyback=buyback, store=store, by=seller, condition="very_good")


def test_a_condition_the_shop_does_not_buy_ends_refused_without_credit(
    listing, seller, store, staff
):
    buyback = buyback_accept(listing=listing, member=seller, now=NOW)
    done = buyback_inspect(
        buyback=buyback,
        store=store,
        by=staff,
        condition="fair",
        reason="Manche cassé",
        now=NOW,
    )
    assert done.status == BuybackStatus.REFUSED and done.credited_cents is None
    assert not RewardsPayout.objects.exists()


# --- Ratings -----------------------------------------------------------------------


@pytest.fixture
def handed_over(listing, buyer, store, staff):
    reserved = listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    return handoff_confirm(
        store=store, code=reserved.code, by=staff, paid_cents=PRICE, now=NOW
    )


def test_ratings_stay_hidden_until_both_have_rated(handed_over, buyer, seller):
    first = rating_give(
        handoff=handed_over, rater=buyer, stars=5, comment="Parfait", now=NOW
    )
    assert first.published_at is None
    assert seller_rating(member_id=seller.pk).count == 0
    assert list(ratings_shown(member_id=seller.pk)) == []

    second = rating_give(handoff=handed_over, rater=seller, stars=4, now=NOW)
    assert second.published_at == NOW
    assert Rating.objects.filter(published_at=NOW).count() == 2
    figure = seller_rating(member_id=seller.pk)
    assert (figure.average, figure.count, figure.sales) == (5.0, 1, 1)
    assert figure.stars_text == "5,0"


def test_the_window_closing_publishes_a_lone_rating(handed_over, buyer, seller):
    rating_give(handoff=handed_over, rater=buyer, stars=2, comment="En retard", now=NOW)
    later = NOW + dt.timedelta(days=15)
    assert ratings_publish_due(now=NOW + dt.timedelta(days=13)) == 0
    assert ratings_publish_due(now=later) == 1
    assert ratings_publish_due(now=later) == 0
    assert seller_rating(member_id=seller.pk).average == 2.0
    with pytest.raises(ValidationError, match="time to rate"):
        rating_give(handoff=handed_over, rater=seller, stars=5, now=later)


def test_rating_twice_or_as_a_stranger_or_off_the_scale_is_refused(
    handed_over, buyer, other_buyer
):
    with pytest.raises(PermissionDenied):
        rating_give(handoff=handed_over, rater=other_buyer, stars=5, now=NOW)
    for stars in (0, 6, "beaucoup", None):
        with pytest.raises(ValidationError):
            rating_give(handoff=handed_over, rater=buyer, stars=stars, now=NOW)
    with pytest.raises(ValidationError):
        rating_give(
            handoff=handed_over, rater=buyer, stars=3, comment="x" * 1001, now=NOW
        )
    rating_give(handoff=handed_over, rater=buyer, stars=3, now=NOW)
    with pytest.raises(ValidationError, match="already rated"):
        rating_give(handoff=handed_over, rater=buyer, stars=4, now=NOW)
    assert Rating.objects.count() == 1


def test_a_hand_off_not_yet_made_cannot_be_rated(listing, buyer, store):
    reserved = listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    with pytest.raises(ValidationError, match="once it has taken place"):
        rating_give(handoff=reserved, rater=buyer, stars=5, now=NOW)


def test_a_listing_the_shop_buys_back_cannot_go_back_on_sale(listing, seller):
    from marketplace.resale.services import listing_relist

    buyback_accept(listing=listing, member=seller, now=NOW)
    listing.refresh_from_db()
    with pytest.raises(ValidationError, match="buying this item back"):
        listing_relist(listing=listing, by=seller, now=NOW)
