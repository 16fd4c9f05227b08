"""/me/purchases/: a member's matched purchases, newest first, each with the
product, day, store, amount, the shop's buy-back price and "Resell this"; only
one's own; refunded ones marked and not offered for resale."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.sales.models import SaleEvent
from tests.factories import ProductFactory

from .fixtures import NOW, purchase_of

pytestmark = pytest.mark.django_db

URL = "/me/purchases/"


def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def page(member, **params) -> str:
    response = member_client(member).get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_url_is_named():
    assert reverse("resale:purchases") == URL


def test_visitors_are_asked_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "login" in response.url


def test_my_purchases_show_product_day_store_amount_and_resell(
    seller, purchase, product
):
    html = page(seller)

    assert "Sécateur Pro" in html
    assert purchase.occurred_at.strftime("%Y") in html
    assert "Lyon Part-Dieu" in html
    assert "€89.90" in html
    assert f'href="/resale/new/?purchase={purchase.pk}"' in html
    # 50 % of €89.90, as new with its tags.
    assert "The shop buys it back for up to €44.95 in store credit" in html


def test_only_my_purchases_are_shown(seller, buyer, purchase, store):
    theirs = purchase_of(buyer, ProductFactory(name="Bêche forgée"), store=store)

    mine = page(seller)
    their_page = page(buyer)

    assert "Bêche forgée" not in mine
    assert f"purchase={theirs.pk}" not in mine
    assert "Sécateur Pro" not in their_page
    assert "Bêche forgée" in their_page


def test_newest_first(seller, product, store):
    older = purchase_of(
        seller, ProductFactory(name="Arrosoir"), when=NOW - dt.timedelta(days=30)
    )
    newer = purchase_of(
        seller, ProductFactory(name="Râteau"), when=NOW - dt.timedelta(days=2)
    )

    html = page(seller)

    assert html.index(f"purchase-{newer.pk}") < html.index(f"purchase-{older.pk}")


def test_a_refunded_purchase_is_marked_and_not_offered_for_resale(seller, purchase):
    SaleEvent.objects.create(
        external_id="refund-1",
        kind=SaleEvent.Kind.REFUND,
        product=purchase.product,
        member=seller,
        store=purchase.store,
        quantity=1,
        channel=SaleEvent.Channel.STORE,
        amount_cents=purchase.amount_cents,
        net_cents=-purchase.amount_cents,
        refund_of=purchase.external_id,
        occurred_at=NOW - dt.timedelta(days=100),
    )

    html = page(seller)

    assert "Refunded" in html
    assert f"purchase={purchase.pk}" not in html
    # The refund itself is no purchase.
    assert html.count('class="card purchase-card"') == 1


def test_the_listing_made_from_a_purchase_is_shown(seller, listing):
    html = page(seller)

    assert "Your listing:" in html
    assert listing.get_absolute_url() in html


def test_resell_this_starts_the_listing_form_from_the_product(seller, purchase):
    response = member_client(seller).get(f"/resale/new/?purchase={purchase.pk}")

    assert response.status_code == 200
    assert "Sécateur Pro" in response.content.decode()


def test_the_page_says_when_no_purchase_is_linked(buyer):
    assert "No purchase is linked to your account yet." in page(buyer)


def test_many_purchases_page_in_the_same_queries(seller, product, store):
    purchase_of(seller, product, store=store)
    client = member_client(seller)
    client.get(URL)  # what a first request reads once (settings, the menu)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for day in range(24):
        purchase_of(seller, product, store=store, when=NOW - dt.timedelta(days=day))
    with CaptureQueriesContext(connection) as many:
        html = client.get(URL).content.decode()

    assert html.count('class="card purchase-card"') == 20
    assert 'rel="next"' in html
    assert len(many) == len(few)


def test_the_member_menu_links_to_my_purchases(seller):
    html = member_client(seller).get("/me/listings/").content.decode()

    assert 'href="/me/purchases/"' in html
    assert "My purchases" in html
