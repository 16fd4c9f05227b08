"""A member's forum data in their export, and what erasure leaves: published
posts signed by the anonymised account, nothing unread, no likes, watches,
bookmarks, read marks or digest choice."""

import datetime as dt

import pytest
from django.utils import timezone

from community.forum.models import (
    Bookmark,
    DigestPreference,
    Post,
    PostLike,
    PostRevision,
    Topic,
    TopicRead,
    Watch,
)
from community.forum.services import (
    bookmark_set,
    digest_frequency_set,
    post_edit,
    post_like,
    post_reply,
    topic_read_mark,
    topic_start,
    watch_set,
)
from community.members.member_data import (
    member_data_erase,
    member_data_erase_summary,
    member_data_export,
)
from community.moderation.models import ModerationStatus

from .core_fixtures import *  # noqa: F403 (fixtures)
from .core_fixtures import BODY, REPLY, member

pytestmark = pytest.mark.django_db


def fresh(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def active(topic, category, author):
    """Paul: a published reply (edited, liked), a pending topic, likes, a
    watch, a bookmark, a read mark and a digest choice."""
    paul = member(2, "Paul")
    reply = post_reply(author=paul, topic=topic, body=REPLY)
    post_edit(post=reply, editor=paul, body=REPLY + " (corrigé)")
    post_like(post=reply, member=author)
    post_like(post=topic.posts.get(number=1), member=paul)
    watch_set(member=paul, category=category, watching=True)
    bookmark_set(member=paul, post=topic.posts.get(number=1), kept=True)
    topic_read_mark(member=paul, topic=fresh(topic), number=2)
    digest_frequency_set(member=paul, frequency="daily")
    paul.trust_level = 1
    paul.save(update_fields=["trust_level"])
    pending = topic_start(
        author=paul,
        category=category,
        title="Mon idée secrète",
        body="Pas encore lu",
        now=timezone.now() + dt.timedelta(minutes=1),
    )
    return paul, reply, pending


def test_the_export_holds_the_members_topics_posts_and_choices(active, topic):
    paul, reply, pending = active

    data = member_data_export(member=paul)["sections"]["forum"]

    assert [t["title"] for t in data["topics"]] == ["Mon idée secrète"]
    exported = {p["id"]: p for p in data["posts"]}
    assert exported[reply.pk]["earlier_versions"][0]["body"] == REPLY
    assert exported[reply.pk]["likes"] == 1
    assert data["likes_given"][0]["post"] == topic.posts.get(number=1).pk
    # what he read, his own pending topic too
    assert data["read"] == [
        {"topic": topic.pk, "up_to_post": 2},
        {"topic": pending.pk, "up_to_post": 1},
    ]
    assert data["digest"] == "daily"
    # The category, and the topic Paul started (its author watches it).
    assert len(data["watching"]) == 2 and len(data["bookmarks"]) == 1


def test_erasure_keeps_published_posts_and_removes_the_rest(active, topic):
    paul, reply, pending = active
    assert any(s["name"] == "forum" for s in member_data_erase_summary(member=paul))

    member_data_erase(member=paul, by=paul)

    reply = fresh(reply)
    assert reply.status == ModerationStatus.PUBLISHED
    assert reply.body.endswith("(corrigé)")
    pending = fresh(pending)
    assert (pending.status, pending.title) == (ModerationStatus.REMOVED, "")
    assert pending.posts.get().body == ""
    for model in (PostLike, Watch, Bookmark, TopicRead, DigestPreference):
        assert not model.objects.filter(member=paul).exists()
    assert fresh(topic.posts.get(number=1)).like_count == 0
    assert fresh(topic).like_count == 1


def test_deleting_public_posts_removes_them_but_keeps_others_replies(
    active, topic, author
):
    paul, reply, pending = active
    own = topic_start(
        author=paul,
        category=topic.category,
        title="Question de Paul",
        body=BODY,
        now=timezone.now() + dt.timedelta(minutes=2),
    )
    Topic.objects.filter(pk=own.pk).update(status=ModerationStatus.PUBLISHED)
    Post.objects.filter(topic=own).update(status=ModerationStatus.PUBLISHED)

    member_data_erase(member=paul, by=paul, delete_public=["forum"])

    reply = fresh(reply)
    assert (reply.status, reply.body) == (ModerationStatus.REMOVED, "")
    assert not PostRevision.objects.filter(post=reply).exists()
    assert fresh(own).status == ModerationStatus.REMOVED
    topic = fresh(topic)
    assert topic.post_count == 1
    assert fresh(topic.category).post_count == 1
