import datetime
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _titles(response):
    return [article.title for article in response.context["articles"]]


def test_articles_are_listed_newest_first_ten_per_page(client, make_article):
    # Given twelve articles on consecutive days
    for day in range(1, 13):
        make_article(f"Jour {day:02d}", date=datetime.date(2025, 4, day))

    # When a visitor opens the list, then its second page
    first = client.get("/articles/")
    second = client.get("/articles/", {"page": 2})

    # Then the newest ten come first and the rest follow
    assert first.status_code == 200
    assert _titles(first) == [f"Jour {day:02d}" for day in range(12, 2, -1)]
    assert _titles(second) == ["Jour 02", "Jour 01"]
    assert "Page 1 of 2" in first.content.decode()
    assert 'rel="next" href="?page=2"' in first.content.decode()


def test_a_bad_page_number_falls_back_instead_of_failing(client, make_article):
    make_article("Seul article")

    for page in ("abc", "999", "-1"):
        response = client.get("/articles/", {"page": page})
        assert response.status_code == 200
        assert _titles(response) == ["Seul article"]


def test_drafts_are_not_listed(client, make_article):
    make_article("Publié")
    make_article("Brouillon", publish=False)

    assert _titles(client.get("/articles/")) == ["Publié"]


def test_filtering_by_tag_shows_the_tag_and_a_way_back(client, make_article):
    # Given articles with different tags
    make_article("Tomates", tags=["Potager"])
    make_article("Perceuse", tags=["Bricolage"])

    # When a visitor filters by one tag
    response = client.get("/articles/", {"tag": "potager"})

    # Then only its articles remain, the tag is named and the filter can be cleared
    html = response.content.decode()
    assert _titles(response) == ["Tomates"]
    assert "Showing articles tagged “Potager”" in html
    assert 'href="/articles/">Show all articles' in html
    assert 'aria-current="true">Potager' in html


def test_unknown_tag_gives_an_empty_state_not_an_error(client, make_article):
    make_article("Tomates", tags=["Potager"])

    response = client.get("/articles/", {"tag": "<script>alert(1)</script>"})

    html = response.content.decode()
    assert response.status_code == 200
    assert _titles(response) == []
    assert "No article has this tag yet." in html
    assert "<script>alert(1)</script>" not in html


def test_empty_index_says_nothing_is_published(client, article_index):
    response = client.get("/articles/")

    assert response.status_code == 200
    assert "No articles have been published yet." in response.content.decode()


def test_rss_feed_lists_articles_as_valid_xml(client, make_article):
    make_article("Planter des bulbes", intro="Pour un printemps fleuri.")
    make_article("Brouillon", publish=False)

    response = client.get("/articles/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Planter des bulbes"]
    # On the site's public address (SITE_BASE_URL), whatever host asked.
    assert (
        items[0].findtext("link")
        == "http://127.0.0.1:8000/articles/planter-des-bulbes/"
    )
    assert items[0].findtext("description") == "Pour un printemps fleuri."
    assert channel.findtext("link") == "http://127.0.0.1:8000/articles/"


def _count_queries(client, path):
    client.get(path)  # warm up: renditions and site caches are built once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/articles/", "/articles/?tag=potager"])
def test_article_list_query_count_does_not_grow_with_articles(
    client, make_article, make_image, path
):
    def add(count):
        for _ in range(count):
            make_article(tags=["potager", "printemps"], cover_image=make_image())

    add(2)
    small = _count_queries(client, path)
    add(6)
    large = _count_queries(client, path)

    assert small == large
