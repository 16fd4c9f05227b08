"""The forum's pages as visitors, members and moderators see them: what each
may read, where a link lands, the unread marks and where reading resumes, the
empty states, and that no odd address answers a 500. Data is written straight
to the tables (pages_helpers); test_pages_actions.py posts through the services."""

import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.forum.models import (
    Bookmark,
    ForumSettings,
    Post,
    PostMove,
    TopicRead,
    Watch,
)
from community.moderation.models import ModerationStatus
from tests.community.reviews.conftest import moderator  # noqa: F401
from tests.factories import ProductFactory

from .pages_helpers import category, member, topic

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def ines():
    return member("ines")


@pytest.fixture
def paul():
    return member("paul")


@pytest.fixture
def potager():
    return category("potager", description="Semis, récoltes et rotations.")


@pytest.fixture
def talk(potager, ines, paul):
    return topic(potager, ines, posts=5, others=[paul])


def logged_in(client, who):
    client.force_login(who)
    return client


# --- The front page and categories --------------------------------------------


def test_visitors_read_the_forum_and_its_latest_activity(client, talk, potager):
    html = text(client.get("/forum/"))

    assert "<h1>Forum</h1>" in html
    assert potager.name in html and "Semis, récoltes et rotations." in html
    assert talk.title in html
    assert "csrfmiddlewaretoken" not in html


def test_the_forum_is_in_the_main_menu_and_my_forum_in_the_member_menu(client, ines):
    visitor = text(client.get("/forum/"))
    member_page = text(logged_in(client, ines).get("/forum/"))

    assert '<a href="/forum/" aria-current="page">Forum</a>' in visitor
    assert '<a href="/me/forum/">My forum</a>' not in visitor
    assert '<a href="/me/forum/">My forum</a>' in member_page


def test_an_empty_forum_and_an_empty_category_say_so(client, ines):
    assert "The forum has no category yet." in text(client.get("/forum/"))
    empty = category("vide")
    html = text(logged_in(client, ines).get(empty.get_absolute_url()))
    assert "No topic in this category yet." in html
    assert "Start a topic" in html


def test_a_staff_room_is_hidden_from_members_and_shown_to_staff(client, ines):
    room = category("equipe", name="Salle de l'équipe", staff_only=True)
    staff = member("equipe-staff", is_staff=True)

    assert client.get(room.get_absolute_url()).status_code == 404
    assert "Salle de l" not in text(logged_in(client, ines).get("/forum/"))
    assert logged_in(client, staff).get(room.get_absolute_url()).status_code == 200
    assert "Salle de l" in text(client.get("/forum/"))


def test_a_category_lists_its_topics_with_counts_and_new_marks(
    client, potager, ines, paul
):
    read = topic(potager, ines, title="Rotation des cultures", posts=6, others=[paul])
    fresh = topic(potager, ines, title="Fumier ou compost ?", posts=2)
    read.tags.add("rotation")
    TopicRead.objects.create(topic=read, member=paul, last_read_number=2)

    html = text(logged_in(client, paul).get(potager.get_absolute_url()))

    row = html[html.index(f'id="topic-{read.pk}"') :]
    assert "4 new" in row[: row.index("</li>")]
    assert "5 replies" in row and "rotation" in row
    fresh_row = html[html.index(f'id="topic-{fresh.pk}"') :]
    assert ">New<" in fresh_row[: fresh_row.index("</li>")]


def test_a_category_page_costs_the_same_queries_for_3_or_30_topics(client, ines, paul):
    logged_in(client, paul)

    def queries_for(count):
        cat = category(f"c{count}")
        for i in range(count):
            made = topic(cat, ines, title=f"Sujet numéro {i}", others=[paul])
            made.tags.add("potager")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(cat.get_absolute_url()).status_code == 200
        return len(captured.captured_queries)

    assert queries_for(3) == queries_for(30)


def test_a_bad_cursor_or_page_gives_the_first_page_not_an_error(client, talk):
    url = talk.category.get_absolute_url()
    for query in ("?after=%%%", "?before=zz", "?page=-3", "?page=abc", "?page=99"):
        response = client.get(url + query)
        assert response.status_code == 200, query


# --- One topic -----------------------------------------------------------------


def test_a_wrong_slug_and_a_short_link_redirect_to_the_topic(client, talk):
    wrong = client.get(f"/forum/t/{talk.pk}-autre-chose/?post=3")
    short = client.get(f"/forum/t/{talk.pk}/")

    assert wrong.status_code == 301
    assert wrong["Location"] == f"{talk.get_absolute_url()}?post=3"
    assert short.status_code == 301
    assert short["Location"] == talk.get_absolute_url()


