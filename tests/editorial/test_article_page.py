import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_article(make_article, make_image, home):
    """An article using every block type, with a cover and tags."""
    shears = ProductFactory(name="Sécateur Pro", price_cents=2490, image=make_image())
    return make_article(
        "Tailler ses rosiers",
        intro="Quand et comment tailler.",
        tags=["Rosiers"],
        cover_image=make_image(title="Rosier en fleur", description="Un rosier rouge"),
        search_description="Le guide de la taille des rosiers.",
        body=[
            ("heading", {"text": "Le bon moment", "level": "h2"}),
            ("heading", {"text": "En mars", "level": "h3"}),
            ("paragraph", "<p>Avant la <b>reprise</b> de la végétation.</p>"),
            (
                "image",
                {
                    "image": make_image(title="IMG_0042"),
                    "alt_text": "Une main taille une tige",
                    "caption": "Coupez au-dessus d'un œil.",
                },
            ),
            ("quote", {"text": "Taillez court.", "attribution": "Léa, Lyon"}),
            ("product_card", {"product": shears, "note": "Notre préféré"}),
            (
                "call_to_action",
                {
                    "title": "Besoin de conseils ?",
                    "text": "Nos vendeurs vous aident.",
                    "button_label": "Voir les articles",
                    "page": home,
                    "url": "",
                },
            ),
        ],
    )


def test_article_renders_every_block(client, full_article):
    response = client.get("/articles/tailler-ses-rosiers/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tailler ses rosiers</h1>" in html
    assert "<h2>Le bon moment</h2>" in html
    assert "<h3>En mars</h3>" in html
    assert "Avant la <b>reprise</b>" in html
    assert 'alt="Une main taille une tige"' in html
    assert "<figcaption>Coupez au-dessus d&#x27;un œil.</figcaption>" in html
    assert "<blockquote><p>Taillez court.</p></blockquote>" in html
    assert "— Léa, Lyon" in html
    assert "Sécateur Pro" in html and "€24.90" in html
    assert 'href="/products/' in html
    assert "Notre préféré" in html
    assert "<h2>Besoin de conseils ?</h2>" in html
    assert '<a class="button" href="/">Voir les articles</a>' in html
    assert '<time datetime="' in html


def test_article_carries_seo_and_open_graph_meta(client, full_article):
    html = client.get("/articles/tailler-ses-rosiers/").content.decode()

    assert "<title>Tailler ses rosiers · Comptoir</title>" in html
    assert (
        '<meta name="description" content="Le guide de la taille des rosiers.">' in html
    )
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Tailler ses rosiers">' in html
    assert (
        '<meta property="og:url" '
        'content="http://testserver/articles/tailler-ses-rosiers/">' in html
    )
    assert '<meta property="og:image" content="http://testserver/media/' in html
    assert '<meta property="og:image:alt" content="Un rosier rouge">' in html
    assert '<meta property="article:tag" content="Rosiers">' in html


def test_seo_title_replaces_the_title_in_the_browser_tab(client, make_article):
    make_article("Compost", seo_title="Faire son compost en 5 étapes")

    html = client.get("/articles/compost/").content.decode()

    assert "<title>Faire son compost en 5 étapes · Comptoir</title>" in html


def test_product_card_disappears_when_the_product_is_withdrawn(client, make_article):
    # Given an article featuring a product
    product = ProductFactory(name="Tondeuse 3000")
    make_article("Tondre", body=[("product_card", {"product": product, "note": ""})])
    # When the product is made inactive, then deleted
    product.active = False
    product.save(update_fields=["active"])
    inactive = client.get("/articles/tondre/")
    product.delete()
    deleted = client.get("/articles/tondre/")

    # Then the article still renders, without the card
    assert inactive.status_code == deleted.status_code == 200
    assert "Tondeuse 3000" not in inactive.content.decode()
    assert "product-card-block" not in deleted.content.decode()


def test_drafts_are_not_served(client, make_article):
    make_article("Secret", publish=False)

    assert client.get("/articles/secret/").status_code == 404


def test_product_cards_cost_the_same_queries_however_many(client, make_article):
    def article_with_cards(slug, count):
        products = [ProductFactory() for _ in range(count)]
        make_article(
            slug,
            body=[("product_card", {"product": p, "note": ""}) for p in products],
        )
        path = f"/articles/{slug}/"
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    assert article_with_cards("deux", 2) == article_with_cards("six", 6)
