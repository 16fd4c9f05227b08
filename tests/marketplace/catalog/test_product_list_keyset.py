"""/products/ by keyset: stable links, no duplicates or gaps, a cheap last page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.catalog.models import Product
from tests.factories import ProductFactory, StockLevelFactory, StoreFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 24


def names(response) -> list[str]:
    return [p.name for p in response.context["page_obj"].object_list]


def walk(client, query: str) -> list[list[str]]:
    """Every page from the first, following the "next" cursors."""
    pages = []
    url = f"/products/?{query}"
    while True:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(names(response))
        page = response.context["page_obj"]
        if not page.has_next:
            return pages
        url = f"/products/?{query}&after={page.next_cursor}"


def catalog_with_ties(count: int = 53) -> list[Product]:
    # Many products share a name, a price and a creation time: only the id
    # tells them apart, which is where OFFSET-free paging goes wrong.
    created = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    products = [
        ProductFactory(name=f"Râteau {n % 3}", price_cents=1000 + n % 2)
        for n in range(count)
    ]
    Product.objects.update(created_at=created)
    return products


@pytest.mark.parametrize("sort", ["name", "price", "-price", "newest"])
def test_every_product_once_in_sort_order_across_pages(client, sort):
    # given a catalog of 53 products with ties on every sort key
    catalog_with_ties()

    # when a visitor follows "next" from the first page to the end
    pages = walk(client, f"sort={sort}")

    # then there are 3 pages of 24, 24 and 5, each product once, in the sort order
    assert [len(page) for page in pages] == [24, 24, 5]
    seen = [name for page in pages for name in page]
    expected = [
        p.name
        for p in Product.objects.order_by(
            *{
                "name": ("name", "id"),
                "price": ("price_cents", "id"),
                "-price": ("-price_cents", "-id"),
                "newest": ("-created_at", "-id"),
            }[sort]
        )
    ]
    assert seen == expected


def test_previous_links_go_back_to_the_same_pages(client):
    catalog_with_ties()
    first = client.get("/products/")
    second = client.get(f"/products/?after={first.context['page_obj'].next_cursor}")

    back = client.get(f"/products/?before={second.context['page_obj'].previous_cursor}")

    assert names(back) == names(first)
    assert back.context["page_obj"].has_previous is False
    assert back.context["page_obj"].has_next is True


def test_last_page_holds_what_is_left_and_links_back(client):
    catalog_with_ties()
    pages = walk(client, "sort=price")

    last = client.get("/products/?sort=price&page=last")

    page = last.context["page_obj"]
    assert names(last) == pages[-1]
    assert page.has_next is False and page.has_previous is True
    assert page.number == page.num_pages == 3
    assert 'rel="next"' not in last.content.decode()
    before = client.get(f"/products/?sort=price&before={page.previous_cursor}")
    assert names(before) == pages[-2]


def test_last_page_costs_the_queries_of_the_first(client):
    catalog_with_ties()
    client.get("/products/")
    client.get("/products/?page=last")

    with CaptureQueriesContext(connection) as first:
        client.get("/products/")
    with CaptureQueriesContext(connection) as last:
        client.get("/products/?page=last")

    assert len(first) == len(last)
    assert not any("OFFSET" in q["sql"] for q in last.captured_queries)


def test_cursors_combine_with_filters(client):
    # given 30 products in stock at one store, 30 elsewhere, all tagged
    main, other = StoreFactory(code="main"), StoreFactory(code="other")
    for n in range(60):
        product = ProductFactory(name=f"Pelle {n:02d}")
        product.tags.add("jardin")
        StockLevelFactory(product=product, store=main if n % 2 else other, quantity=2)

    # when a visitor walks the pages of that store's stock
    pages = walk(client, "store=main&tag=jardin")

    # then only that store's 30 are shown, once each
    seen = [name for page in pages for name in page]
    assert seen == [f"Pelle {n:02d}" for n in range(1, 60, 2)]


def test_old_numbered_links_still_answer(client):
    catalog_with_ties()
    pages = walk(client, "sort=name")

    second = client.get("/products/?sort=name&page=2")

    assert second.status_code == 200
    assert names(second) == pages[1]
    # its own links are cursors
    html = second.content.decode()
    assert "after=" in html and "before=" in html


@pytest.mark.parametrize(
    "query",
    [
        "after=garbage",
        "after=%FF%FE",
        "before=W10",  # valid base64 of "[]"
        "after=WyJuYW1lIiwiUiIsIngiXQ",  # ["name","R","x"]: an id that is no id
        "after=WyJwcmljZSIsMSwyXQ",  # a cursor of the price sort on the name sort
        "page=abc",
        "page=-3",
    ],
)
def test_a_bad_cursor_gives_the_first_page(client, query):
    catalog_with_ties()
    first = names(client.get("/products/"))

    response = client.get(f"/products/?{query}")

    assert response.status_code == 200
    assert names(response) == first


def test_a_product_added_meanwhile_does_not_shift_the_next_page(client):
    # given a visitor on the first page
    catalog_with_ties(30)
    first = client.get("/products/")
    cursor = first.context["page_obj"].next_cursor
    expected_second = names(client.get(f"/products/?after={cursor}"))

    # when a product sorting before everything is added
    ProductFactory(name="Aaa tout premier")

    # then the page after the one they saw is still the same
    assert names(client.get(f"/products/?after={cursor}")) == expected_second