def test_a_link_to_a_post_lands_on_the_page_that_holds_it(client, potager, ines):
    settings = ForumSettings.load()
    settings.posts_per_page = 10
    settings.save()
    long = topic(potager, ines, title="Un très long sujet", posts=45)

    html = text(client.get(f"{long.get_absolute_url()}?post=34"))

    assert 'id="post-34"' in html and 'id="post-31"' in html
    assert 'id="post-30"' not in html and 'id="post-41"' not in html
    assert re.search(r'href="\?page=4" aria-current="page"', html)


def test_a_link_to_a_post_beyond_the_end_or_garbage_still_answers(client, talk):
    for query in ("?post=999999", "?post=abc", "?post=-1", "?page=0", "?page=last"):
        assert client.get(talk.get_absolute_url() + query).status_code == 200, query


def test_a_link_to_a_moved_post_follows_it(client, potager, ines, talk):
    other = topic(potager, ines, title="Le sujet séparé", posts=1)
    post = Post.objects.get(topic=talk, number=5)
    Post.objects.filter(pk=post.pk).update(topic=other, number=2)
    PostMove.objects.create(post=post, from_topic=talk, from_number=5)

    response = client.get(f"{talk.get_absolute_url()}?post=5")

    assert response.status_code == 302
    assert response["Location"] == f"{other.get_absolute_url()}?post=2#post-2"


def test_a_merged_topic_leads_to_the_one_it_went_into(client, potager, ines, talk):
    gone = topic(potager, ines, title="Doublon des rosiers", posts=1)
    gone.merged_into = talk
    gone.save(update_fields=["merged_into"])

    response = client.get(gone.get_absolute_url())

    assert response.status_code == 301
    assert response["Location"] == talk.get_absolute_url()


def test_a_pending_topic_is_seen_by_its_author_only(client, potager, ines, paul):
    waiting = topic(
        potager, ines, title="En attente du modo", status=ModerationStatus.PENDING
    )

    assert client.get(waiting.get_absolute_url()).status_code == 404
    assert logged_in(client, paul).get(waiting.get_absolute_url()).status_code == 404
    html = text(logged_in(client, ines).get(waiting.get_absolute_url()))
    assert "waits for a moderator" in html


def test_a_hidden_post_is_left_out_for_members_and_shown_marked_to_moderators(
    client,
    talk,
    paul,
    moderator,  # noqa: F811
):
    Post.objects.filter(topic=talk, number=3).update(status=ModerationStatus.HIDDEN)

    member_html = text(logged_in(client, paul).get(talk.get_absolute_url()))
    moderator_html = text(logged_in(client, moderator).get(talk.get_absolute_url()))

    assert 'id="post-3"' not in member_html and 'id="post-4"' in member_html
    assert 'id="post-3"' in moderator_html and "Not shown to members" in moderator_html


def test_a_visitor_sees_the_topic_and_is_offered_to_log_in(client, talk):
    html = text(client.get(talk.get_absolute_url()))

    assert f"<h1>{talk.title}</h1>" in html
    assert "Log in to reply" in html
    assert "csrfmiddlewaretoken" not in html
    assert "Moderation" not in html


def test_opening_a_topic_marks_it_read_in_one_write_and_resumes_there(
    client, talk, paul
):
    logged_in(client, paul)
    ForumSettings.load()  # the rules' row exists, as on any running site

    with CaptureQueriesContext(connection) as captured:
        first = client.get(talk.get_absolute_url())
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
        and "forum" in q["sql"]
    ]
    assert first.status_code == 200
    assert len(writes) == 1
    assert TopicRead.objects.get(member=paul, topic=talk).last_read_number == 5

    TopicRead.objects.filter(member=paul).update(last_read_number=2)
    again = client.get(talk.get_absolute_url())
    assert again.status_code == 302
    assert again["Location"] == f"{talk.get_absolute_url()}?post=3#post-3"
    landed = text(client.get(again["Location"]))
    # Post 3 is Inès's: "unread from here" stands in it, after post 2.
    assert 'id="unread"' in landed
    assert landed.index('id="unread"') > landed.index('id="post-2"')
    assert landed.index('id="unread"') < landed.index('id="post-4"')


