import re

import pytest
from django.urls import reverse

from tests.factories import ProductFactory, StockLevelFactory, StoreFactory

from .conftest import make_image

pytestmark = pytest.mark.django_db


def names_on_page(response) -> list[str]:
    return [p.name for p in response.context["page_obj"].object_list]


def test_product_list_shows_active_products_with_price_and_tags(client, product):
    # given an active product and an inactive one
    ProductFactory(name="Tondeuse retirée", active=False)

    # when a visitor opens the product list
    response = client.get("/products/")

    # then only the active product is listed, with its price and tags
    assert response.status_code == 200
    html = response.content.decode()
    assert "Arrosoir galvanisé 10 L" in html
    assert "Tondeuse retirée" not in html
    assert "€24.90" in html
    assert 'href="/products/?tag=arrosage"' in html
    assert '<label for="id_tag">' in html


def test_product_list_without_products_says_so(client):
    response = client.get("/products/")

    assert response.status_code == 200
    assert "There are no products in the catalog yet." in response.content.decode()


def test_product_list_filters_by_tag(client, product):
    # given one product tagged "arrosage" and one that is not
    other = ProductFactory(name="Pelle")
    other.tags.add("Outils")

    response = client.get("/products/?tag=arrosage")

    assert names_on_page(response) == ["Arrosoir galvanisé 10 L"]


def test_product_list_filters_by_stock_at_a_store(client, lyon, nantes):
    # given products in stock at Lyon, out of stock at Lyon, and in stock elsewhere
    in_lyon = ProductFactory(name="Bêche")
    empty_in_lyon = ProductFactory(name="Râteau")
    only_nantes = ProductFactory(name="Sécateur")
    StockLevelFactory(product=in_lyon, store=lyon, quantity=3)
    StockLevelFactory(product=empty_in_lyon, store=lyon, quantity=0)
    StockLevelFactory(product=only_nantes, store=nantes, quantity=9)

    response = client.get("/products/?store=lyon-part-dieu")

    assert names_on_page(response) == ["Bêche"]


def test_product_list_filtered_to_nothing_offers_a_way_back(client, lyon, product):
    response = client.get("/products/?store=lyon-part-dieu")

    html = response.content.decode()
    assert "No product matches these filters." in html
    assert "See all products" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Arrosoir", "Bêche", "Cisaille"]),
        ("price", ["Cisaille", "Arrosoir", "Bêche"]),
        ("-price", ["Bêche", "Arrosoir", "Cisaille"]),
        ("newest", ["Cisaille", "Bêche", "Arrosoir"]),
    ],
)
def test_product_list_sorts(client, sort, expected):
    # given three products created in this order
    ProductFactory(name="Arrosoir", price_cents=2000)
    ProductFactory(name="Bêche", price_cents=3000)
    ProductFactory(name="Cisaille", price_cents=1000)

    response = client.get(f"/products/?sort={sort}")

    assert names_on_page(response) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?sort=cheapest", "“cheapest” is not a way to sort: sorted by name."),
        (
            "?store=atlantis",
            "There is no store “atlantis”: showing stock in every store.",
        ),
        ("?tag=nope", "There is no category “nope”: showing every category."),
    ],
)
def test_product_list_bad_filter_is_explained_and_ignored(client, query, message):
    # given two products
    ProductFactory(name="Bêche", price_cents=3000)
    ProductFactory(name="Arrosoir", price_cents=2000)

    response = client.get(f"/products/{query}")

    # then the page still lists everything by name and says what was wrong
    assert response.status_code == 200
    assert message in response.content.decode()
    assert names_on_page(response) == ["Arrosoir", "Bêche"]


def test_product_list_keeps_valid_filters_when_another_is_bad(client, product):
    ProductFactory(name="Pelle").tags.add("Outils")

    response = client.get("/products/?tag=arrosage&sort=bogus")

    assert names_on_page(response) == ["Arrosoir galvanisé 10 L"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5", ""])
def test_product_list_bad_page_number_falls_back(client, page):
    ProductFactory.create_batch(25)

    response = client.get(f"/products/?page={page}")

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) in (24, 1)


