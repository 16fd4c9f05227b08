"""The editorial route cache (editorial/routing.py): a page below the home page is
found with one query once its path was routed, and every change to the page tree
shows at once, for members and visitors, with the full-page cache on or off."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from comptoir.page_cache import PAGES, page_cache_tags_version
from editorial import routing
from editorial.models import ArticleIndexPage, ArticlePage, HomePage
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

PATH = "/articles/tailler-ses-rosiers/"
BODY = [("paragraph", "<p>Coupez au-dessus d'un œil.</p>")]


@pytest.fixture
def article(make_article) -> ArticlePage:
    return make_article("Tailler ses rosiers", body=BODY)


@pytest.fixture(params=[True, False], ids=["page-cache-on", "page-cache-off"])
def page_cache(request, settings):
    # Off in the test settings (settings/test.py says why); on for real visitors.
    settings.PAGE_CACHE_ENABLED = request.param
    return request.param


@pytest.fixture
def member_client() -> Client:
    client = Client()
    client.force_login(MemberFactory())
    return client


@pytest.fixture(params=["visitor", "member"])
def viewer(request, page_cache) -> Client:
    """Someone reading the site: members never get the full-page cache."""
    client = Client()
    if request.param == "member":
        client.force_login(MemberFactory())
    return client


def seen(client: Client, path: str) -> tuple[int, str]:
    """What two visits in a row show (the second one from a remembered route)."""
    answers = [client.get(path) for _ in range(2)]
    statuses = {answer.status_code for answer in answers}
    texts = {answer.content.decode() for answer in answers}
    assert len(statuses) == 1, (path, statuses)
    return statuses.pop(), texts.pop() if len(texts) == 1 else "\n".join(texts)


def route(path: str, rf):
    return Page.route_for_request(rf.get(path), path)


def redirected_to(client: Client, path: str) -> str:
    """Where two visits in a row of an old address are sent (Wagtail's redirects
    app records one when a page moves or changes slug)."""
    answers = [client.get(path) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [301, 301], path
    assert answers[0]["Location"] == answers[1]["Location"]
    return answers[0]["Location"]


def queries_of(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


# --- What it saves ------------------------------------------------------------------


def test_a_remembered_route_costs_one_query_instead_of_two_per_level(
    article, rf, django_assert_num_queries
):
    # The page types' content types are in memory, as in a running site
    ContentType.objects.get_for_models(HomePage, ArticleIndexPage, ArticlePage)
    # Given nothing remembered: the site, the home page, then for each of
    # "articles" and the article its child by slug and its specific model
    with django_assert_num_queries(6):
        first = route(PATH, rf)

    # When the same path is routed again, then the site comes from the cache, and
    # after the home page the article comes in one query
    with django_assert_num_queries(2):
        again = route(PATH, rf)
    assert type(again.page) is ArticlePage
    assert again.page.pk == first.page.pk == article.pk
    assert (again.args, again.kwargs) == ([], {})


def test_an_article_page_runs_three_queries_fewer_once_its_route_is_known(
    article, home, client
):
    # Given the page was served (so whatever else it caches is warm)
    client.get(PATH)
    client.get(PATH)
    # When its route alone is forgotten, the page pays for Wagtail's walk
    version = page_cache_tags_version(PAGES)
    routing.cache.delete(
        routing.route_key(version, home.pk, ["articles", "tailler-ses-rosiers"])
    )
    walked = queries_of(client, PATH)

    # Then the next visit, from the remembered route, runs three queries fewer
    assert queries_of(client, PATH) == walked - 3


def test_without_a_cache_wagtail_routes_every_time(
    article, rf, monkeypatch, django_assert_num_queries
):
    # Given a cache that does not answer (a Redis outage)
    ContentType.objects.get_for_models(HomePage, ArticleIndexPage, ArticlePage)
    monkeypatch.setattr(routing, "page_cache_tags_version", lambda *tags: None)

    # Then each request walks the tree, and still finds the article
    for _ in range(2):
        with django_assert_num_queries(6):
            assert route(PATH, rf).page.pk == article.pk


def test_a_new_site_answers_its_host_at_once(article, article_index, client):
    # Given a host no site names: the default site answers it
    host = {"HTTP_HOST": "jardin.example"}
    assert client.get("/tailler-ses-rosiers/", **host).status_code == 404
    assert client.get(PATH, **host).status_code == 200

    # When a site is made for it, then it answers that host at once
    site = Site.objects.create(
        hostname="jardin.example", port=80, root_page=article_index
    )
    for _ in range(2):
        assert client.get("/tailler-ses-rosiers/", **host).status_code == 200
        assert client.get(PATH, **host).status_code == 404
    assert client.get(PATH).status_code == 200

    # And once it is deleted, the default site answers the host again
    site.delete()
    assert client.get("/tailler-ses-rosiers/", **host).status_code == 404
    assert client.get(PATH, **host).status_code == 200


def test_a_site_moved_to_another_root_answers_from_there_at_once(
    article, article_index, home, client
):
    site = Site.objects.get(is_default_site=True)
    assert seen(client, PATH)[0] == 200

    site.root_page = article_index
    site.save()

    assert seen(client, "/tailler-ses-rosiers/")[0] == 200
    assert seen(client, PATH)[0] == 404


# --- Changes to the tree show at once ---------------------------------------------


def test_a_published_article_is_served_at_once(
    viewer, make_article, django_capture_on_commit_callbacks
):
    draft = make_article("Tailler ses rosiers", body=BODY, publish=False)
    assert seen(viewer, PATH)[0] == 404

    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()

    status, html = seen(viewer, PATH)
    assert status == 200
    assert "<h1>Tailler ses rosiers</h1>" in html


def test_a_republished_article_shows_its_new_content_at_once(
    viewer, article, django_capture_on_commit_callbacks
):
    seen(viewer, PATH)

    article.title = "Tailler ses rosiers en mars"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    status, html = seen(viewer, PATH)
    assert status == 200
    assert "<h1>Tailler ses rosiers en mars</h1>" in html


def test_an_unpublished_article_is_gone_at_once(
    viewer, article, django_capture_on_commit_callbacks
):
    assert seen(viewer, PATH)[0] == 200

    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()

    assert seen(viewer, PATH)[0] == 404


def test_a_moved_article_is_served_at_its_new_address_only(
    viewer, article, home, django_capture_on_commit_callbacks
):
    guides = home.add_child(instance=ArticleIndexPage(title="Guides", slug="guides"))
    assert seen(viewer, PATH)[0] == 200

    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=article.pk).move(guides, pos="last-child")

    assert redirected_to(viewer, PATH) == "/guides/tailler-ses-rosiers/"
    status, html = seen(viewer, "/guides/tailler-ses-rosiers/")
    assert status == 200
    assert "<h1>Tailler ses rosiers</h1>" in html


def test_a_new_slug_takes_the_article_to_its_new_address(
    viewer, article, django_capture_on_commit_callbacks
):
    assert seen(viewer, PATH)[0] == 200

    article.slug = "la-taille-des-rosiers"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    assert redirected_to(viewer, PATH) == "/articles/la-taille-des-rosiers/"
    assert seen(viewer, "/articles/la-taille-des-rosiers/")[0] == 200


def test_a_new_slug_of_the_index_takes_its_articles_along(
    viewer, article, article_index, django_capture_on_commit_callbacks
):
    assert seen(viewer, PATH)[0] == 200

    article_index.slug = "journal"
    with django_capture_on_commit_callbacks(execute=True):
        article_index.save_revision().publish()

    assert redirected_to(viewer, PATH) == "/journal/tailler-ses-rosiers/"
    status, html = seen(viewer, "/journal/tailler-ses-rosiers/")
    assert status == 200
    assert "<h1>Tailler ses rosiers</h1>" in html


def test_a_deleted_article_is_gone_at_once(
    viewer, article, django_capture_on_commit_callbacks
):
    assert seen(viewer, PATH)[0] == 200

    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=article.pk).delete()

    assert seen(viewer, PATH)[0] == 404


def test_a_move_is_honoured_even_before_its_invalidation_arrives(article, home, client):
    # Given a remembered route, and a move whose transaction has not committed
    # yet (so the `pages` version has not changed)
    guides = home.add_child(instance=ArticleIndexPage(title="Guides", slug="guides"))
    seen(client, PATH)
    version = page_cache_tags_version(PAGES)
    ArticlePage.objects.get(pk=article.pk).move(guides, pos="last-child")
    assert page_cache_tags_version(PAGES) == version

    # Then the article is not served where it was, only where it is
    assert redirected_to(client, PATH) == "/guides/tailler-ses-rosiers/"
    assert seen(client, "/guides/tailler-ses-rosiers/")[0] == 200


# --- Drafts, privacy --------------------------------------------------------------


def test_drafts_are_never_served(viewer, article, make_article):
    make_article("Brouillon secret", publish=False)
    seen(viewer, PATH)

    assert seen(viewer, "/articles/brouillon-secret/")[0] == 404


def test_a_pending_draft_never_replaces_the_live_article(viewer, article):
    seen(viewer, PATH)

    article.title = "Titre pas encore relu"
    article.save_revision()

    status, html = seen(viewer, PATH)
    assert status == 200
    assert "<h1>Tailler ses rosiers</h1>" in html
    assert "Titre pas encore relu" not in html


def test_a_password_protected_article_stays_protected_on_a_remembered_route(
    viewer, article, member_client
):
    # Given its route was remembered before the article was made private (by a
    # member's visit: a visitor's would also have kept the page, public, in the
    # full-page cache, which does not hear of view restrictions)
    assert seen(member_client, PATH)[0] == 200
    PageViewRestriction.objects.create(
        page=article,
        restriction_type=PageViewRestriction.PASSWORD,
        password="rosiers",  # noqa: S106 - a test password
    )

    # Then every visit asks for the password and shows nothing of the article
    status, html = seen(viewer, PATH)
    assert status == 200
    assert 'name="password"' in html
    assert "Coupez au-dessus" not in html


def test_an_article_under_a_members_only_index_stays_members_only(
    article, article_index, page_cache
):
    PageViewRestriction.objects.create(
        page=article_index, restriction_type=PageViewRestriction.LOGIN
    )
    visitor = Client()
    member = Client()
    member.force_login(MemberFactory())

    for _ in range(2):
        # A visitor is sent to log in, however often the route was used
        answer = visitor.get(PATH)
        assert answer.status_code == 302
        assert answer["Location"].endswith("login/?next=/articles/tailler-ses-rosiers/")
        # while a member reads it
        answer = member.get(PATH)
        assert answer.status_code == 200
        assert "Coupez au-dessus" in answer.content.decode()


# --- What routing does besides plain pages -------------------------------------------


def test_the_index_views_still_answer(viewer, make_article):
    make_article("Tailler ses rosiers", tags=["Rosiers"])
    make_article("Percer sans éclats", tags=["Bricolage"])
    # An article may not take over the index's feed by its slug
    make_article("Feed", tags=["Bricolage"])

    status, html = seen(viewer, "/articles/")
    assert status == 200
    assert "Tailler ses rosiers" in html and "Percer sans éclats" in html
    status, html = seen(viewer, "/articles/?tag=rosiers")
    assert "Tailler ses rosiers" in html and "Percer sans éclats" not in html
    for _ in range(2):
        feed = viewer.get("/articles/feed/")
        assert feed.status_code == 200
        assert feed["Content-Type"].startswith("application/rss+xml")
        assert "<title>Tailler ses rosiers</title>" in feed.content.decode()


def test_unknown_addresses_stay_not_found(viewer, article):
    seen(viewer, PATH)

    for path in (
        "/articles/inconnu/",
        f"{PATH}suite/",
        "/inconnu/tailler-ses-rosiers/",
        "/Articles/tailler-ses-rosiers/",
    ):
        assert seen(viewer, path)[0] == 404, path
    assert seen(viewer, "/")[0] == 200
