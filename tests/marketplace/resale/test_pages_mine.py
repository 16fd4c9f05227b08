"""/me/listings/: my listings by state with their offers (answer buttons) and
hand-offs (code and QR), my offers and what I reserved; nobody else's."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from marketplace.resale.models import Handoff
from marketplace.resale.services import listing_reserve, offer_make

from .fixtures import HANDOFF_DAY, make_listing, photo_upload

pytestmark = pytest.mark.django_db

MINE_URL = "/me/listings/"


def text(response) -> str:
    return response.content.decode()


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_visitors_are_sent_to_log_in(db):
    response = Client().get(MINE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_member_menu_links_to_my_listings(seller):
    html = text(client_for(seller).get(MINE_URL))

    assert '<li><a href="/me/listings/">My listings</a></li>' in html


def test_my_listings_by_state_with_offers_to_answer(listing, seller, buyer, store):
    make_listing(seller=seller, stores=[store], title="Brouette", submit=False)
    offer = offer_make(
        listing=listing, buyer=buyer, amount_cents=4000, store=store, day=HANDOFF_DAY
    )

    html = text(client_for(seller).get(MINE_URL))

    assert "On sale" in html and "Draft" in html
    assert html.index("On sale") < html.index("Draft")
    assert "Bao offers €40.00, hand-off at Lyon Part-Dieu" in html
    assert f'action="/resale/offers/{offer.pk}/accept/"' in html
    assert f'action="/resale/offers/{offer.pk}/decline/"' in html
    assert f'action="/resale/offers/{offer.pk}/counter/"' in html
    assert "Brouette" in html


def test_both_parties_see_the_handoff_code_and_its_qr(listing, seller, buyer, store):
    handoff = listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY
    )
    shown = f"{handoff.code[:4]}-{handoff.code[4:]}"

    for member in (seller, buyer):
        html = text(client_for(member).get(MINE_URL))
        assert shown in html
        assert f'src="/me/listings/handoffs/{handoff.pk}/qr.svg"' in html
    assert "Reserved by Bao" in text(client_for(seller).get(MINE_URL))

    qr = client_for(buyer).get(f"/me/listings/handoffs/{handoff.pk}/qr.svg")
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert "no-store" in qr["Cache-Control"]


def test_nobody_else_gets_the_qr_code(listing, buyer, other_buyer, staff, store):
    handoff = listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY
    )
    url = f"/me/listings/handoffs/{handoff.pk}/qr.svg"

    assert client_for(other_buyer).get(url).status_code == 404
    assert client_for(staff).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert (
        client_for(buyer).get("/me/listings/handoffs/999999/qr.svg").status_code == 404
    )


def test_a_party_cancels_the_reservation(listing, seller, buyer, other_buyer, store):
    handoff = listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY
    )

    stranger = client_for(other_buyer).post(f"/resale/handoffs/{handoff.pk}/cancel/")
    assert stranger.status_code == 404
    response = client_for(buyer).post(
        f"/resale/handoffs/{handoff.pk}/cancel/", follow=True
    )

    handoff.refresh_from_db()
    assert handoff.status == "cancelled"
    assert "The reservation is cancelled" in text(response)
    again = client_for(buyer).post(f"/resale/handoffs/{handoff.pk}/cancel/")
    assert again.status_code == 302
    assert Handoff.objects.filter(status="cancelled").count() == 1


def test_my_offers_on_others_listings_can_be_withdrawn(listing, buyer, store):
    offer = offer_make(
        listing=listing, buyer=buyer, amount_cents=4000, store=store, day=HANDOFF_DAY
    )

    html = text(client_for(buyer).get(MINE_URL))

    assert "your offer of €40.00 waits for the seller" in html
    assert f'action="/resale/offers/{offer.pk}/withdraw/"' in html
    assert "You have nothing on sale." in html


def _mine_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MINE_URL).status_code == 200
    return len(queries)


def test_my_listings_cost_the_same_queries_for_2_or_6_listings(
    seller, buyer, other_buyer, store
):
    client = client_for(seller)

    def add(count):
        for n in range(count):
            listing = make_listing(
                seller=seller,
                stores=[store],
                title=f"Objet {n}",
                photos=[photo_upload()],
            )
            offer_make(
                listing=listing,
                buyer=other_buyer,
                amount_cents=1000,
                store=store,
                day=HANDOFF_DAY,
            )
            listing_reserve(listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY)

    add(2)
    client.get(MINE_URL)
    small = _mine_queries(client)
    add(4)
    client.get(MINE_URL)

    assert _mine_queries(client) == small


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", f"/resale/{HUGE}/edit/"),
        ("get", f"/resale/{HUGE}-x/"),
        ("post", f"/resale/{HUGE}/offer/"),
        ("post", f"/resale/{HUGE}/reserve/"),
        ("post", f"/resale/{HUGE}/withdraw/"),
        ("post", f"/resale/offers/{HUGE}/accept/"),
        ("post", f"/resale/handoffs/{HUGE}/cancel/"),
        ("get", f"/resale/photos/{HUGE}/"),
        ("get", f"/me/listings/handoffs/{HUGE}/qr.svg"),
    ],
)
def test_ids_out_of_any_range_are_404_not_500(seller, method, url):
    response = getattr(client_for(seller), method)(url)

    assert response.status_code == 404
