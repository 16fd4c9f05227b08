"""The forum at the site's plug-in points: the product page's questions, the site
search, the sitemap and the visitors' page cache (community/forum/wagtail_hooks.py)."""

from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.forum.models import Post
from community.forum.product_page import ProductQuestionsPanel
from community.forum.services import (
    answer_accept,
    post_like,
    post_reply,
    topic_pin,
    topic_start,
)
from community.moderation.models import ModerationStatus
from comptoir.page_cache import STATUS_HEADER

from .core_fixtures import *  # noqa: F403
from .core_fixtures import BODY, REPLY, member

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def text(response) -> str:
    return response.content.decode()


def question(author, category, product, title, body=BODY):
    return topic_start(
        author=author, category=category, title=title, body=body, product=product
    )


# --- The product page -------------------------------------------------------------


def test_product_page_shows_its_questions_and_the_accepted_answer(
    client, author, replier, staff, category, staff_room, product
):
    # given a question answered by a verified owner, one without answer, and
    # questions the public may not see (the staff's room, another product)
    asked = question(author, category, product, "Le sécateur coupe-t-il le vert ?")
    answer = post_reply(author=replier, topic=asked, body=REPLY)
    Post.objects.filter(pk=answer.pk).update(by_verified_owner=True)
    answer_accept(topic=asked, post=answer, by=author)
    question(author, category, product, "Quelle lame de rechange ?")
    question(staff, staff_room, product, "Retour fournisseur du sécateur")
    question(author, category, None, "Question sans produit")

    # when a visitor opens the product page
    html = text(client.get(product.get_absolute_url()))

    # then the public questions show, the answered one with its answer's words
    assert "Questions from the community" in html
    assert "Le sécateur coupe-t-il le vert ?" in html
    assert "Quelle lame de rechange ?" in html
    assert "Retour fournisseur" not in html
    assert "Question sans produit" not in html
    assert "1 reply" in html
    assert "Answered" in html
    assert "Après les grosses gelées, fin février" in html
    assert "Verified owner" in html
    assert 'href="/forum/new/?product=SEC-001"' in html


def test_product_page_without_questions_invites_the_first(client, product):
    html = text(client.get(product.get_absolute_url()))

    assert "No question yet — ask the first." in html
    assert "Ask the community" in html


def test_pending_and_hidden_questions_stay_off_the_product_page(
    client, author, newcomer, category, product
):
    # a premoderated member's question waits; a published one is then hidden
    question(newcomer, category, product, "Question en attente de modération")
    hidden = question(author, category, product, "Question masquée ensuite")
    hidden.status = ModerationStatus.REMOVED
    hidden.save(update_fields=["status"])

    html = text(client.get(product.get_absolute_url()))

    assert "en attente" not in html
    assert "masquée" not in html
    assert "No question yet — ask the first." in html


def _queries(client, url) -> int:
    # Warm the process (content types, settings), then cold shared caches: other
    # apps' panels keep their own figures there.
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_product_questions_cost_the_same_queries_for_one_or_many(
    client, author, replier, category, product, rf, django_assert_num_queries
):
    # given a product with one answered question
    first = question(author, category, product, "Première question du sécateur")
    answer_accept(
        topic=first, post=post_reply(author=replier, topic=first, body=REPLY), by=author
    )
    one = _queries(client, product.get_absolute_url())

    # when it has five, each answered
    for number in range(4):
        asked = question(author, category, product, f"Autre question numéro {number}")
        reply = post_reply(author=replier, topic=asked, body=REPLY)
        answer_accept(topic=asked, post=reply, by=author)

    # then the page costs what it did; the panel one query, none once kept
    assert _queries(client, product.get_absolute_url()) == one
    request = rf.get(product.get_absolute_url())
    cache.clear()
    with django_assert_num_queries(1):
        context = ProductQuestionsPanel().get_context(request, product)
    assert len(context["product_questions"]) == 5
    with django_assert_num_queries(0):
        kept = ProductQuestionsPanel().get_context(request, product)
    assert kept == context


def test_ask_the_community_opens_the_form_about_the_product(
    client, author, category, product
):
    client.force_login(author)

    html = text(client.get("/forum/new/?product=SEC-001"))

    assert "Sécateur Pro" in html


# --- Search --------------------------------------------------------------------------


