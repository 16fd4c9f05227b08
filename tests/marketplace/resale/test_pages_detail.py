"""/resale/<id>-<slug>/: the listing as a visitor, a buyer and its seller see it,
and its actions — offer, answer, reserve, withdraw — POST only, answered with a
redirect and a message, refusals in words, never a 500."""

import pytest
from django.test import Client

from marketplace.resale.models import (
    Handoff,
    HandoffStatus,
    Listing,
    ListingState,
    Offer,
    OfferStatus,
    Rating,
)
from marketplace.resale.services import (
    handoff_confirm,
    offer_counter,
    offer_make,
)

from .fixtures import HANDOFF_DAY, SUNDAY, make_listing, photo_upload

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def slot(store, day=HANDOFF_DAY) -> str:
    return f"{store.pk}:{day.isoformat()}"


def test_a_visitor_sees_the_listing_its_seller_and_the_stores_stock(
    listing, store, other_store
):
    response = Client().get(listing.get_absolute_url())

    assert response.status_code == 200
    html = text(response)
    assert "Sécateur Pro à lame franche" in html
    assert "€45.00" in html
    assert "Used a few times, no visible wear, works perfectly, complete." in html
    assert "Verified owner" in html
    assert "Sacha" in html
    assert "No rating yet." in html
    assert "0 sales in our stores" in html
    # The new product's live stock at each hand-off store, for comparison.
    assert "new: 5 in stock now at €89.90" in html
    assert "new: 3 in stock now at €89.90" in html
    assert "no protection and no payment record" in html
    assert "Log in to contact the seller, make an offer or reserve" in html


def test_the_description_is_markdown_without_its_html(seller, store):
    listing = make_listing(
        seller=seller,
        stores=[store],
        description="**Très** bon état <script>alert(1)</script> et complet.",
    )

    html = text(Client().get(listing.get_absolute_url()))

    assert "<strong>Très</strong>" in html
    assert "<script>alert(1)</script>" not in html


def test_the_sellers_rating_and_sales_show_once_published(
    listing, seller, buyer, store
):
    for n, (stars, published) in enumerate(((5, True), (4, True), (1, False))):
        handoff = Handoff.objects.create(
            listing=make_listing(seller=seller, stores=[store], title=f"Vendu {n}"),
            buyer=buyer,
            seller=seller,
            store=store,
            day=HANDOFF_DAY,
            price_cents=1000,
            code=f"ABCD234{n}",
            status=HandoffStatus.HANDED_OVER,
            reserved_at=listing.created_at,
            lapses_at=listing.created_at,
        )
        # Double-blind: an unpublished rating is not counted yet.
        Rating.objects.create(
            handoff=handoff,
            rater=buyer,
            rated=seller,
            rated_role=Rating.Role.SELLER,
            stars=stars,
            published_at=listing.created_at if published else None,
        )

    html = text(Client().get(listing.get_absolute_url()))

    assert "4.5/5 from 2 ratings" in html
    assert "3 sales in our stores" in html


def test_a_wrong_slug_redirects_and_bad_ids_are_404(listing):
    client = Client()

    moved = client.get(f"/resale/{listing.pk}-autre-chose/")
    assert moved.status_code == 301
    assert moved["Location"] == listing.get_absolute_url()
    assert client.get(f"/resale/{listing.pk}/").status_code == 301
    assert client.get("/resale/999999-rien/").status_code == 404
    assert client.get("/resale/abc-rien/").status_code == 404
    assert client.get("/resale/99999999999999999999-x/").status_code == 404


@pytest.mark.parametrize("submit", [False, True])
def test_drafts_and_pending_listings_are_the_sellers_and_moderators_only(
    seller, newcomer, buyer, moderator, store, submit
):
    owner = newcomer if submit else seller
    hidden = make_listing(seller=owner, stores=[store], submit=submit)
    assert hidden.state in (ListingState.DRAFT, ListingState.PENDING)
    url = hidden.get_absolute_url()

    assert Client().get(url).status_code == 404
    assert client_for(buyer).get(url).status_code == 404
    assert client_for(owner).get(url).status_code == 200
    seen = client_for(moderator).get(url)
    assert seen.status_code == 200
    assert "private" in seen["Cache-Control"]


def test_photos_show_to_all_once_public_and_private_ones_to_the_seller(
    seller, buyer, store
):
    public = make_listing(seller=seller, stores=[store], photos=[photo_upload()])
    draft = make_listing(
        seller=seller, stores=[store], photos=[photo_upload()], submit=False
    )
    public_photo, private_photo = public.photos.get(), draft.photos.get()

    assert Client().get(f"/resale/photos/{public_photo.pk}/").status_code == 302
    assert Client().get(f"/resale/photos/{private_photo.pk}/").status_code == 404
    assert (
        client_for(buyer).get(f"/resale/photos/{private_photo.pk}/").status_code == 404
    )
    mine = client_for(seller).get(f"/resale/photos/{private_photo.pk}/thumbnail/")
    assert mine.status_code == 200 and mine["Content-Type"] == "image/jpeg"
    assert Client().get("/resale/photos/999999/").status_code == 404


