import pytest

from tests.factories import ProductFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_article):
    make_article(
        "Réussir ses semis de tomates",
        slug="semis-de-tomates",
        intro="Des graines au repiquage.",
        body=[("paragraph", "<p>Un terreau léger et de la chaleur.</p>")],
    )
    make_article("Brouillon tomates", publish=False)
    ProductFactory(name="Tuteur à tomates spirale", price_cents=690)
    ProductFactory(name="Tuteur tomates retiré", active=False)
    StoreFactory(code="villeurbanne", name="Comptoir Villeurbanne", city="Villeurbanne")


def _sections(response):
    return {
        section["key"]: [str(item) for item in section["items"]]
        for section in response.context["sections"]
    }


def test_search_finds_articles_products_and_stores(client, catalogue):
    # When a visitor searches a word found in an article and a product
    response = client.get("/search/", {"q": "tomates"})

    # Then both are listed in their section, drafts and inactive products are not
    assert response.status_code == 200
    found = _sections(response)
    assert found["articles"] == ["Réussir ses semis de tomates"]
    assert found["products"] == ["Tuteur à tomates spirale"]
    assert found["stores"] == []
    html = response.content.decode()
    assert "2 results for “tomates”" in html
    assert 'href="/articles/semis-de-tomates/"' in html
    assert "€6.90" in html


def test_search_looks_inside_the_article_body(client, catalogue):
    found = _sections(client.get("/search/", {"q": "terreau"}))

    assert found["articles"] == ["Réussir ses semis de tomates"]


def test_search_finds_a_store_by_its_town(client, catalogue):
    response = client.get("/search/", {"q": "Villeurbanne"})

    assert _sections(response)["stores"] == ["Comptoir Villeurbanne"]
    assert 'href="/stores/villeurbanne/"' in response.content.decode()


def test_empty_query_invites_to_type(client, catalogue):
    for query in ("", "   "):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert response.context["sections"] == []
        assert "Type a few words" in response.content.decode()


def test_no_results_says_so(client, catalogue):
    response = client.get("/search/", {"q": "zzyzx"})

    assert response.status_code == 200
    assert "Nothing matches these words" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert('x')</script>",
        '"tomates',
        "tomates AND OR NOT",
        "NEAR(tomates",
        "tom*",
        "-tomates ^ + ( ) :",
        "x" * 5000,
        "\x00tomates",
    ],
)
def test_hostile_queries_never_fail_and_are_echoed_escaped(client, catalogue, query):
    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    if "<script>" in query:
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_one_section_can_be_browsed_page_by_page(client):
    # Given more matching products than the overview shows
    for number in range(25):
        ProductFactory(name=f"Arrosoir modèle {number}")

    # When the visitor follows the "more" link, then the next page
    overview = client.get("/search/", {"q": "arrosoir"})
    products = client.get("/search/", {"q": "arrosoir", "type": "products"})
    page_two = client.get(
        "/search/", {"q": "arrosoir", "type": "products", "page": "2"}
    )

    # Then the overview caps the section, the section view pages through the rest
    assert len(_sections(overview)["products"]) == 5
    assert "See all 25 products" in overview.content.decode()
    assert 'href="?q=arrosoir&amp;type=products"' in overview.content.decode()
    assert len(_sections(products)["products"]) == 20
    assert len(_sections(page_two)["products"]) == 5
    assert "Page 2 of 2" in page_two.content.decode()


def test_an_unknown_section_falls_back_to_all(client, catalogue):
    response = client.get("/search/", {"q": "tomates", "type": "everything"})

    assert response.status_code == 200
    assert set(_sections(response)) == {
        "articles",
        "products",
        "ideas",
        "stores",
        "reviews",
        "forum",
        "resale",
    }