def test_reading_an_older_page_never_moves_the_mark_back(client, potager, ines):
    settings = ForumSettings.load()
    settings.posts_per_page = 10
    settings.save()
    long = topic(potager, ines, title="Un très long sujet", posts=25)
    reader = member("lise")
    TopicRead.objects.create(topic=long, member=reader, last_read_number=25)

    logged_in(client, reader).get(f"{long.get_absolute_url()}?page=1")

    assert TopicRead.objects.get(member=reader, topic=long).last_read_number == 25


def test_a_topic_page_costs_the_same_queries_for_3_or_30_posts(
    client, potager, ines, paul
):
    logged_in(client, paul)
    settings = ForumSettings.load()
    settings.posts_per_page = 50
    settings.save()

    def queries_for(count):
        made = topic(
            potager, ines, title=f"Sujet de {count}", posts=count, others=[paul]
        )
        made.tags.add("rosiers")
        for post in made.posts.all():
            post.revisions.create(body="avant", edited_by=post.author)
            Post.objects.filter(pk=post.pk).update(edit_count=1)
        # Read once, so both visits write the same single read mark.
        TopicRead.objects.create(topic=made, member=paul, last_read_number=1)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{made.get_absolute_url()}?page=1")
        assert response.status_code == 200
        return len(captured.captured_queries)

    assert queries_for(3) == queries_for(30)


def test_the_edit_history_shows_how_many_times_and_the_earlier_texts(
    client, talk, ines
):
    post = Post.objects.get(topic=talk, number=1)
    post.revisions.create(body="Première version", edited_by=ines)
    post.revisions.create(body="Deuxième version", edited_by=ines)
    Post.objects.filter(pk=post.pk).update(edit_count=2, edited_at=post.created_at)

    html = text(client.get(talk.get_absolute_url()))

    assert "edited 2 times" in html
    assert "Première version" in html and "Deuxième version" in html
    assert "<details" in html


def test_a_product_question_and_its_accepted_answer_by_a_verified_owner(
    client, potager, ines, paul
):
    product = ProductFactory(name="Tondeuse Pente 46", sku="TON-046")
    question = topic(
        potager, ines, title="Pour un terrain en pente ?", posts=3, others=[paul]
    )
    answer = Post.objects.get(topic=question, number=2)
    Post.objects.filter(pk=answer.pk).update(
        by_verified_owner=True, body="Oui, la mienne grimpe à 30 %."
    )
    question.product = product
    question.accepted_post = answer
    question.save(update_fields=["product", "accepted_post"])

    html = text(client.get(question.get_absolute_url()))

    assert "Tondeuse Pente 46" in html
    assert "Accepted answer" in html and "Verified owner" in html
    assert html.index("forum-accepted") < html.index('id="post-1"')


def test_a_long_word_and_a_long_code_block_stay_in_their_box(client, potager, ines):
    made = topic(potager, ines, title="Un mot très long", posts=1)
    Post.objects.filter(topic=made).update(
        body="Anticonstitutionnellement" * 20 + "\n\n```\n" + "x = 1; " * 80 + "\n```"
    )

    html = text(client.get(made.get_absolute_url()))
    with open(finders.find("forum/forum.css"), encoding="utf-8") as sheet:
        css = sheet.read()

    assert '<div class="forum-post-body"><p>Anticonstitutionnellement' in html
    assert "<pre><code>" in html
    assert re.search(r"\.forum-post-body \{[^}]*overflow-wrap: anywhere", css)
    assert re.search(r"\.forum-post-body pre \{[^}]*overflow-x: auto", css)


def test_closed_topic_says_so_instead_of_a_reply_form(client, talk, paul):
    talk.is_closed = True
    talk.save(update_fields=["is_closed"])

    html = text(logged_in(client, paul).get(talk.get_absolute_url()))

    assert "This topic is closed" in html
    assert 'id="reply-form"' not in html


def test_moderators_see_their_actions_and_members_do_not(
    client,
    talk,
    paul,
    moderator,  # noqa: F811
):
    assert "topic-moderation" not in text(
        logged_in(client, paul).get(talk.get_absolute_url())
    )
    html = text(logged_in(client, moderator).get(talk.get_absolute_url()))
    assert 'id="topic-moderation"' in html
    for action in ("pin", "close", "move", "split", "merge"):
        assert reverse(f"forum:{action}", args=[talk.pk]) in html
    leader = member("leader", trust_level=4)
    assert 'id="topic-moderation"' in text(
        logged_in(client, leader).get(talk.get_absolute_url())
    )


# --- /me/forum/ ------------------------------------------------------------------


