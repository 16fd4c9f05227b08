"""@mentions notify once per post and member, never a missing member; watchers
of a topic or category hear of new topics and replies, in one bulk insert."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.forum.models import PostMention
from community.forum.notify import mentioned_names
from community.forum.services import (
    post_edit,
    post_reply,
    topic_start,
    watch_set,
)
from community.moderation.models import ModerationAction
from community.moderation.services import moderation_decide
from community.notifications.models import Notification

from .core_fixtures import *  # noqa: F403 (fixtures)
from .core_fixtures import BODY, member

pytestmark = pytest.mark.django_db


def told(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_names_in_the_members_own_words_only():
    text = (
        "Merci @Marie et @paul-durand. Écrivez à jardin@example.fr.\n"
        "> @cite dans une citation\n"
        "`@code` et\n```\n@bloc\n```\n@Marie encore."
    )

    assert mentioned_names(text) == ["marie", "paul-durand"]


def test_a_mention_notifies_once_even_after_edits(topic, author, replier):
    reply = post_reply(author=author, topic=topic, body="Qu'en dis-tu @Paul ?")

    assert told(replier, "forum_mention") == 1
    notification = Notification.objects.get(recipient=replier, kind="forum_mention")
    assert "Elise mentioned you" in notification.title
    post_edit(post=reply, editor=author, body="Qu'en dis-tu @paul ? Et toi @Basile ?")
    assert told(replier, "forum_mention") == 1
    assert PostMention.objects.filter(post=reply).count() == 1


def test_a_mention_of_a_missing_member_or_oneself_notifies_nobody(topic, author):
    reply = post_reply(author=author, topic=topic, body="Merci @Personne et @elise !")

    assert reply.pk
    assert not Notification.objects.filter(kind="forum_mention").exists()


def test_a_pending_posts_mentions_wait_for_its_approval(
    topic, basic, replier, moderator
):
    reply = post_reply(author=basic, topic=topic, body="Bonjour @Paul")
    assert told(replier, "forum_mention") == 0

    moderation_decide(
        moderator=moderator,
        entries_or_contents=[reply],
        action=ModerationAction.APPROVE,
    )
    assert told(replier, "forum_mention") == 1


def test_nobody_outside_the_staff_room_is_mentioned_in_it(staff_room, staff, replier):
    topic_start(author=staff, category=staff_room, title="Entre nous", body="@Paul ?")

    assert told(replier, "forum_mention") == 0


def test_watchers_of_the_topic_and_category_hear_of_replies_in_one_insert(
    topic, category, author, replier
):
    watchers = [member(1, f"Veilleur{i}") for i in range(5)]
    for watcher in watchers[:3]:
        watch_set(member=watcher, topic=topic, watching=True)
    for watcher in watchers[2:]:
        watch_set(member=watcher, category=category, watching=True)
    watch_set(member=replier, topic=topic, watching=True)

    with CaptureQueriesContext(connection) as queries:
        post_reply(author=replier, topic=topic, body="Une réponse pour @Elise")

    inserts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and "notifications_notification" in q["sql"]
    ]
    # One row for the mention (author, who watches too, hears once), one bulk
    # insert for the five watchers; the replier is not told of their own reply.
    assert len(inserts) == 2
    for watcher in watchers:
        assert told(watcher, "forum_watched") == 1
    assert told(author, "forum_watched") == 0
    assert told(author, "forum_mention") == 1
    assert told(replier, "forum_watched") == 0


def test_category_watchers_hear_of_a_new_topic(category, author, replier):
    watch_set(member=replier, category=category, watching=True)

    topic_start(author=author, category=category, title="Nouveau sujet", body=BODY)

    notification = Notification.objects.get(recipient=replier)
    assert notification.title == "New topic in Jardinage: “Nouveau sujet”"


def test_the_author_replied_to_is_told(topic, author, replier):
    first = topic.posts.get()
    post_reply(author=replier, topic=topic, body="Bonne question", reply_to=first)

    assert told(author, "forum_reply") == 1
    # Watching their own topic too, they hear of it once.
    assert told(author, "forum_watched") == 0
