"""What members and moderators do on the forum's pages, through the real
services: start a topic, reply, quote, edit with its history, like, watch,
bookmark, accept an answer, pin, close, move, split, merge, choose a digest.
Each refusal is answered in words on the page, with what was typed kept."""

import datetime as dt
import html as html_lib
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from community.forum import services
from community.forum.models import (
    POST_MAX_LENGTH,
    Bookmark,
    DigestPreference,
    Post,
    PostLike,
    Topic,
    Watch,
    WhoMayStart,
)
from community.moderation.models import ModerationStatus
from tests.community.reviews.conftest import moderator  # noqa: F401
from tests.factories import ProductFactory

from .pages_helpers import category, member

pytestmark = pytest.mark.django_db

BODY = "Quand tailler les rosiers grimpants ? Avant ou après les gelées ?"
REPLY = "Après les grosses gelées, fin février, au-dessus d'un œil tourné dehors."


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


@pytest.fixture
def ines():
    return member("ines")


@pytest.fixture
def paul():
    return member("paul")


@pytest.fixture
def jardin():
    return category("jardinage", name="Jardinage")


@pytest.fixture
def question(jardin, ines):
    return services.topic_start(
        author=ines, category=jardin, title="Tailler les rosiers grimpants", body=BODY
    )


def as_member(client, who):
    client.force_login(who)
    return client


def reply(topic, author, body=REPLY, **extra):
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=True):
        return services.post_reply(author=author, topic=topic, body=body, **extra)


# --- Starting a topic ----------------------------------------------------------


def test_a_member_starts_a_topic_about_a_product(client, jardin, ines):
    ProductFactory(name="Sécateur Pro", sku="SEC-001")
    as_member(client, ines)
    form = client.get(reverse("forum:create") + "?product=sec-001&category=jardinage")
    assert "Sécateur Pro" in text(form)

    response = client.post(
        reverse("forum:create"),
        {
            "category": jardin.pk,
            "title": "Le Sécateur Pro coupe-t-il du 25 mm ?",
            "body": BODY,
            "tags": "Sécateur, taille",
            "product": "SEC-001",
        },
    )

    topic = Topic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()
    assert topic.status == ModerationStatus.PUBLISHED
    assert topic.product.sku == "SEC-001"
    assert sorted(t.name for t in topic.tags.all()) == ["sécateur", "taille"]
    page = text(client.get(response["Location"]))
    assert "Your topic is published." in page and BODY in page
    assert Watch.objects.filter(member=ines, topic=topic).exists()


def test_a_wrong_product_or_a_huge_post_is_said_and_the_text_kept(client, jardin, ines):
    as_member(client, ines)

    wrong = client.post(
        reverse("forum:create"),
        {"category": jardin.pk, "title": "Une question", "body": BODY, "product": "X"},
    )
    huge = client.post(
        reverse("forum:create"),
        {
            "category": jardin.pk,
            "title": "Une question",
            "body": "a" * (POST_MAX_LENGTH + 1),
        },
    )
    empty = client.post(
        reverse("forum:create"),
        {"category": jardin.pk, "title": "Une question", "body": "   "},
    )

    assert wrong.status_code == 400
    assert "No product of our catalog has the reference “X”." in text(wrong)
    assert BODY in text(wrong)
    assert huge.status_code == 400 and "at most 20000 characters" in text(huge)
    assert empty.status_code == 400 and "Write something first." in text(empty)
    assert not Topic.objects.exists()


def test_a_category_where_the_member_may_not_start_is_not_offered(client, jardin, ines):
    news = category("nouvelles", name="Nouvelles", who_may_start=WhoMayStart.STAFF)
    as_member(client, ines)

    form = text(client.get(reverse("forum:create")))
    refused = client.post(
        reverse("forum:create"),
        {"category": news.pk, "title": "Une question", "body": BODY},
    )
    page = text(client.get(news.get_absolute_url()))

    assert "Jardinage" in form and ">Nouvelles<" not in form
    assert refused.status_code == 400
    assert "Choose one of the categories listed." in text(refused)
    assert "Only the shop's staff start topics" in page


