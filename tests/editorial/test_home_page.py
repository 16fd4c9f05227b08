import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial.models import HomeFeaturedArticle, HomeFeaturedProduct
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _feature(home, *, articles=(), products=()):
    home.featured_articles = [HomeFeaturedArticle(article=a) for a in articles]
    home.featured_products = [HomeFeaturedProduct(product=p) for p in products]
    home.save_revision().publish()


def test_home_page_shows_featured_articles_and_products_in_editor_order(
    client, home, make_article
):
    # Given two featured articles, a featured product and an inactive one
    first = make_article("Semer les radis")
    second = make_article("Réussir son compost")
    shears = ProductFactory(name="Sécateur Pro", price_cents=2490)
    gone = ProductFactory(name="Vieux râteau", active=False)
    _feature(home, articles=[second, first], products=[shears, gone])

    # When a visitor opens the home page
    response = client.get("/")

    # Then the featured items appear in the order the editor chose
    assert response.status_code == 200
    html = response.content.decode()
    featured = html.split('id="featured-articles-title"')[1].split("</section>")[0]
    assert featured.index("Réussir son compost") < featured.index("Semer les radis")
    assert "Sécateur Pro" in html
    assert shears.get_absolute_url() in html
    assert "24.90" in html
    # and inactive products stay hidden
    assert "Vieux râteau" not in html


def test_home_page_leaves_out_unpublished_featured_articles(client, home, make_article):
    draft = make_article("Brouillon secret")
    _feature(home, articles=[draft])
    draft.unpublish()

    response = client.get("/")

    assert "Brouillon secret" not in response.content.decode()


def test_home_page_lists_latest_articles_with_a_link_to_all(client, make_article):
    make_article("Le dernier article")

    response = client.get("/")

    html = response.content.decode()
    assert "Le dernier article" in html
    assert 'href="/articles/"' in html


def test_home_page_without_articles_says_so(client, home):
    response = client.get("/")

    assert response.status_code == 200
    assert "No articles yet" in response.content.decode()


def _count_queries(client, path):
    client.get(path)  # warm up: renditions and site caches are built once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_home_page_query_count_does_not_grow_with_featured_items(
    client, home, make_article, make_image
):
    articles, products = [], []

    def add_items(count):
        for _ in range(count):
            articles.append(make_article(tags=["potager"], cover_image=make_image()))
            products.append(ProductFactory(image=make_image()))
            # and one that only shows among the latest articles
            make_article(tags=["compost"], cover_image=make_image())
        _feature(home, articles=articles, products=products)

    add_items(2)
    small = _count_queries(client, "/")
    add_items(5)
    large = _count_queries(client, "/")

    assert small == large