def test_a_member_makes_an_offer(listing, buyer, store):
    client = client_for(buyer)

    response = client.post(
        f"/resale/{listing.pk}/offer/", {"amount": "40,00", "slot": slot(store)}
    )

    offer = Offer.objects.get()
    assert response.status_code == 302
    assert offer.amount_cents == 4000 and offer.store == store
    assert offer.day == HANDOFF_DAY
    page = text(client.get(listing.get_absolute_url()))
    assert "Your offer of €40.00" in page
    assert "Withdraw my offer" in page


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"amount": "45", "slot": None}, "An offer is below the asking price"),
        ({"amount": "4.999", "slot": None}, "at most two decimals"),
        ({"amount": "-1", "slot": None}, "A price cannot be negative."),
        ({"amount": "10", "slot": ""}, "Choose the store and the day of the hand-off"),
        ({"amount": "10", "slot": "999:2026-11-24"}, "Choose a store and a day"),
        ({"amount": "10", "slot": "garbage"}, "Choose a store and a day"),
    ],
)
def test_a_bad_offer_is_refused_in_words_on_the_page(
    listing, buyer, store, data, words
):
    if data["slot"] is None:
        data["slot"] = slot(store)

    response = client_for(buyer).post(f"/resale/{listing.pk}/offer/", data)

    assert response.status_code == 400
    assert words in text(response)
    assert not Offer.objects.exists()


def test_a_day_the_store_is_closed_is_refused(listing, buyer, store):
    response = client_for(buyer).post(
        f"/resale/{listing.pk}/offer/", {"amount": "10", "slot": slot(store, SUNDAY)}
    )

    assert response.status_code == 400
    assert not Offer.objects.exists()


def test_the_seller_cannot_offer_or_reserve_their_own_listing(listing, seller, store):
    client = client_for(seller)

    offer = client.post(
        f"/resale/{listing.pk}/offer/",
        {"amount": "10", "slot": slot(store)},
        follow=True,
    )
    reserve = client.post(
        f"/resale/{listing.pk}/reserve/", {"slot": slot(store)}, follow=True
    )

    assert offer.status_code == 200 and reserve.status_code == 200
    assert "This is your own listing" in text(offer)
    assert "This is your own listing" in text(reserve)
    assert not Offer.objects.exists() and not Handoff.objects.exists()


def test_actions_are_post_only_and_for_members(listing, buyer, store):
    assert client_for(buyer).get(f"/resale/{listing.pk}/reserve/").status_code == 405
    visitor = Client().post(f"/resale/{listing.pk}/reserve/", {"slot": slot(store)})
    assert visitor.status_code == 302
    assert visitor["Location"].startswith("/accounts/login/")
    assert not Handoff.objects.exists()


def test_a_member_reserves_at_the_full_price_and_gets_a_code(listing, buyer, store):
    client = client_for(buyer)

    response = client.post(
        f"/resale/{listing.pk}/reserve/", {"slot": slot(store)}, follow=True
    )

    handoff = Handoff.objects.get()
    assert handoff.price_cents == 4500 and handoff.buyer == buyer
    listing.refresh_from_db()
    assert listing.state == ListingState.RESERVED
    html = text(response)
    assert "Reserved! Show the code" in html
    assert handoff.code[:4] in html
    again = client.post(f"/resale/{listing.pk}/reserve/", {"slot": slot(store)})
    assert again.status_code in (302, 400)
    assert Handoff.objects.count() == 1


def test_the_second_buyer_is_told_it_is_reserved(listing, buyer, other_buyer, store):
    client_for(buyer).post(f"/resale/{listing.pk}/reserve/", {"slot": slot(store)})

    response = client_for(other_buyer).post(
        f"/resale/{listing.pk}/reserve/", {"slot": slot(store)}, follow=True
    )

    assert response.status_code in (200, 400)
    assert Handoff.objects.count() == 1


def test_the_seller_accepts_an_offer_and_the_listing_is_reserved_at_it(
    listing, seller, buyer, store
):
    offer = offer_make(
        listing=listing, buyer=buyer, amount_cents=4000, store=store, day=HANDOFF_DAY
    )

    response = client_for(seller).post(f"/resale/offers/{offer.pk}/accept/")

    assert response.status_code == 302
    handoff = Handoff.objects.get()
    assert handoff.price_cents == 4000
    assert response["Location"] == f"/me/listings/#handoff-{handoff.pk}"