def test_a_new_members_topic_waits_for_a_moderator_and_says_so(client, jardin):
    newcomer = member("novice", trust_level=0)
    as_member(client, newcomer)

    response = client.post(
        reverse("forum:create"),
        {"category": jardin.pk, "title": "Ma toute première question", "body": BODY},
        follow=True,
    )

    assert Topic.objects.get().status == ModerationStatus.PENDING
    assert "will be public once they have" in text(response)


# --- Replying and quoting --------------------------------------------------------


def test_a_member_replies_and_lands_on_the_reply(client, question, paul):
    as_member(client, paul)

    response = client.post(reverse("forum:reply", args=[question.pk]), {"body": REPLY})

    post = Post.objects.get(topic=question, number=2)
    assert response.status_code == 302
    assert response["Location"] == f"{question.get_absolute_url()}?post=2#post-2"
    assert REPLY in text(client.get(response["Location"]))
    assert post.author == paul


def test_quoting_prefills_the_reply_with_the_post_and_its_author(
    client, question, paul
):
    as_member(client, paul)

    page = text(client.get(reverse("forum:reply", args=[question.pk]) + "?quote=1"))

    assert "> **Ines wrote (post 1):**" in page
    assert f"> {BODY}" in page
    assert 'name="reply_to" value="1"' in page


def test_quoting_a_hidden_post_is_refused_in_words(client, question, ines, paul):
    hidden = reply(question, paul)
    Post.objects.filter(pk=hidden.pk).update(status=ModerationStatus.HIDDEN)
    as_member(client, ines)

    page = client.get(reverse("forum:reply", args=[question.pk]) + "?quote=2")

    assert page.status_code == 200
    assert "it cannot be quoted" in text(page)
    assert "&gt; " not in page.content.decode().split("<textarea")[1][:50]


def test_a_reply_to_a_closed_topic_is_refused_and_the_text_kept(
    client,
    question,
    paul,
    moderator,  # noqa: F811
):
    services.topic_close(topic=question, by=moderator, closed=True)
    as_member(client, paul)

    shown = client.get(reverse("forum:reply", args=[question.pk]))
    sent = client.post(
        reverse("forum:reply", args=[question.pk]), {"body": "Ma réponse tardive"}
    )

    assert shown.status_code == 403 and "This topic is closed" in text(shown)
    assert sent.status_code == 400
    assert "This topic is closed" in text(sent)
    assert "Ma réponse tardive" in text(sent)
    assert question.posts.count() == 1


# --- Editing -------------------------------------------------------------------------


def test_the_author_edits_within_the_window_and_the_history_shows(
    client, question, ines
):
    as_member(client, ines)
    post = question.posts.get(number=1)

    response = client.post(
        reverse("forum:edit", args=[post.pk]), {"body": BODY + " (Zone 8.)"}
    )
    page = text(client.get(response["Location"]))
    edit_page = text(client.get(reverse("forum:edit", args=[post.pk])))

    assert response.status_code == 302
    assert "(Zone 8.)" in page
    assert "edited 1 time" in page and BODY in page
    assert "Edit history" in edit_page and "Before the edit of" in edit_page


def test_editing_after_the_window_or_someone_elses_post_is_refused(
    client, question, paul
):
    post = question.posts.get(number=1)
    as_member(client, paul)
    others = client.get(reverse("forum:edit", args=[post.pk]))
    assert others.status_code == 403
    assert "Only its author can edit this post." in text(others)

    newcomer = member("lent", trust_level=1)
    own = reply(question, newcomer)
    as_member(client, newcomer)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25), tick=True):
        late = client.post(reverse("forum:edit", args=[own.pk]), {"body": "Corrigé"})
    assert late.status_code == 400
    assert "The time to edit this post is over" in text(late)
    assert "Corrigé" in text(late)


# --- Likes, bookmarks, watching, answers ------------------------------------------


