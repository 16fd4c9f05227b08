"""What members see and do of the shop's buy-back, the double-blind ratings and the
DAC7 warning on their pages; the seller's rating on their public profile; the list
filtered by a catalog product."""

import pytest
from django.test import Client

from marketplace.resale.buyback import buyback_accept, buyback_inspect
from marketplace.resale.models import Buyback, ListingState, Rating
from marketplace.resale.ratings import rating_give
from marketplace.resale.services import handoff_confirm, listing_reserve

from .fixtures import HANDOFF_DAY, NOW, make_listing

pytestmark = pytest.mark.django_db

MINE_URL = "/me/listings/"
QUOTE = (
    "The shop buys it back now: €35.96 in store credit (price confirmed at the "
    "store's inspection)."
)


def text(response) -> str:
    return response.content.decode()


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def followed_text(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def sell(listing, buyer, store, staff, *, price=None):
    reserved = listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    return handoff_confirm(
        store=store,
        code=reserved.code,
        by=staff,
        paid_cents=price or listing.price_cents,
        now=NOW,
    )


# --- Buy-back ----------------------------------------------------------------------


def test_the_seller_sees_the_shop_s_price_on_the_listing_and_my_listings(
    listing, seller, buyer
):
    detail = text(client_for(seller).get(listing.get_absolute_url()))
    mine = text(client_for(seller).get(MINE_URL))

    for html in (detail, mine):
        assert QUOTE in html
        assert f'href="/resale/{listing.pk}/buyback/"' in html
    assert "buys it back now" not in text(
        client_for(buyer).get(listing.get_absolute_url())
    )
    assert "buys it back now" not in text(Client().get(listing.get_absolute_url()))


def test_no_buy_back_offer_without_a_catalog_product(seller, store):
    loose = make_listing(seller=seller, stores=[store], title="Brouette ancienne")
    client = client_for(seller)

    assert "buys it back now" not in text(client.get(loose.get_absolute_url()))
    asked = client.get(f"/resale/{loose.pk}/buyback/", follow=True)
    assert "The shop does not buy this listing back" in followed_text(asked)
    refused = client.post(f"/resale/{loose.pk}/buyback/", follow=True)
    assert "does not buy this item back" in followed_text(refused)
    assert not Buyback.objects.exists()


def test_the_confirmation_says_what_happens_and_accepting_takes_it_off_sale(
    listing, seller
):
    client = client_for(seller)
    url = f"/resale/{listing.pk}/buyback/"

    page = client.get(url)
    html = text(page)
    assert page.status_code == 200
    assert "€35.96 in store credit" in html
    assert "The listing leaves the market at once" in html
    assert 'href="/stores/"' in html
    assert "they may lower it" in html
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED  # GET changes nothing

    done = client.post(url)
    assert done.status_code == 302
    assert done["Location"] == f"/me/listings/#listing-{listing.pk}"
    listing.refresh_from_db()
    assert listing.state == ListingState.WITHDRAWN
    assert Buyback.objects.get(listing=listing).offered_cents == 3596

    mine = text(client.get(MINE_URL))
    assert "You sell it to the shop for €35.96 in store credit" in mine
    assert "buys it back now" not in mine
    # Promised to the shop: no "Put back on sale" for it.
    assert f'action="/resale/{listing.pk}/relist/"' not in mine
    again = client.post(url, follow=True)
    assert "already accepted" in followed_text(again)


def test_nobody_else_reaches_the_buy_back_of_a_listing(listing, buyer):
    client = client_for(buyer)

    assert client.get(f"/resale/{listing.pk}/buyback/").status_code == 404
    assert client.post(f"/resale/{listing.pk}/buyback/").status_code == 404
    anonymous = Client().post(f"/resale/{listing.pk}/buyback/")
    assert anonymous.status_code == 302
    assert not Buyback.objects.exists()


def test_a_promised_listing_has_no_buy_back_offer(listing, seller, buyer, store):
    listing_reserve(listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW)

    assert "buys it back now" not in text(client_for(seller).get(MINE_URL))
    refused = client_for(seller).post(f"/resale/{listing.pk}/buyback/", follow=True)
    assert "promised to a buyer" in followed_text(refused)


def test_a_credited_buy_back_shows_the_amount_and_the_wallet(
    listing, seller, store, staff
):
    record = buyback_accept(listing=listing, member=seller, now=NOW)
    buyback_inspect(
        buyback=record,
        store=store,
        by=staff,
        condition="good",
        reason="Lame rayée",
        now=NOW,
    )

    mine = text(client_for(seller).get(MINE_URL))

    assert "The shop bought it back: €26.97 in store credit." in mine
    assert "Lame rayée" in mine
    assert 'href="/me/wallet/"' in mine


def test_a_refused_buy_back_says_why_and_the_listing_may_go_back_on_sale(
    listing, seller, store, staff
):
    record = buyback_accept(listing=listing, member=seller, now=NOW)
    buyback_inspect(
        buyback=record,
        store=store,
        by=staff,
        condition="fair",
        reason="Manche cassé",
        now=NOW,
    )
    client = client_for(seller)

    mine = text(client.get(MINE_URL))
    assert "The shop did not buy it back after inspecting it." in mine
    assert "Manche cassé" in mine
    assert mine.count(f'action="/resale/{listing.pk}/relist/"') == 1

    client.post(f"/resale/{listing.pk}/relist/")
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED


# --- Ratings -----------------------------------------------------------------------


@pytest.fixture
def handed_over(listing, buyer, store, staff):
    return sell(listing, buyer, store, staff)


def rate_url(handoff) -> str:
    return f"/me/listings/handoffs/{handoff.pk}/rate/"


def test_both_sides_are_offered_a_keyboard_usable_rating_form(
    handed_over, buyer, seller
):
    for member, name in ((buyer, "Sacha, the seller"), (seller, "Bao, the buyer")):
        html = text(client_for(member).get(MINE_URL))
        assert f'action="{rate_url(handed_over)}"' in html
        assert f"Rate {name}" in html
        for stars in range(1, 6):
            assert f'type="radio" name="stars" value="{stars}"' in html
        assert f'for="id_rate{handed_over.pk}_stars_0"' in html
        assert "Double-blind" in html
        assert "or on 7 December 2026" in html  # 14 days after the hand-off


def test_a_rating_waits_for_the_other_side_then_both_are_published(
    handed_over, buyer, seller, listing
):
    buyer_client, seller_client = client_for(buyer), client_for(seller)

    answer = buyer_client.post(
        rate_url(handed_over), {"stars": "5", "comment": "Très aimable"}, follow=True
    )
    assert "Rated, waiting for the other side" in followed_text(answer)
    mine = text(buyer_client.get(MINE_URL))
    assert "Rated, waiting for the other side" in mine
    assert f'action="{rate_url(handed_over)}"' not in mine
    # Double-blind: the seller sees nothing of it yet, nor does the listing page.
    assert "Très aimable" not in text(seller_client.get(MINE_URL))
    assert "Très aimable" not in text(Client().get(listing.get_absolute_url()))

    seller_client.post(rate_url(handed_over), {"stars": "4", "comment": "Ponctuel"})

    assert "Their rating of you: 4/5." in text(buyer_client.get(MINE_URL))
    seller_page = text(seller_client.get(MINE_URL))
    assert "Their rating of you: 5/5." in seller_page
    assert "Très aimable" in seller_page
    public = text(Client().get(listing.get_absolute_url()))
    assert "5.0/5 from 1 rating" in public
    assert "Très aimable" in public and "by Bao" in public


def test_bad_ratings_are_answered_in_words(handed_over, buyer, other_buyer):
    client = client_for(buyer)

    for stars in ("", "9", "beaucoup"):
        answer = client.post(rate_url(handed_over), {"stars": stars}, follow=True)
        assert answer.status_code == 200
        assert "Choose from 1 to 5 stars." in followed_text(answer)
    too_long = client.post(
        rate_url(handed_over), {"stars": "3", "comment": "x" * 1001}, follow=True
    )
    assert "Keep the comment under 1000 characters." in followed_text(too_long)
    assert not Rating.objects.exists()

    client.post(rate_url(handed_over), {"stars": "3"})
    twice = client.post(rate_url(handed_over), {"stars": "4"}, follow=True)
    assert "already rated" in followed_text(twice)
    assert Rating.objects.get().stars == 3
    stranger = client_for(other_buyer).post(rate_url(handed_over), {"stars": "1"})
    assert stranger.status_code == 404


def test_a_reservation_not_handed_over_cannot_be_rated(listing, buyer, store):
    reserved = listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    client = client_for(buyer)

    assert f'action="{rate_url(reserved)}"' not in text(client.get(MINE_URL))
    answer = client.post(rate_url(reserved), {"stars": "5"}, follow=True)
    assert "once it has taken place" in followed_text(answer)


def test_the_public_profile_shows_the_seller_s_average_and_count(
    handed_over, buyer, seller
):
    rating_give(handoff=handed_over, rater=buyer, stars=4, now=NOW)
    rating_give(handoff=handed_over, rater=seller, stars=5, now=NOW)

    html = text(Client().get("/members/sacha/"))

    assert "Second-hand seller" in html
    assert "4.0/5 from 1 rating" in html
    assert "1 sale in our stores" in html
    # A member who never sold: no second-hand section.
    assert "Second-hand seller" not in text(Client().get("/members/ines/"))


# --- DAC7 --------------------------------------------------------------------------


def test_a_seller_near_the_thresholds_is_warned_with_a_link_to_the_tax_details(
    seller, buyer, store, staff
):
    big = make_listing(seller=seller, stores=[store], price_cents=150_000)
    sell(big, buyer, store, staff)

    html = text(client_for(seller).get(MINE_URL))

    assert "1 sales for €1,500.00 this year" in html
    assert '<a href="/me/listings/tax/">My tax details</a>' in html
    assert "My tax details" not in text(client_for(buyer).get(MINE_URL))


# --- /resale/?product=<sku> --------------------------------------------------------


def test_the_list_filters_by_a_catalog_product(listing, seller, store):
    make_listing(seller=seller, stores=[store], title="Brouette ancienne")

    html = text(Client().get("/resale/?product=SEC-0042"))

    assert "Sécateur Pro à lame franche" in html
    assert "Brouette ancienne" not in html
    assert "1 listing" in html
    assert "Listings of “Sécateur Pro" in html


def test_an_unknown_product_reference_is_said_and_ignored(listing):
    response = Client().get("/resale/?product=NOPE-1")

    assert response.status_code == 200
    assert "No product of our catalog has this reference." in text(response)
    assert "Sécateur Pro à lame franche" in text(response)