def test_product_list_paginates_by_24_and_keeps_filters_in_links(client):
    for _ in range(25):
        ProductFactory().tags.add("jardin")

    first = client.get("/products/?tag=jardin")
    cursor = first.context["page_obj"].next_cursor
    second = client.get(f"/products/?tag=jardin&after={cursor}")

    assert len(first.context["page_obj"].object_list) == 24
    assert len(second.context["page_obj"].object_list) == 1
    assert f"?tag=jardin&amp;after={cursor}" in first.content.decode()
    assert "?tag=jardin&amp;page=last" in first.content.decode()


def test_product_page_shows_product_and_links_tags(client, product):
    response = client.get("/products/arrosoir-galvanise-10-l/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Arrosoir galvanisé 10 L</h1>" in html
    assert "€24.90" in html
    assert "Un arrosoir solide pour le potager." in html
    assert 'href="/products/?tag=jardin"' in html


def test_product_page_has_canonical_link_and_meta_description(client, product):
    response = client.get("/products/arrosoir-galvanise-10-l/?utm_source=flyer")

    html = response.content.decode()
    assert (
        '<link rel="canonical" href="http://testserver/products/arrosoir-galvanise-10-l/">'
        in html
    )
    description = "Un arrosoir solide pour le potager."
    assert f'<meta name="description" content="{description}">' in html


def test_product_page_without_description_still_describes_it(client):
    ProductFactory(slug="pelle", name="Pelle", description="", price_cents=1500)

    html = client.get("/products/pelle/").content.decode()

    assert (
        '<meta name="description" content="Pelle for €15.00: see if it is in stock'
        in html
    )


def test_product_page_without_image_shows_a_placeholder(client, product):
    html = client.get(product.get_absolute_url()).content.decode()

    assert 'class="image-placeholder image-placeholder-large"' in html
    assert 'aria-label="No photo yet"' in html


def test_product_page_shows_image_renditions(client, product):
    product.image = make_image("Arrosoir")
    product.save()

    html = client.get(product.get_absolute_url()).content.decode()

    assert re.search(r'<img alt="Arrosoir galvanisé 10 L"[^>]+max-800x600', html)
    assert re.search(r'<meta property="og:image" content="http://testserver/', html)


@pytest.mark.parametrize("slug", ["no-such-product", "inactive-one"])
def test_product_page_is_404_for_unknown_or_inactive(client, slug):
    ProductFactory(slug="inactive-one", active=False)

    response = client.get(f"/products/{slug}/")

    assert response.status_code == 404


def test_product_page_writes_stock_in_each_store(client, product, lyon, nantes):
    # given 12 in Lyon, 0 in Nantes and a store that never held it
    StockLevelFactory(product=product, store=lyon, quantity=12)
    StockLevelFactory(product=product, store=nantes, quantity=0)
    StoreFactory(code="paris-bercy", name="Paris Bercy")

    html = client.get(product.get_absolute_url()).content.decode()

    assert "In stock at Lyon Part-Dieu now: 12" in html
    assert "Out of stock at Nantes Centre" in html
    assert "Out of stock at Paris Bercy" in html
    lyon_line = re.search(r'<li id="stock-line-lyon-part-dieu"[^>]*>', html).group(0)
    assert 'data-store="lyon-part-dieu"' in lyon_line
    assert "in-stock" in lyon_line
    nantes_line = re.search(r'<li id="stock-line-nantes-centre"[^>]*>', html).group(0)
    assert "out-of-stock" in nantes_line


def test_product_page_gives_js_the_same_stock_sentences(client, product, lyon):
    html = client.get(product.get_absolute_url()).content.decode()

    assert 'data-in-stock-template="In stock at {store} now: {quantity}"' in html
    assert 'data-out-of-stock-template="Out of stock at {store}"' in html
    assert f'data-stock-socket="/ws/products/{product.pk}/stock/"' in html
    assert "comptoir/js/stock-live.js" in html


def test_product_page_offers_the_shelf_qr_code(client, product):
    html = client.get(product.get_absolute_url()).content.decode()

    assert '<img class="qr-code" src="/p/ARR-0042/qr.svg"' in html
    assert 'alt="QR code leading to http://testserver/p/ARR-0042/"' in html
    assert 'href="/p/ARR-0042/qr.svg" download=' in html


def test_product_pages_refuse_writes(client, product):
    response = client.post(product.get_absolute_url())

    assert response.status_code == 405


def test_product_list_url_name():
    assert reverse("catalog:product_list") == "/products/"
