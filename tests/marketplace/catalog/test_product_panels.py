"""What other apps register on product pages and product cards (catalog/panels.py)."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from comptoir.page_cache import page_cache_clear
from marketplace.catalog.models import StockLevel, Store
from marketplace.catalog.panels import (
    PRODUCT_ANNOTATOR_HOOK,
    PRODUCT_PANEL_HOOK,
    ProductAnnotator,
    ProductPanel,
)
from tests.community.reviews.html_check import json_ld_blocks
from tests.factories import StockLevelFactory, StoreFactory

from .conftest import make_products, use_templates

pytestmark = pytest.mark.django_db

CATALOG_TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "catalog"
INCLUDE = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")


class CareTipsPanel(ProductPanel):
    """Shown before the reviews (order 100), with a JSON-LD field of its own."""

    name = "care-tips"
    order = 10
    template_name = "tests/care_tips.html"

    def get_context(self, request, product):
        return {"tip": f"Rincez {product.name} après usage"}

    def json_ld(self, context):
        return {"slogan": context["tip"], "sku": "NOT-THE-SKU"}


class SecondHandPanel(ProductPanel):
    """Shown after the reviews, adding one more field."""

    name = "second-hand"
    order = 500
    template_name = "tests/second_hand.html"

    def json_ld(self, context):
        return {"isRelatedTo": {"@type": "Product", "name": "Arrosoir d'occasion"}}


PANEL_TEMPLATES = {
    # The page's context is there too: the product, the request, the viewer.
    "tests/care_tips.html": (
        '<section data-panel="care-tips">{{ tip }} · {{ product.sku }}'
        " · {{ request.path }}</section>"
    ),
    "tests/second_hand.html": '<section data-panel="second-hand">Occasions</section>',
}


def test_a_registered_panel_shows_in_its_order_and_adds_its_json_ld(
    client, settings, tmp_path, product
):
    # given two panels registered on either side of the reviews' panel
    use_templates(settings, tmp_path, PANEL_TEMPLATES)
    with hooks.register_temporarily(
        [(PRODUCT_PANEL_HOOK, SecondHandPanel), (PRODUCT_PANEL_HOOK, CareTipsPanel)]
    ):
        # when a visitor opens the product page
        response = client.get(product.get_absolute_url())

    # then each panel is rendered with its context and the page's, in its order
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Rincez Arrosoir galvanisé 10 L après usage · ARR-0042"
        " · /products/arrosoir-galvanise-10-l/" in page
    )
    positions = [
        page.index(marker)
        for marker in (
            'id="stock-heading"',
            'data-panel="care-tips"',
            'id="reviews-heading"',
            'data-panel="second-hand"',
            'id="shelf-heading"',
        )
    ]
    assert positions == sorted(positions)
    # and their fields join the catalog's in the one Product object
    (data,) = json_ld_blocks(page)
    assert data["@type"] == "Product"
    assert data["sku"] == "ARR-0042"  # a panel never replaces the catalog's fields
    assert data["slogan"] == "Rincez Arrosoir galvanisé 10 L après usage"
    assert data["isRelatedTo"] == {"@type": "Product", "name": "Arrosoir d'occasion"}
    assert data["offers"]["price"] == "24.90"


def test_without_the_panel_the_page_shows_none_of_it(client, product):
    page = client.get(product.get_absolute_url()).content.decode()

    assert 'data-panel="care-tips"' not in page
    (data,) = json_ld_blocks(page)
    assert "slogan" not in data


class StoresInStockAnnotator(ProductAnnotator):
    """How many stores hold the product, as one more column of the list's query."""

    name = "stores-in-stock"
    card_template = "tests/stores_in_stock.html"

    def annotate(self, queryset):
        stores = (
            StockLevel.objects.filter(product=OuterRef("pk"), quantity__gt=0)
            .values("product")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return queryset.annotate(
            stores_in_stock=Coalesce(
                Subquery(stores, output_field=IntegerField()), Value(0)
            )
        )


ANNOTATOR_TEMPLATES = {
    "tests/stores_in_stock.html": (
        '<p class="stores-in-stock">In {{ product.stores_in_stock }} stores</p>'
    ),
}


def built_list(client):
    # The factories tell no cache of their products: the list is built again.
    with TestCase.captureOnCommitCallbacks(execute=True):
        page_cache_clear()
    return client.get("/products/")


def list_queries(client) -> tuple[int, str]:
    built_list(client)  # image renditions are made on the first visit
    with CaptureQueriesContext(connection) as queries:
        response = built_list(client)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def stocked_products(count: int, stores: int) -> None:
    shops = [StoreFactory() for _ in range(stores)]
    for product in make_products(count):
        for shop in shops:
            StockLevelFactory(product=product, store=shop, quantity=2)


def test_an_annotator_shows_on_every_card_in_the_same_queries(
    client, settings, tmp_path
):
    # given a small catalog, and the list's cost without the annotator
    use_templates(settings, tmp_path, ANNOTATOR_TEMPLATES)
    stocked_products(2, stores=3)
    without, _ = list_queries(client)

    with hooks.register_temporarily(PRODUCT_ANNOTATOR_HOOK, StoresInStockAnnotator):
        # when the list is shown with the annotator registered, small then large
        small, small_page = list_queries(client)
        stocked_products(20, stores=3)
        large, large_page = list_queries(client)

    # then every card shows its figure and the query count never moves
    assert small_page.count('<p class="stores-in-stock">In 3 stores</p>') == 2
    assert large_page.count('<p class="stores-in-stock">In 3 stores</p>') == 22
    assert without == small == large


def test_store_cards_are_not_annotated(client, settings, tmp_path):
    # given an annotator and a store page, whose product list is not annotated
    use_templates(settings, tmp_path, ANNOTATOR_TEMPLATES)
    stocked_products(2, stores=1)
    store = Store.objects.get()

    with hooks.register_temporarily(PRODUCT_ANNOTATOR_HOOK, StoresInStockAnnotator):
        page = client.get(f"/stores/{store.code}/").content.decode()

    # then its cards show no figure it has not read
    assert page.count('class="card product-card"') == 2
    assert "stores-in-stock" not in page


def test_catalog_templates_include_no_other_apps_templates():
    # The catalog shows reviews, ideas… only through registered panels and cards.
    includes = {
        name
        for path in CATALOG_TEMPLATES.rglob("*.html")
        for name in INCLUDE.findall(path.read_text(encoding="utf-8"))
    }
    assert includes
    own = ("catalog/", "includes/")
    assert {name for name in includes if not name.startswith(own)} == set()