def test_a_member_likes_and_unlikes_a_post_but_not_their_own(
    client, question, ines, paul
):
    post = question.posts.get(number=1)
    as_member(client, paul)

    liked = client.post(reverse("forum:like", args=[post.pk]), follow=True)
    assert PostLike.objects.filter(post=post, member=paul).exists()
    assert "1 like" in text(liked) and 'aria-pressed="true"' in text(liked)
    client.post(reverse("forum:like", args=[post.pk]), {"action": "unlike"})
    assert not PostLike.objects.filter(post=post).exists()

    as_member(client, ines)
    own = client.post(reverse("forum:like", args=[post.pk]), follow=True)
    assert "You cannot like your own post." in text(own)
    assert not PostLike.objects.exists()


def test_a_like_from_the_script_answers_in_place_with_the_new_count(
    client, question, ines, paul
):
    post = question.posts.get(number=1)
    url = reverse("forum:like", args=[post.pk])
    as_member(client, paul)

    # the topic page's like form is marked for the in-place script
    page = text(client.get(question.get_absolute_url(), follow=True))
    assert "data-in-place" in page and 'id="post-1-like-status"' in page
    assert "comptoir/js/in-place.js" in page
    # a like asked for as JSON: the sentence and the new likes part, no redirect
    liked = client.post(url, HTTP_ACCEPT="application/json")
    assert liked.status_code == 200
    answer = liked.json()
    assert answer["ok"] and answer["message"] == "You like this post."
    fragment = answer["fragments"]["post-1-likes"]
    assert "1 like" in fragment and 'aria-pressed="true"' in fragment
    assert 'value="unlike"' in fragment
    # and taken back the same way
    unliked = client.post(url, {"action": "unlike"}, HTTP_ACCEPT="application/json")
    assert 'aria-pressed="false"' in unliked.json()["fragments"]["post-1-likes"]
    assert not PostLike.objects.exists()

    # one's own post: refused in words, nothing else changes on the page
    as_member(client, ines)
    own = client.post(url, HTTP_ACCEPT="application/json")
    assert own.status_code >= 400
    assert own.json() == {
        "ok": False,
        "message": "You cannot like your own post.",
        "fragments": {},
    }


def test_a_member_bookmarks_a_post_and_finds_it_on_my_forum(client, question, paul):
    post = question.posts.get(number=1)
    as_member(client, paul)

    client.post(reverse("forum:bookmark", args=[post.pk]))
    mine = text(client.get(reverse("forum:mine")))
    client.post(reverse("forum:bookmark", args=[post.pk]), {"action": "remove"})

    assert f"{question.title} #1" in mine
    assert not Bookmark.objects.exists()


def test_a_member_watches_and_unwatches_a_topic_and_a_category(
    client, question, jardin, paul
):
    as_member(client, paul)

    client.post(reverse("forum:topic_watch", args=[question.pk]))
    client.post(reverse("forum:category_watch", args=[jardin.slug]))
    assert Watch.objects.filter(member=paul).count() == 2
    assert "Stop watching" in text(client.get(question.get_absolute_url()))

    client.post(reverse("forum:topic_watch", args=[question.pk]), {"action": "unwatch"})
    client.post(
        reverse("forum:category_watch", args=[jardin.slug]), {"action": "unwatch"}
    )
    assert not Watch.objects.filter(member=paul).exists()


def test_the_author_accepts_a_reply_and_others_cannot(client, question, ines, paul):
    answer = reply(question, paul)
    as_member(client, paul)
    refused = client.post(
        reverse("forum:accept", args=[question.pk]), {"post": 2}, follow=True
    )
    assert "Only the topic's author or the staff" in text(refused)

    as_member(client, ines)
    # she has read her own post 1: the topic opens at Paul's answer
    page = text(client.get(question.get_absolute_url(), follow=True))
    assert "Mark as the answer" in page
    accepted = client.post(
        reverse("forum:accept", args=[question.pk]), {"post": 2}, follow=True
    )
    question.refresh_from_db()
    assert question.accepted_post == answer
    assert "Accepted answer" in text(accepted)

    client.post(reverse("forum:accept", args=[question.pk]), {"action": "unaccept"})
    question.refresh_from_db()
    assert question.accepted_post is None


# --- Moderators ---------------------------------------------------------------------


