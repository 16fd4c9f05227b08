"""Ideas in the site search, /ideas/similar/ and the sitemap: public ideas only."""

from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from community.ideas.models import Idea, IdeaState
from community.ideas.search import IdeasSection
from community.moderation.models import ModerationStatus
from comptoir.search import search_sections
from tests.community.ideas.conftest import make_idea

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def ideas(author):
    """One idea of each visibility, all about tool chests."""
    return {
        "open": make_idea(author, title="Coffre à outils ventilé"),
        "launched": make_idea(
            author, title="Coffre à outils mural", state=IdeaState.LAUNCHED
        ),
        "draft": make_idea(
            author, title="Coffre à outils secret", state=IdeaState.DRAFT
        ),
        "pending": make_idea(
            author, title="Coffre à outils en attente", state=IdeaState.PENDING
        ),
        "withdrawn": make_idea(
            author, title="Coffre à outils retiré", state=IdeaState.WITHDRAWN
        ),
        "hidden": _hidden(make_idea(author, title="Coffre à outils caché")),
    }


def _hidden(idea):
    Idea.objects.filter(pk=idea.pk).update(status=ModerationStatus.HIDDEN)
    return idea


def test_ideas_is_a_search_section():
    assert "ideas" in [section.key for section in search_sections()]


def test_search_section_finds_public_ideas_only(ideas):
    found = {idea.title for idea in IdeasSection().search("coffre outils")}

    assert found == {"Coffre à outils ventilé", "Coffre à outils mural"}


def test_site_search_lists_public_ideas(client, ideas):
    response = client.get(reverse("editorial:search") + "?q=coffre&type=ideas")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Coffre à outils ventilé" in html
    assert ideas["open"].get_absolute_url() in html
    for private in ("secret", "en attente", "retiré", "caché"):
        assert private not in html


def test_site_search_overview_has_an_ideas_section(client, ideas):
    html = client.get(reverse("editorial:search") + "?q=coffre").content.decode()

    assert "Product ideas" in html
    assert "Coffre à outils mural" in html


def test_similar_page_works_without_javascript(client, ideas):
    response = client.get(reverse("ideas:similar") + "?q=coffre à outils")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "Coffre à outils ventilé" in html
    assert "secret" not in html


def test_similar_fragment_is_only_the_list(client, ideas):
    response = client.get(reverse("ideas:similar") + "?q=coffre&fragment=1")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'class="similar-ideas-list"' in html
    assert "Coffre à outils mural" in html


@pytest.mark.parametrize(
    "query",
    ["", "   ", '"*()', "<script>alert(1)</script>", "coffre OR 1=1 --", "x" * 50_000],
)
def test_similar_never_fails(client, ideas, query):
    response = client.get(reverse("ideas:similar"), {"q": query})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_similar_says_when_nothing_matches(client, ideas):
    html = client.get(reverse("ideas:similar") + "?q=tondeuse").content.decode()

    assert "No similar idea yet." in html


def _sitemap_paths(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return [
        urlsplit(loc.text).path
        for loc in ElementTree.fromstring(response.content).findall(
            "sm:url/sm:loc", SITEMAP_NS
        )
    ]


def test_sitemap_lists_public_ideas_only(client, ideas, author):
    original = ideas["open"]
    duplicate = make_idea(
        author, title="Doublon", state=IdeaState.MERGED, merged_into=original
    )

    paths = _sitemap_paths(client)

    assert ideas["open"].get_absolute_url() in paths
    assert ideas["launched"].get_absolute_url() in paths
    for key in ("draft", "pending", "withdrawn", "hidden"):
        assert ideas[key].get_absolute_url() not in paths
    # A merged duplicate redirects: its original stands for it.
    assert duplicate.get_absolute_url() not in paths


def test_sitemap_still_lists_pages_and_products(client, ideas):
    from tests.factories import ProductFactory

    ProductFactory(slug="arrosoir-10-l")

    paths = _sitemap_paths(client)

    assert "/products/arrosoir-10-l/" in paths


def test_registered_sitemaps_need_their_own_names(db):
    from django.core.exceptions import ImproperlyConfigured
    from wagtail import hooks

    from comptoir.sitemaps import SITEMAP_HOOK, registered_sitemaps

    with (
        hooks.register_temporarily(SITEMAP_HOOK, lambda: {"ideas": object}),
        pytest.raises(ImproperlyConfigured),
    ):
        registered_sitemaps()
