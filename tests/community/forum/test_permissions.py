"""Who sees and does what in the forum, for every role: visitors, new and
trusted members, authors, level 4, moderators and staff."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from community.forum import permissions
from community.forum.models import Post, Topic, WhoMayStart
from community.forum.services import post_reply, topic_start
from community.moderation.models import ModerationStatus

from .core_fixtures import *  # noqa: F403 (fixtures)
from .core_fixtures import BODY, REPLY

pytestmark = pytest.mark.django_db

visitor = AnonymousUser()


def test_the_staff_room_is_hidden_from_everyone_but_staff_and_moderators(
    category, staff_room, replier, leader, staff, moderator
):
    for user in (visitor, replier, leader):
        assert list(permissions.visible_categories(user)) == [category]
    for user in (staff, moderator):
        assert set(permissions.visible_categories(user)) == {category, staff_room}


def test_a_topic_in_the_staff_room_is_read_by_staff_only(staff_room, staff, replier):
    topic = topic_start(author=staff, category=staff_room, title="Planning", body=BODY)

    assert permissions.can_read_topic(staff, topic)
    assert not permissions.can_read_topic(replier, topic)
    assert not permissions.can_read_topic(visitor, topic)
    assert permissions.reply_refusal(replier, topic) == "This topic does not exist."


def test_a_pending_topic_is_read_by_its_author_and_moderators_only(
    basic, category, replier, moderator
):
    topic = topic_start(author=basic, category=category, title="En attente", body=BODY)

    assert permissions.can_read_topic(basic, topic)
    assert permissions.can_read_topic(moderator, topic)
    assert not permissions.can_read_topic(replier, topic)
    assert not permissions.can_read_topic(visitor, topic)
    readable = Topic.objects.filter(permissions.readable_topics_q(replier))
    assert not readable.exists()
    assert Topic.objects.filter(permissions.readable_topics_q(basic)).get() == topic


def test_a_hidden_post_is_a_gap_for_members_but_shown_to_moderators(
    topic, replier, author, moderator
):
    reply = post_reply(author=replier, topic=topic, body=REPLY)
    Post.objects.filter(pk=reply.pk).update(status=ModerationStatus.HIDDEN)
    reply.refresh_from_db()

    assert not permissions.can_read_post(author, reply)
    assert not permissions.can_read_post(replier, reply)
    assert permissions.can_read_post(moderator, reply)
    shown = Post.objects.filter(topic=topic).filter(permissions.visible_posts_q(author))
    assert list(shown.values_list("number", flat=True)) == [1]


def test_who_may_start_a_topic_in_each_kind_of_category(
    category, news, newcomer, basic, replier, staff
):
    news.who_may_start = WhoMayStart.STAFF
    trusted = category
    trusted.who_may_start = WhoMayStart.TRUSTED

    assert permissions.start_refusal(visitor, category) == "Log in to start a topic."
    assert "trust level 2" in permissions.start_refusal(basic, trusted)
    assert permissions.can_start_topic(replier, trusted)
    assert not permissions.can_start_topic(replier, news)
    assert permissions.can_start_topic(staff, news)
    trusted.who_may_start = WhoMayStart.MEMBERS
    assert permissions.can_start_topic(newcomer, trusted)


def test_a_suspended_member_may_not_start_reply_or_like(topic, suspended, category):
    assert "suspended" in permissions.start_refusal(suspended, category)
    assert "suspended" in permissions.reply_refusal(suspended, topic)
    assert not permissions.can_like(suspended, topic.posts.get())


def test_a_closed_topic_refuses_members_replies_not_moderators(
    topic, replier, leader, moderator
):
    topic.is_closed = True

    assert "closed" in permissions.reply_refusal(replier, topic)
    assert permissions.can_reply(leader, topic)
    assert permissions.can_reply(moderator, topic)
    assert permissions.reply_refusal(visitor, topic) == "Log in to reply."


def test_edit_windows_by_trust_level(topic, basic, replier, leader, staff):
    now = timezone.now()
    posts = {
        user: post_reply(author=user, topic=topic, body=REPLY)
        for user in (basic, replier, leader)
    }

    assert permissions.edit_window_end(basic, posts[basic]) == posts[
        basic
    ].created_at + dt.timedelta(hours=24)
    assert permissions.edit_window_end(replier, posts[replier]) == posts[
        replier
    ].created_at + dt.timedelta(days=30)
    assert permissions.edit_window_end(leader, posts[leader]) is None
    assert permissions.edit_window_end(replier, posts[basic]) is None
    assert permissions.can_edit(basic, posts[basic], now)
    assert not permissions.can_edit(basic, posts[basic], now + dt.timedelta(hours=25))
    assert permissions.can_edit(replier, posts[replier], now + dt.timedelta(days=29))
    assert permissions.can_edit(leader, posts[leader], now + dt.timedelta(days=999))
    assert not permissions.can_edit(staff, posts[replier], now)


def test_likes_are_for_others_published_posts(topic, author, replier):
    first = topic.posts.get()

    assert not permissions.can_like(author, first)
    assert permissions.can_like(replier, first)
    assert not permissions.can_like(visitor, first)


def test_moderating_is_for_moderators_staff_and_level_4(
    replier, leader, staff, moderator
):
    assert [
        permissions.can_moderate(user)
        for user in (visitor, replier, leader, staff, moderator)
    ] == [False, False, True, True, True]


def test_accepting_is_for_the_topics_author_and_staff(topic, author, replier, staff):
    assert permissions.can_accept(author, topic)
    assert permissions.can_accept(staff, topic)
    assert not permissions.can_accept(replier, topic)
    assert not permissions.can_accept(visitor, topic)


def test_links_and_images_by_trust_level(newcomer, basic, replier, leader):
    assert permissions.max_links(newcomer) == 2
    assert permissions.max_links(basic) is None
    assert not permissions.images_allowed(newcomer)
    assert permissions.images_allowed(basic)
    assert permissions.links_nofollow(replier)
    assert not permissions.links_nofollow(leader)