def test_my_forum_is_for_members_and_says_when_each_list_is_empty(client, ines):
    response = client.get("/me/forum/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    html = text(logged_in(client, ines).get("/me/forum/"))
    assert "You have not started any topic yet." in html
    assert "You have not replied to any topic yet." in html
    assert "No bookmark yet" in html
    assert "You watch nothing yet." in html
    assert "<legend>E-mail digest of what I watch</legend>" in html
    assert 'name="frequency"' in html


def test_my_forum_lists_my_topics_replies_bookmarks_and_watches(
    client, potager, talk, ines, paul
):
    mine = topic(potager, paul, title="Mon propre sujet", posts=1)
    reply = Post.objects.get(topic=talk, number=2)  # Paul's
    Bookmark.objects.create(member=paul, post=Post.objects.get(topic=talk, number=3))
    Watch.objects.create(member=paul, topic=talk)
    Watch.objects.create(member=paul, category=potager)

    html = text(logged_in(client, paul).get("/me/forum/"))

    assert mine.title in html
    assert f"?post={reply.number}#post-{reply.number}" in html
    assert f"{talk.title} #3" in html
    assert html.count(talk.title) >= 3  # reply, bookmark, watched
    watched = html[html.index('id="my-watched"') :]
    assert potager.name in watched


def test_the_pages_for_members_send_visitors_to_log_in(client, talk):
    for url in (
        reverse("forum:create"),
        reverse("forum:reply", args=[talk.pk]),
        reverse("forum:edit", args=[talk.posts.first().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))


def test_unknown_things_are_404_not_500(client, ines):
    logged_in(client, ines)
    for url in (
        "/forum/c/nope/",
        "/forum/t/999999-nope/",
        "/forum/t/999999/reply/",
        "/forum/p/999999/edit/",
    ):
        assert client.get(url).status_code == 404, url


def test_moderator_pages_are_refused_to_members(client, talk, paul):
    logged_in(client, paul)
    for action in ("move", "split", "merge"):
        assert client.get(reverse(f"forum:{action}", args=[talk.pk])).status_code == 403
    assert client.post(reverse("forum:pin", args=[talk.pk])).status_code == 403


def test_dates_use_the_suite_clock(talk):
    # The helpers write dates two days before the suite's instant.
    assert talk.created_at < talk.last_posted_at + dt.timedelta(days=1)


def test_hostile_markdown_in_a_post_is_inert(client, potager, ines):
    made = topic(potager, ines, title="Un message piégé", posts=1)
    Post.objects.filter(topic=made).update(
        body="<script>alert(1)</script> [clic](javascript:alert(2)) "
        "<img src=x onerror=alert(3)>"
    )

    html = text(client.get(made.get_absolute_url()))
    body = html[html.index('class="forum-post-body"') :]
    body = body[: body.index("</div>")]

    assert "<script" not in body and "<img" not in body
    assert 'href="javascript:' not in body
    assert "&lt;script&gt;" in body


# --- The categories in the admin -------------------------------------------------


def test_editors_manage_the_categories_in_the_admin(client, potager):
    editor = member("editrice", is_staff=True, is_superuser=True)
    logged_in(client, editor)

    listing = client.get("/admin/snippets/forum/forumcategory/")
    created = client.post(
        "/admin/snippets/forum/forumcategory/add/",
        {
            "name": "Outillage",
            "slug": "outillage",
            "description": "Tondeuses, sécateurs, perceuses.",
            "colour": "#8a5a1f",
            "position": "20",
            "who_may_start": "trusted",
        },
    )
    bad_colour = client.post(
        "/admin/snippets/forum/forumcategory/add/",
        {"name": "Rouge", "slug": "rouge", "colour": "red", "position": "1"},
    )

    assert listing.status_code == 200 and potager.name in text(listing)
    assert created.status_code == 302
    assert "Outillage" in text(client.get("/forum/"))
    assert bad_colour.status_code == 200
    assert "A colour such as #1f6b3a." in text(bad_colour)


def test_my_forum_costs_the_same_queries_for_3_or_30_of_everything(
    client, potager, ines
):
    def queries_for(count):
        reader = member(f"lecteur-{count}")
        for i in range(count):
            own = topic(potager, reader, title=f"Mon sujet {i}", posts=2, others=[ines])
            own.tags.add("potager")
            theirs = topic(
                potager, ines, title=f"Leur sujet {i}", posts=2, others=[reader]
            )
            Watch.objects.create(member=reader, topic=theirs)
            Bookmark.objects.create(member=reader, post=theirs.posts.get(number=1))
        logged_in(client, reader)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/me/forum/").status_code == 200
        return len(captured.captured_queries)

    assert queries_for(3) == queries_for(30)
