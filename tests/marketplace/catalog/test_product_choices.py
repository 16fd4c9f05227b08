"""/products/choices/?q=: the resale form's picker asks which products a seller
may mean — by words of the name or the start of a reference, active products
only, eight at most, as JSON, in a fixed number of queries, whatever was typed."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from comptoir.money import format_cents
from marketplace.catalog.selectors import PRODUCT_CHOICES_LIMIT, product_choices
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

URL = "/products/choices/"


def choices(query: str, client: Client | None = None, **headers) -> dict:
    response = (client or Client()).get(URL, {"q": query}, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def skus(query: str) -> list[str]:
    return [product["sku"] for product in choices(query)["products"]]


@pytest.fixture
def catalog():
    return [
        ProductFactory(
            sku="SEC-0042",
            name="Sécateur de précision",
            slug="secateur-de-precision",
            price_cents=2490,
        ),
        ProductFactory(
            sku="SEC-0043",
            name="Sécateur à enclume",
            slug="secateur-a-enclume",
            price_cents=1990,
        ),
        ProductFactory(
            sku="ARR-0010",
            name="Arrosoir galvanisé 10 L",
            slug="arrosoir-galvanise-10-l",
            price_cents=123450,
        ),
        ProductFactory(
            sku="JAR/0042", name="Gants de jardin", slug="gants", price_cents=990
        ),
    ]


def test_the_url_has_a_name_and_is_not_read_as_a_product_slug(catalog):
    assert reverse("catalog:product_choices") == URL
    assert choices("gants")["products"][0]["sku"] == "JAR/0042"


def test_words_of_the_name_match_the_last_one_as_typed_so_far(catalog):
    assert sorted(skus("sécateur")) == ["SEC-0042", "SEC-0043"]
    assert skus("sécateur préc") == ["SEC-0042"]
    # Case as the seller types it, not as the catalog writes it.
    assert skus("ARROSOIR galva") == ["ARR-0010"]
    assert skus("tondeuse") == []


def test_accents_need_not_be_typed_where_the_search_index_folds_them(catalog):
    from django.db import connection

    if connection.vendor != "sqlite":
        # PostgreSQL's text search keeps accents without the unaccent extension:
        # a known gap of the site search there, not of the picker.
        pytest.skip("the PostgreSQL search configuration does not fold accents")
    assert skus("secateur enclume") == ["SEC-0043"]


def test_the_start_of_a_reference_matches_whatever_its_case(catalog):
    assert skus("sec-") == ["SEC-0042", "SEC-0043"]
    assert skus("SEC-0042") == ["SEC-0042"]
    assert skus("jar/0") == ["JAR/0042"]


def test_reference_matches_come_before_name_matches(catalog):
    ProductFactory(sku="GANT-1", name="Arceau de serre", slug="arceau")

    assert skus("gant") == ["GANT-1", "JAR/0042"]


def test_inactive_products_are_never_offered(catalog):
    ProductFactory(sku="SEC-0099", name="Sécateur retiré", slug="retire", active=False)

    assert "SEC-0099" not in skus("sécateur")
    assert skus("SEC-0099") == []
    assert skus("retiré") == []


def test_at_most_eight_products_are_offered():
    for n in range(PRODUCT_CHOICES_LIMIT + 4):
        ProductFactory(sku=f"PEL-{n:03d}", name=f"Pelle {n}", slug=f"pelle-{n}")

    assert len(skus("pelle")) == PRODUCT_CHOICES_LIMIT
    assert len(skus("pel-")) == PRODUCT_CHOICES_LIMIT
    assert len(product_choices(query="pelle", limit=3)) == 3


def test_the_json_gives_reference_name_price_in_the_language_and_page(catalog):
    english = choices("arrosoir")
    french = choices("arrosoir", HTTP_ACCEPT_LANGUAGE="fr")

    assert english == {
        "products": [
            {
                "sku": "ARR-0010",
                "name": "Arrosoir galvanisé 10 L",
                "price": "€1,234.50",
                "url": "/products/arrosoir-galvanise-10-l/",
            }
        ]
    }
    with translation.override("fr"):
        assert french["products"][0]["price"] == format_cents(123450)
    assert french["products"][0]["price"].endswith("234,50\u00a0€")


@pytest.mark.parametrize("typed", ["", " ", "s", " s ", "é"])
def test_fewer_than_two_characters_is_an_empty_list(catalog, typed):
    assert choices(typed) == {"products": []}


def test_no_q_at_all_is_an_empty_list(catalog):
    response = Client().get(URL)

    assert response.status_code == 200
    assert response.json() == {"products": []}


@pytest.mark.parametrize(
    "typed",
    [
        "sécateur" * 500,
        '"sécateur',
        "sec*",
        "(sécateur) OR NOT",
        "sécateur AND",
        "NEAR(a b)",
        "%%",
        "__",
        "'; DROP TABLE catalog_product; --",
        "séca\x00teur",
        "\x00\x00",
        "🌱🌱",
        "\ufffd\ufffd",
        "<script>alert(1)</script>",
        "a" * 10_000,
    ],
)
def test_odd_input_gets_an_answer_never_a_500(catalog, typed):
    payload = choices(typed)

    assert isinstance(payload["products"], list)
    assert len(payload["products"]) <= PRODUCT_CHOICES_LIMIT


def test_like_wildcards_are_read_as_characters(catalog):
    assert skus("%%") == []
    assert skus("__") == []


def test_it_needs_no_session_and_sets_no_cookie(catalog):
    response = Client().get(URL, {"q": "sécateur"})

    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" in response["Vary"] and "Accept-Language" in response["Vary"]


def test_only_get_and_head_are_answered(catalog):
    assert Client().post(URL, {"q": "sécateur"}).status_code == 405


@pytest.mark.parametrize("size", [4, 40])
def test_the_query_count_does_not_grow_with_the_catalog(
    django_assert_max_num_queries, size
):
    for n in range(size):
        ProductFactory(sku=f"RAT-{n:03d}", name=f"Râteau {n}", slug=f"rateau-{n}")

    # One query for the references, one for the names; nothing per product.
    with django_assert_max_num_queries(2):
        payload = choices("râteau")
    with django_assert_max_num_queries(2):
        choices("rat-")

    assert len(payload["products"]) == min(size, PRODUCT_CHOICES_LIMIT)
