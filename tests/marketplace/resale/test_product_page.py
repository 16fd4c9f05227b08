"""Second-hand on the catalog's product page: the listings on sale from the lowest
price, the shop's buy-back price, and the residual value once the product was
resold 5 times in the stores (the median paid, as a share of the new price); in
a fixed number of queries, kept until a listing of the product changes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.resale.product_page import product_second_hand
from marketplace.resale.services import handoff_confirm, listing_reserve
from tests.factories import ProductFactory

from .fixtures import HANDOFF_DAY, NOW, make_listing

pytestmark = pytest.mark.django_db


def product_page(client, product) -> str:
    url = reverse("catalog:product_detail", kwargs={"slug": product.slug})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str) -> str:
    if 'id="second-hand"' not in html:
        return ""
    start = html.index('id="second-hand"')
    return html[start : html.index("</section>", start)]


def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def sell(*, seller, buyer, staff, store, product, price_cents, title="Sécateur"):
    """A listing of `product` sold at `price_cents`, handed over in `store`."""
    listing = make_listing(
        seller=seller,
        stores=[store],
        product=product,
        title=f"{title} {price_cents}",
        price_cents=price_cents,
    )
    handoff = listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )
    return handoff_confirm(
        store=store, code=handoff.code, by=staff, paid_cents=price_cents, now=NOW
    )


@pytest.fixture
def sold(seller, buyer, staff, store, product):
    """The Sécateur Pro (€89.90 new) resold four times: €40, €45, €50, €60."""

    def more(*prices):
        for price in prices:
            sell(
                seller=seller,
                buyer=buyer,
                staff=staff,
                store=store,
                product=product,
                price_cents=price,
            )

    more(4000, 4500, 5000, 6000)
    return more


def test_the_panel_shows_the_offers_from_the_lowest_price(
    client, seller, store, product, listing
):
    make_listing(seller=seller, stores=[store], product=product, price_cents=3900)
    # Neither a draft nor another product's listing counts.
    make_listing(
        seller=seller, stores=[store], product=product, price_cents=100, submit=False
    )
    make_listing(
        seller=seller,
        stores=[store],
        product=ProductFactory(slug="beche"),
        price_cents=200,
    )

    shown = panel(product_page(client, product))

    assert "Second-hand from €39.00 — 2 offers" in shown
    assert 'href="/resale/?product=SEC-0042"' in shown


def test_one_offer_is_said_in_the_singular(client, listing, product):
    assert "Second-hand from €45.00 — 1 offer<" in panel(product_page(client, product))


def test_the_shop_s_buy_back_price_is_the_top_tier_of_the_new_price(client, product):
    # 50 % of €89.90 for "new with tags", the best condition.
    shown = panel(product_page(client, product))

    assert "The shop buys it back for up to €44.95" in shown
    assert "Second-hand from" not in shown


def test_no_panel_for_a_product_the_shop_does_not_buy_back_and_no_one_sells(client):
    from marketplace.resale.models import ResaleSettings

    rules = ResaleSettings.load()
    rules.buyback_new_bp = 0
    rules.save()
    product = ProductFactory(slug="arrosoir")

    assert panel(product_page(client, product)) == ""


def test_four_sales_give_no_residual_value_yet(client, sold, product):
    shown = panel(product_page(client, product))

    assert "Resold at" not in shown


def test_the_fifth_sale_shows_the_residual_value_as_the_median(
    django_capture_on_commit_callbacks, sold, buyer, product
):
    client = member_client(buyer)
    assert "Resold at" not in panel(product_page(client, product))

    with django_capture_on_commit_callbacks(execute=True):
        sold(7000)

    # Median of 40, 45, 50, 60, 70 is €50: 55.6 % of €89.90.
    assert "Resold at 56 % of the new price on average (median of 5 sales)" in panel(
        product_page(client, product)
    )


def test_an_even_number_of_sales_takes_the_mean_of_the_middle_two(sold, product):
    sold(7000, 8000)

    figures = product_second_hand(product_id=product.pk)

    # 40, 45, 50, 60, 70, 80: (50 + 60) / 2.
    assert figures.sales == 6
    assert figures.median_cents == 5500


def test_a_listing_put_on_sale_shows_at_once_for_members(
    django_capture_on_commit_callbacks, buyer, seller, store, product, listing
):
    client = member_client(buyer)
    assert "— 1 offer" in panel(product_page(client, product))

    with django_capture_on_commit_callbacks(execute=True):
        make_listing(seller=seller, stores=[store], product=product, price_cents=3000)

    assert "Second-hand from €30.00 — 2 offers" in panel(product_page(client, product))


def test_the_figures_cost_four_queries_whatever_the_number_of_sales(
    django_assert_num_queries, sold, product
):
    # listings, sales, the buy-back rules; the median from 5 sales
    with django_assert_num_queries(3):  # below 5 sales, no median to read
        product_second_hand(product_id=product.pk)
    sold(7000)
    with django_assert_num_queries(4):
        product_second_hand(product_id=product.pk)
    sold(8000, 9000)
    with django_assert_num_queries(4):
        product_second_hand(product_id=product.pk)


def test_the_page_costs_the_same_with_more_listings_and_sales(
    django_capture_on_commit_callbacks, sold, buyer, seller, store, product
):
    client = member_client(buyer)
    with CaptureQueriesContext(connection) as few:
        product_page(client, product)
    with django_capture_on_commit_callbacks(execute=True):
        sold(7000, 8000)
        make_listing(seller=seller, stores=[store], product=product, price_cents=3000)
    with CaptureQueriesContext(connection) as more:
        html = product_page(client, product)

    assert "Resold at" in panel(html)
    assert len(more) == len(few)


def test_the_panel_reads_nothing_again_while_nothing_changed(sold, buyer, product):
    client = member_client(buyer)
    with CaptureQueriesContext(connection) as first:
        product_page(client, product)
    with CaptureQueriesContext(connection) as second:
        product_page(client, product)

    resale_reads = [
        query["sql"]
        for query in second.captured_queries
        if "resale_handoff" in query["sql"] or "resale_listing" in query["sql"]
    ]
    assert len(second) < len(first)
    assert resale_reads == []


def test_new_buy_back_rules_show_at_once(
    client, product, buyer, django_capture_on_commit_callbacks
):
    from marketplace.resale.models import ResaleSettings

    client.force_login(buyer)
    assert "buys it back for up to €44.95" in panel(product_page(client, product))

    rules = ResaleSettings.load()
    rules.buyback_new_bp = 6000
    with django_capture_on_commit_callbacks(execute=True):
        rules.save()

    assert "buys it back for up to €53.94" in panel(product_page(client, product))