def test_the_seller_counters_and_the_buyer_answers_on_the_listing(
    listing, seller, buyer, store
):
    offer = offer_make(
        listing=listing, buyer=buyer, amount_cents=3000, store=store, day=HANDOFF_DAY
    )
    seller_client, buyer_client = client_for(seller), client_for(buyer)

    bad = seller_client.post(
        f"/resale/offers/{offer.pk}/counter/", {"amount": "abc"}, follow=True
    )
    assert "Write the price in euros with digits only" in text(bad)
    seller_client.post(f"/resale/offers/{offer.pk}/counter/", {"amount": "42"})

    counter = Offer.objects.get(status=OfferStatus.OPEN)
    assert counter.amount_cents == 4200 and counter.made_by == seller
    page = text(buyer_client.get(listing.get_absolute_url()))
    assert "The seller counters with €42.00" in page
    buyer_client.post(f"/resale/offers/{counter.pk}/accept/")
    assert Handoff.objects.get().price_cents == 4200


def test_offers_answer_only_to_their_parties_and_known_actions(
    listing, buyer, other_buyer, store
):
    offer = offer_make(
        listing=listing, buyer=buyer, amount_cents=3000, store=store, day=HANDOFF_DAY
    )

    stranger = client_for(other_buyer)
    assert stranger.post(f"/resale/offers/{offer.pk}/accept/").status_code == 404
    assert stranger.post(f"/resale/offers/{offer.pk}/withdraw/").status_code == 404
    assert (
        client_for(buyer).post(f"/resale/offers/{offer.pk}/steal/").status_code == 404
    )
    assert client_for(buyer).post("/resale/offers/999999/accept/").status_code == 404
    # The buyer may not accept their own offer: said in words.
    own = client_for(buyer).post(f"/resale/offers/{offer.pk}/accept/", follow=True)
    assert own.status_code == 200
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN
    client_for(buyer).post(f"/resale/offers/{offer.pk}/withdraw/")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN


def test_the_seller_declines_an_offer(listing, seller, buyer, store):
    offer = offer_make(
        listing=listing, buyer=buyer, amount_cents=3000, store=store, day=HANDOFF_DAY
    )

    response = client_for(seller).post(
        f"/resale/offers/{offer.pk}/decline/", follow=True
    )

    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    assert "The offer is declined." in text(response)


def test_the_seller_withdraws_and_puts_back_their_listing(listing, seller, buyer):
    client = client_for(seller)

    assert client_for(buyer).post(f"/resale/{listing.pk}/withdraw/").status_code == 404
    client.post(f"/resale/{listing.pk}/withdraw/")
    listing.refresh_from_db()
    assert listing.state == ListingState.WITHDRAWN
    assert Client().get(listing.get_absolute_url()).status_code == 404
    assert "Put back on sale" in text(client.get(listing.get_absolute_url()))

    client.post(f"/resale/{listing.pk}/relist/")
    listing.refresh_from_db()
    assert listing.state != ListingState.WITHDRAWN


def test_a_sold_listing_keeps_its_page_without_buy_forms(listing, buyer, store, staff):
    client_for(buyer).post(f"/resale/{listing.pk}/reserve/", {"slot": slot(store)})
    handoff = Handoff.objects.get()
    handoff_confirm(store=store, code=handoff.code, by=staff, paid_cents=4500)

    html = text(client_for(buyer).get(listing.get_absolute_url()))

    assert Listing.objects.get().state == ListingState.SOLD
    assert "Sold: this listing is no longer on sale." in html
    assert "Make an offer" not in html


def test_a_counter_offer_above_the_price_is_refused_in_words(
    listing, seller, buyer, store
):
    offer = offer_make(
        listing=listing, buyer=buyer, amount_cents=3000, store=store, day=HANDOFF_DAY
    )
    counter = offer_counter(offer=offer, by=seller, amount_cents=4000)

    response = client_for(buyer).post(
        f"/resale/offers/{counter.pk}/counter/", {"amount": "50"}, follow=True
    )

    assert "below the asking price" in text(response)


def _detail_queries(client, listing) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(listing.get_absolute_url())  # the renditions are made once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(listing.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_with_1_or_6_photos_and_stores(
    seller, buyer, store, other_store, product
):
    from tests.factories import StoreFactory

    more = [StoreFactory(code=f"extra-{n}", name=f"Extra {n}") for n in range(4)]
    small = make_listing(
        seller=seller, stores=[store], product=product, photos=[photo_upload()]
    )
    large = make_listing(
        seller=seller,
        stores=[store, other_store, *more],
        product=product,
        photos=[photo_upload() for _ in range(6)],
    )
    client = client_for(buyer)

    assert _detail_queries(client, large) == _detail_queries(client, small)
