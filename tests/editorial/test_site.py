from xml.etree import ElementTree

import pytest
from wagtail.models import Page, Site

from editorial.models import ArticleIndexPage, HomePage
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_fresh_database_has_home_and_article_index_as_site_root():
    # The data migration replaced Wagtail's welcome page
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific

    assert isinstance(home, HomePage)
    assert (home.title, home.slug, home.live) == ("Comptoir", "home", True)
    assert [type(page) for page in home.get_children().specific()] == [ArticleIndexPage]
    assert not Page.objects.filter(title__startswith="Welcome").exists()
    assert Page.find_problems() == ([], [], [], [], [])


def test_data_migration_does_nothing_the_second_time():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("editorial.migrations.0002_create_site_structure")
    before = list(Page.objects.values_list("pk", "path"))

    migration.create_site_structure(apps, None)

    assert list(Page.objects.values_list("pk", "path")) == before


def test_sitemap_lists_live_articles_and_active_products(client, make_article):
    make_article("Planter des bulbes", slug="planter-des-bulbes")
    make_article("Brouillon", slug="brouillon", publish=False)
    ProductFactory(slug="arrosoir-10-l")
    ProductFactory(slug="ancien-arrosoir", active=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    urls = [
        loc.text
        for loc in ElementTree.fromstring(response.content).findall(
            "sm:url/sm:loc", SITEMAP_NS
        )
    ]
    # On the site's public address (SITE_BASE_URL), not Wagtail's "localhost".
    assert "http://127.0.0.1:8000/articles/planter-des-bulbes/" in urls
    assert "http://127.0.0.1:8000/articles/" in urls
    assert "http://127.0.0.1:8000/products/arrosoir-10-l/" in urls
    assert not [url for url in urls if "brouillon" in url or "ancien" in url]


def test_unknown_page_uses_the_site_404_template(client, settings):
    settings.DEBUG = False

    response = client.get("/articles/does-not-exist/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html