def _search(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    sections = {section["key"]: section for section in response.context["sections"]}
    return response, sections.get("forum")


def test_search_finds_topics_by_title_and_by_published_replies(
    client, author, replier, newcomer, staff, category, staff_room
):
    by_title = topic_start(
        author=author, category=category, title="Désherbeur thermique", body=BODY
    )
    by_reply = topic_start(
        author=author, category=category, title="Allée envahie", body=BODY
    )
    post_reply(
        author=replier,
        topic=by_reply,
        body="Un désherbeur thermique passé deux fois suffit sur les graviers.",
    )
    # Words only a pending reply holds, and a topic of the staff's room.
    waiting = topic_start(
        author=author, category=category, title="Rien à voir", body=BODY
    )
    post_reply(author=newcomer, topic=waiting, body="Un désherbeur thermique géant")
    topic_start(
        author=staff, category=staff_room, title="Désherbeur thermique", body=BODY
    )

    response, forum = _search(client, "désherbeur thermique")

    assert [item.pk for item in forum["items"]] == [by_title.pk, by_reply.pk]
    assert forum["count"] == 2
    html = text(response)
    assert 'id="results-forum"' in html
    assert "In the forum, “Jardinage”" in html
    # The reply's words are the result's snippet.
    assert "passé deux fois suffit sur les graviers" in html


def test_search_section_lists_its_results_alone(client, author, category):
    for number in range(3):
        topic_start(
            author=author,
            category=category,
            title=f"Tondeuse en pente numéro {number}",
            body=BODY,
        )

    response, forum = _search(client, "tondeuse", type="forum")

    assert forum["count"] == 3
    assert len(forum["items"]) == 3


@pytest.mark.parametrize("query", ['"*()', "<script>alert(1)</script>", "x" * 500])
def test_search_never_fails_on_odd_queries(client, topic, query):
    response, _forum = _search(client, query)

    assert "<script>alert(1)</script>" not in text(response)


# --- Sitemap --------------------------------------------------------------------------


def _sitemap(client) -> dict[str, str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return {
        urlsplit(url.find("sm:loc", SITEMAP_NS).text).path: (
            url.findtext("sm:lastmod", default="", namespaces=SITEMAP_NS)
        )
        for url in root.findall("sm:url", SITEMAP_NS)
    }


def test_sitemap_lists_public_topics_with_their_last_activity(
    client, topic, replier, newcomer, category, staff_room, staff
):
    post_reply(author=replier, topic=topic, body=REPLY)
    topic.refresh_from_db()
    pending = topic_start(
        author=newcomer, category=category, title="Question en attente", body=BODY
    )
    private = topic_start(
        author=staff, category=staff_room, title="Réunion de l'équipe", body=BODY
    )

    urls = _sitemap(client)

    assert urls[topic.get_absolute_url()].startswith(
        topic.last_posted_at.date().isoformat()
    )
    assert pending.get_absolute_url() not in urls
    assert private.get_absolute_url() not in urls


# --- The page cache -------------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True


def test_visitors_get_forum_pages_from_the_cache_until_a_reply(
    client, page_cache, topic, category, replier, django_capture_on_commit_callbacks
):
    urls = [
        reverse("forum:index"),
        category.get_absolute_url(),
        topic.get_absolute_url(),
        topic.get_absolute_url() + "?page=1",
    ]
    for url in urls:
        assert client.get(url)[STATUS_HEADER] == "miss", url
        assert client.get(url)[STATUS_HEADER] == "hit", url

    # when a member replies through the page
    member_client = Client()
    member_client.force_login(replier)
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            reverse("forum:reply", args=[topic.pk]), {"body": REPLY}
        )
    assert response.status_code == 302

    # then every page that shows the topic is built again, with the reply
    for url in urls:
        assert client.get(url)[STATUS_HEADER] == "miss", url
    page = client.get(topic.get_absolute_url())
    assert page[STATUS_HEADER] == "hit"
    assert "fin février" in text(page)
    assert "1 reply" in text(client.get(category.get_absolute_url()))


def test_a_members_name_never_reaches_a_cached_page(
    client, page_cache, topic, category
):
    reader = member(2, "Zephyrine")
    member_client = Client()
    member_client.force_login(reader)

    # a member reads every forum page first: their name is in the header
    urls = [reverse("forum:index"), category.get_absolute_url()]
    urls.append(topic.get_absolute_url() + "?page=1")
    for url in urls:
        own = member_client.get(url)
        assert "Zephyrine" in text(own), url
        assert "private" in own["Cache-Control"]

    # then visitors get pages built for visitors, without it
    for url in urls:
        page = client.get(url)
        assert page[STATUS_HEADER] == "miss", url
        assert "Zephyrine" not in text(page), url
        assert "Zephyrine" not in text(client.get(url)), url


def test_likes_pins_and_answers_rebuild_the_pages_that_show_them(
    client,
    page_cache,
    topic,
    category,
    replier,
    moderator,
    author,
    django_capture_on_commit_callbacks,
):
    # (its commit callbacks run: the page cache starts from what is there)
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_reply(author=replier, topic=topic, body=REPLY)
    topic_url, category_url = topic.get_absolute_url(), category.get_absolute_url()
    for url in (topic_url, category_url):
        client.get(url)
        assert client.get(url)[STATUS_HEADER] == "hit"

    # a like changes the topic's page only
    with django_capture_on_commit_callbacks(execute=True):
        post_like(post=reply, member=author)
    assert client.get(topic_url)[STATUS_HEADER] == "miss"
    assert "1 like" in text(client.get(topic_url))
    assert client.get(category_url)[STATUS_HEADER] == "hit"

    # a pin changes the category's list too
    with django_capture_on_commit_callbacks(execute=True):
        topic_pin(topic=topic, by=moderator, pinned=True)
    assert "Pinned" in text(client.get(category_url))

    # an accepted answer shows on the topic
    with django_capture_on_commit_callbacks(execute=True):
        answer_accept(topic=topic, post=reply, by=author)
    assert "Accepted answer" in text(client.get(topic_url))


def test_a_new_question_rebuilds_its_product_page(
    client, page_cache, author, category, product, django_capture_on_commit_callbacks
):
    url = product.get_absolute_url()
    client.get(url)
    assert client.get(url)[STATUS_HEADER] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        question(author, category, product, "Le sécateur tient-il dix ans ?")

    page = client.get(url)
    assert page[STATUS_HEADER] == "miss"
    assert "Le sécateur tient-il dix ans ?" in text(page)


def test_a_category_turned_staff_only_leaves_the_cached_pages(
    client,
    page_cache,
    topic,
    category,
    author,
    product,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        question(author, category, product, "Question bientôt privée")
    urls = [reverse("forum:index"), product.get_absolute_url()]
    for url in urls:
        client.get(url)
        assert client.get(url)[STATUS_HEADER] == "hit"

    # as an editor saves it in the admin
    with django_capture_on_commit_callbacks(execute=True):
        category.staff_only = True
        category.save()

    assert "Question bientôt privée" not in text(client.get(product.get_absolute_url()))
    assert "Jardinage" not in text(client.get(reverse("forum:index")))


def test_a_moderators_decision_and_a_move_rebuild_the_pages(
    client,
    page_cache,
    topic,
    category,
    other_category,
    replier,
    moderator,
    django_capture_on_commit_callbacks,
):
    from community.forum.services import topic_move
    from community.moderation.models import ModerationAction
    from community.moderation.services import moderation_decide

    with django_capture_on_commit_callbacks(execute=True):
        reply = post_reply(author=replier, topic=topic, body=REPLY)
    urls = [
        topic.get_absolute_url(),
        category.get_absolute_url(),
        other_category.get_absolute_url(),
    ]
    for url in urls:
        client.get(url)
        assert client.get(url)[STATUS_HEADER] == "hit", url

    # a moderator takes the reply down: the topic no longer shows it
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(
            moderator=moderator,
            entries_or_contents=[reply],
            action=ModerationAction.REJECT,
            reason="forum_off_topic",
        )
    page = client.get(topic.get_absolute_url())
    assert page[STATUS_HEADER] == "miss"
    assert "fin février" not in text(page)

    # then moves the topic: both categories' lists follow
    with django_capture_on_commit_callbacks(execute=True):
        topic_move(topic=topic, category=other_category, by=moderator)
    assert "Tailler les rosiers" not in text(client.get(category.get_absolute_url()))
    assert "Tailler les rosiers" in text(client.get(other_category.get_absolute_url()))


def test_a_renamed_product_rebuilds_its_questions_pages(
    client, page_cache, author, category, product, django_capture_on_commit_callbacks
):
    from marketplace.catalog.services import product_upsert

    with django_capture_on_commit_callbacks(execute=True):
        asked = question(author, category, product, "Le sécateur tient-il dix ans ?")
    url = asked.get_absolute_url()
    client.get(url)
    assert client.get(url)[STATUS_HEADER] == "hit"

    # when the retailer's system renames the product
    with django_capture_on_commit_callbacks(execute=True):
        product_upsert(
            sku=product.sku, name="Sécateur Expert 2", price_cents=product.price_cents
        )

    page = client.get(url)
    assert page[STATUS_HEADER] == "miss"
    assert "Sécateur Expert 2" in text(page)
