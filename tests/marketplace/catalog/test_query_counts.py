"""A page's query count must not grow with the rows it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProductFactory, StockLevelFactory, StoreFactory

from .conftest import make_image, make_products

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    # The first visit makes the image renditions; later visits only read them.
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def build_catalog(products: int, stores: int) -> None:
    # "main" always exists, so the filtered URLs really filter.
    store_rows = [StoreFactory(code="main")] + [StoreFactory() for _ in range(stores)]
    for product in make_products(products, tags=("jardin", "outils")):
        for store in store_rows:
            StockLevelFactory(product=product, store=store, quantity=3)


@pytest.mark.parametrize(
    "url",
    [
        "/products/",
        "/products/?tag=jardin&sort=-price",
        "/products/?store=main&sort=newest",
    ],
)
def test_product_list_query_count_does_not_grow(client, url):
    # given a small catalog
    build_catalog(products=3, stores=1)
    small = count_queries(client, url)

    # when the catalog grows tenfold
    build_catalog(products=27, stores=8)
    large = count_queries(client, url)

    # then the page costs the same number of queries
    assert small == large


def test_store_detail_query_count_does_not_grow(client):
    build_catalog(products=3, stores=0)
    small = count_queries(client, "/stores/main/")

    store = StoreFactory(code="main")
    for product in make_products(20):
        StockLevelFactory(product=product, store=store, quantity=1)
    large = count_queries(client, "/stores/main/")

    assert small == large


def test_store_list_query_count_does_not_grow(client):
    build_catalog(products=2, stores=2)
    small = count_queries(client, "/stores/")

    build_catalog(products=2, stores=10)
    large = count_queries(client, "/stores/")

    assert small == large


def test_product_page_query_count_does_not_grow(client):
    # given a product with a photo, two tags and stock in two stores
    product = ProductFactory(slug="bache", image=make_image())
    product.tags.add("jardin", "outils")
    for _ in range(2):
        StockLevelFactory(product=product, store=StoreFactory(), quantity=4)
    small = count_queries(client, "/products/bache/")

    # when it gains stores and tags
    product.tags.add("arrosage", "potager", "été")
    for _ in range(8):
        StockLevelFactory(product=product, store=StoreFactory(), quantity=4)
    large = count_queries(client, "/products/bache/")

    # then the page costs the same number of queries
    assert small == large


def test_product_list_of_24_cards_stays_within_its_queries(
    client, django_assert_max_num_queries
):
    # given a full page of products with photos and tags, and more after it
    build_catalog(products=30, stores=2)
    client.get("/products/")  # renditions made, cards kept

    # then a page of 24 cards costs: count, rows (with the ratings' join), tags,
    # images and renditions, the filters' tags and stores
    with django_assert_max_num_queries(7):
        response = client.get("/products/")
    assert len(response.context["page_obj"].object_list) == 24


def test_product_page_stays_within_its_queries(client, django_assert_max_num_queries):
    product = ProductFactory(slug="bache", image=make_image())
    product.tags.add("jardin", "outils")
    StockLevelFactory(product=product, store=StoreFactory(), quantity=4)
    client.get("/products/bache/")

    # product (+ tags, image, renditions), stock, the reviews panel's reads
    with django_assert_max_num_queries(8):
        assert client.get("/products/bache/").status_code == 200
