"""The "Reserve" links where products show: next to each stock line with free
units, and "Reserve at <store>, your store" for a member on the product page and
in search results (reservations/actions.py)."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.reservations.actions import ReserveAction
from tests.factories import ProductFactory

from .conftest import make_reservation, stock_set

pytestmark = pytest.mark.django_db


def reserve_href(product, store) -> str:
    query = urlencode({"product": product.sku, "store": store.code})
    return f'href="{reverse("reservations:new")}?{query}"'.replace("&", "&amp;")


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def at_home(member, store):
    """Camille, whose home store is Lyon Part-Dieu, logged in."""
    member.home_store = store
    member.save(update_fields=["home_store"])
    client = Client()
    client.force_login(member)
    return client


def test_reserve_here_shows_next_to_stores_with_free_units(
    client, product, store, other_store
):
    # Given Nantes has nothing on the shelf
    stock_set(product, other_store, 0)

    page = text(client.get(product.get_absolute_url()))

    assert f"{reserve_href(product, store)}>Reserve here" in page
    # The line with nothing free keeps its link hidden, for the live script
    assert f"{reserve_href(product, other_store)} hidden>Reserve here" in page


def test_reserve_here_is_hidden_once_every_unit_is_reserved(
    client, member, product, store, other_store
):
    make_reservation(member=member, product=product, store=other_store, quantity=3)

    page = text(client.get(product.get_absolute_url()))

    assert "Out of stock at Nantes Centre" in page
    assert f"{reserve_href(product, other_store)} hidden>" in page
    assert f"{reserve_href(product, store)}>" in page


def test_reserve_here_leads_to_the_form_for_that_store(at_home, product, other_store):
    page = text(at_home.get(product.get_absolute_url()))
    start = page.index(reserve_href(product, other_store)) + len('href="')
    url = page[start : page.index('"', start)].replace("&amp;", "&")

    form = at_home.get(url)

    assert form.status_code == 200
    assert "Reserve at Nantes Centre" in text(form)


def test_the_product_page_offers_the_member_their_home_store(at_home, product, store):
    page = text(at_home.get(product.get_absolute_url()))

    link = f"{reserve_href(product, store)}>Reserve at Lyon Part-Dieu, your store"
    assert link in page
    assert "5 units free there now" in page


def test_no_home_store_link_when_nothing_is_free_there(
    at_home, other_member, product, store
):
    make_reservation(member=other_member, product=product, store=store, quantity=5)

    page = text(at_home.get(product.get_absolute_url()))

    assert "your store" not in page


def test_no_home_store_link_for_a_member_without_one(member, product):
    client = Client()
    client.force_login(member)

    page = text(client.get(product.get_absolute_url()))

    assert "Reserve here" in page
    assert "your store" not in page


def test_search_results_offer_the_member_their_home_store(at_home, product, store):
    results = text(at_home.get("/search/", {"q": "arrosoir"}))

    assert "Arrosoir galvanisé 10 L" in results
    assert (
        f"{reserve_href(product, store)}>Reserve at Lyon Part-Dieu, your store"
        in results
    )


def test_search_results_offer_visitors_no_reserve_link(client, product):
    results = text(client.get("/search/", {"q": "arrosoir"}))

    assert "Arrosoir galvanisé 10 L" in results
    assert "Reserve" not in results


def test_member_links_cost_one_query_for_any_number_of_products(member, store, product):
    member.home_store = store
    member.save(update_fields=["home_store"])
    request = RequestFactory().get("/search/")
    request.user = member
    more = [ProductFactory() for _ in range(6)]
    for extra in more[:4]:
        stock_set(extra, store, 2)
    make_reservation(member=member, product=more[0], store=store, quantity=2)
    action = ReserveAction()

    with CaptureQueriesContext(connection) as one:
        action.member_links(request, [product])
    with CaptureQueriesContext(connection) as seven:
        links = action.member_links(request, [product, *more])

    assert len(one) == len(seven) == 1
    # Stocked and free: the product and three others; the fourth is all reserved,
    # the last two are not stocked there.
    assert set(links) == {product.pk, *(extra.pk for extra in more[1:4])}
