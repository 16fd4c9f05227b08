"""The home page's and an article's shared HTML, kept as fragments for members
(templates/editorial/*.html, comptoir's `{% fragment_by_tags %}`).

Members never get the page cache: these tests log in, so every page they read is
built by the view, its shared parts coming from the fragments. Changes go through
the real services and publishing, with their commit callbacks run, as in
production.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial.models import ArticlePage, HomeFeaturedArticle, HomeFeaturedProduct
from marketplace.catalog.services import product_upsert
from tests.factories import MemberFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client):
    client.force_login(MemberFactory(display_name="Josiane Verdier"))
    return client


@pytest.fixture
def shop(home, make_article, make_image, django_capture_on_commit_callbacks):
    """A product featured on the home page and in an article, itself featured."""
    shears = ProductFactory(
        sku="SEC-1", name="Sécateur Pro", price_cents=2490, image=make_image()
    )
    article = make_article(
        "Tailler ses rosiers",
        tags=["Rosiers"],
        cover_image=make_image(title="Rosier", description="Un rosier rouge"),
        body=[
            ("paragraph", "<p>Avant la reprise.</p>"),
            ("product_card", {"product": shears, "note": "Notre préféré"}),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        home.featured_articles = [HomeFeaturedArticle(article=article)]
        home.featured_products = [HomeFeaturedProduct(product=shears)]
        home.save_revision().publish()
    return {"home": home, "article": article, "shears": shears}


def _html(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _reprice(product, *, price_cents=None, active=True, callbacks):
    with callbacks(execute=True):
        product_upsert(
            sku=product.sku,
            name=product.name,
            price_cents=product.price_cents if price_cents is None else price_cents,
            description=product.description,
            active=active,
        )


def test_a_member_sees_a_new_price_on_the_home_page_and_the_article(
    member_client, shop, django_capture_on_commit_callbacks
):
    # Given a member who read both pages (their fragments are kept)
    article_url = shop["article"].url
    assert "€24.90" in _html(member_client, "/")
    assert "€24.90" in _html(member_client, article_url)

    # When the product's price changes through the catalog
    _reprice(
        shop["shears"], price_cents=1990, callbacks=django_capture_on_commit_callbacks
    )

    # Then both pages show the new price at once
    for path in ("/", article_url):
        html = _html(member_client, path)
        assert "€19.90" in html
        assert "€24.90" not in html


def test_a_withdrawn_product_leaves_both_pages_for_a_member(
    member_client, shop, django_capture_on_commit_callbacks
):
    article_url = shop["article"].url
    assert "Sécateur Pro" in _html(member_client, "/")
    assert "Sécateur Pro" in _html(member_client, article_url)

    _reprice(shop["shears"], active=False, callbacks=django_capture_on_commit_callbacks)

    assert "Sécateur Pro" not in _html(member_client, "/")
    article_html = _html(member_client, article_url)
    assert "Sécateur Pro" not in article_html
    assert "Avant la reprise." in article_html


def test_a_republished_article_shows_its_new_title_everywhere_for_a_member(
    member_client, shop, django_capture_on_commit_callbacks
):
    article_url = shop["article"].url
    _html(member_client, "/")
    _html(member_client, article_url)

    with django_capture_on_commit_callbacks(execute=True):
        article = ArticlePage.objects.get(pk=shop["article"].pk)
        article.title = "Tailler ses rosiers en mars"
        article.save_revision().publish()

    home_html = _html(member_client, "/")
    article_html = _html(member_client, article_url)
    assert "Tailler ses rosiers en mars" in home_html
    assert "<h1>Tailler ses rosiers en mars</h1>" in article_html
    assert '<meta property="og:title" content="Tailler ses rosiers en mars">' in (
        article_html
    )


def test_a_new_article_and_an_unpublished_one_show_on_the_home_page_for_a_member(
    member_client, shop, make_article, django_capture_on_commit_callbacks
):
    assert "Le compost en hiver" not in _html(member_client, "/")

    with django_capture_on_commit_callbacks(execute=True):
        fresh = make_article("Le compost en hiver")
    assert "Le compost en hiver" in _html(member_client, "/")

    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=fresh.pk).unpublish()
    assert "Le compost en hiver" not in _html(member_client, "/")


def test_a_new_featured_product_shows_once_the_home_page_is_published(
    member_client, shop, django_capture_on_commit_callbacks
):
    # The featured products' ids are kept in the cache too: a publish forgets them.
    _html(member_client, "/")
    rake = ProductFactory(name="Râteau large", price_cents=1500)

    with django_capture_on_commit_callbacks(execute=True):
        home = shop["home"]
        home.featured_products = [
            HomeFeaturedProduct(product=shop["shears"]),
            HomeFeaturedProduct(product=rake),
        ]
        home.save_revision().publish()
    assert "Râteau large" in _html(member_client, "/")

    # and the new one's price changes reach the page as the first one's do
    _reprice(rake, price_cents=1200, callbacks=django_capture_on_commit_callbacks)
    assert "€12.00" in _html(member_client, "/")


def test_a_members_name_and_links_never_show_on_anyone_elses_page(client, shop):
    # Given a member who builds the fragments first
    first = MemberFactory(display_name="Josiane Verdier", slug="josiane-verdier")
    client.force_login(first)
    article_url = shop["article"].url
    for path in ("/", article_url):
        assert "Josiane Verdier" in _html(client, path)

    # When another member, then a visitor, read the same pages
    second = MemberFactory(display_name="Marcel Durand", slug="marcel-durand")
    client.force_login(second)
    seen_by_second = [_html(client, path) for path in ("/", article_url)]
    client.logout()
    seen_by_visitor = [_html(client, path) for path in ("/", article_url)]

    # Then each sees their own header only, and the shared content all the same
    for html in seen_by_second:
        assert "Marcel Durand" in html
        assert "Josiane Verdier" not in html
        assert "josiane-verdier" not in html
        assert "Sécateur Pro" in html
    for html in seen_by_visitor:
        assert "Josiane Verdier" not in html and "Marcel Durand" not in html
        assert "Log out" not in html
        assert "Log in" in html
        assert "Sécateur Pro" in html


# What the pages' shared parts read (the home page's lists of articles, the cards'
# products, tags and pictures); the session, the member, the notifications badge
# and Wagtail's routing (the page itself, its ancestors) read other tables.
_CONTENT_TABLES = {
    "home": ("editorial_homefeatured", "editorial_articlepage", "catalog_"),
    "article": ("catalog_",),
}
_CARD_TABLES = ("taggit_", "wagtailimages_")


@pytest.mark.parametrize("page", ["home", "article"])
def test_a_warm_page_runs_fewer_queries_than_a_cold_one(
    member_client, shop, page, django_assert_max_num_queries
):
    path = "/" if page == "home" else shop["article"].url
    # The first read builds the fragments: about 30 queries today
    with CaptureQueriesContext(connection) as cold:
        assert member_client.get(path).status_code == 200
    assert len(cold) > 20

    # The next ones read them: 8 or 9 queries, none of the page's content
    with django_assert_max_num_queries(10) as warm:
        response = member_client.get(path)
    assert response.status_code == 200
    assert "Sécateur Pro" in response.content.decode()
    content_reads = [
        query["sql"]
        for query in warm.captured_queries
        if any(
            f'"{table}' in query["sql"]
            for table in (*_CONTENT_TABLES[page], *_CARD_TABLES)
        )
    ]
    assert content_reads == []


def test_a_preview_shows_the_draft_and_leaves_the_members_copy_alone(
    member_client, shop
):
    # Given a member who read the article on the host previews are made for
    draft = ArticlePage.objects.get(pk=shop["article"].pk)
    site = draft.get_site()
    host = site.hostname if site.port == 80 else f"{site.hostname}:{site.port}"
    article_url = shop["article"].url
    html = member_client.get(article_url, HTTP_HOST=host).content.decode()
    assert "<h1>Tailler ses rosiers</h1>" in html

    # When an editor previews an unsaved change (Wagtail's preview request)
    draft.title = "Brouillon des rosiers"
    preview = draft.make_preview_request()

    # Then the preview shows the draft, and the member still the published page
    assert "<h1>Brouillon des rosiers</h1>" in preview.content.decode()
    html = member_client.get(article_url, HTTP_HOST=host).content.decode()
    assert "Brouillon des rosiers" not in html
    assert "<h1>Tailler ses rosiers</h1>" in html