def test_a_moderator_pins_closes_and_reopens_a_topic(
    client,
    question,
    moderator,  # noqa: F811
):
    as_member(client, moderator)

    client.post(reverse("forum:pin", args=[question.pk]))
    client.post(reverse("forum:close", args=[question.pk]))
    question.refresh_from_db()
    assert question.is_pinned and question.is_closed
    page = text(client.get(question.get_absolute_url()))
    assert "Unpin" in page and "Reopen" in page and "What moderators did" in page

    client.post(reverse("forum:pin", args=[question.pk]), {"action": "unpin"})
    client.post(reverse("forum:close", args=[question.pk]), {"action": "reopen"})
    question.refresh_from_db()
    assert not question.is_pinned and not question.is_closed


def test_a_moderator_moves_a_topic(
    client,
    question,
    moderator,  # noqa: F811
):
    potager = category("potager", name="Potager")
    as_member(client, moderator)

    form = text(client.get(reverse("forum:move", args=[question.pk])))
    moved = client.post(
        reverse("forum:move", args=[question.pk]), {"category": potager.pk}
    )
    bad = client.post(reverse("forum:move", args=[question.pk]), {"category": 99999})

    question.refresh_from_db()
    assert "Potager" in form
    assert moved.status_code == 302 and question.category == potager
    assert bad.status_code == 400 and "Choose one of the categories" in text(bad)


def test_a_moderator_splits_replies_off_and_old_links_follow_them(
    client,
    question,
    paul,
    moderator,  # noqa: F811
):
    reply(question, paul, body="Et pour les rosiers buissons ?")
    reply(question, paul, body="Et pour les rosiers lianes ?")
    as_member(client, moderator)

    form = text(client.get(reverse("forum:split", args=[question.pk]) + "?from=2"))
    bad = client.post(
        reverse("forum:split", args=[question.pk]),
        {"numbers": "1, deux", "title": "Rosiers buissons"},
    )
    done = client.post(
        reverse("forum:split", args=[question.pk]),
        {"numbers": "2-3", "title": "Les autres rosiers"},
    )

    new_topic = Topic.objects.get(title="Les autres rosiers")
    assert 'value="2-3"' in form
    assert bad.status_code == 400 and "is not a post number" in text(bad)
    assert done.status_code == 302
    assert done["Location"] == new_topic.get_absolute_url()
    assert new_topic.posts.count() == 2
    old_link = client.get(f"{question.get_absolute_url()}?post=3")
    assert old_link.status_code == 302
    assert old_link["Location"].startswith(new_topic.get_absolute_url())


def test_a_moderator_merges_a_topic_into_another(
    client,
    question,
    jardin,
    paul,
    moderator,  # noqa: F811
):
    duplicate = services.topic_start(
        author=paul, category=jardin, title="Taille des rosiers grimpants", body=REPLY
    )
    as_member(client, moderator)

    form = text(client.get(reverse("forum:merge", args=[duplicate.pk])))
    itself = client.post(
        reverse("forum:merge", args=[duplicate.pk]), {"target": str(duplicate.pk)}
    )
    missing = client.post(
        reverse("forum:merge", args=[duplicate.pk]), {"target": "/forum/t/99999-x/"}
    )
    done = client.post(
        reverse("forum:merge", args=[duplicate.pk]),
        {"target": question.get_absolute_url()},
    )

    assert question.title in form
    assert itself.status_code == 400 and "cannot be merged into itself" in text(itself)
    assert missing.status_code == 400 and "There is no such topic." in text(missing)
    assert done.status_code == 302
    assert question.posts.count() == 2
    assert client.get(duplicate.get_absolute_url())["Location"] == (
        question.get_absolute_url()
    )


# --- Digest ---------------------------------------------------------------------------


def test_a_member_chooses_the_digest_frequency(client, paul):
    as_member(client, paul)

    saved = client.post(reverse("forum:digest"), {"frequency": "daily"})
    bad = client.post(reverse("forum:digest"), {"frequency": "hourly"})

    assert saved.status_code == 302
    assert DigestPreference.objects.get(member=paul).frequency == "daily"
    assert bad.status_code == 400
    page = text(client.get(reverse("forum:mine")))
    assert re.search(r'value="daily"[^>]* checked', page)
