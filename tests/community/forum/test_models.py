"""The forum's tables hold what its rules need: post numbers once per topic, one
like, read mark and bookmark per member, a watch of one thing, one digest per
period. The services (next) enforce the rest; the database refuses these even
when two requests race."""

import pytest
from django.db import IntegrityError, transaction

from community.forum.models import (
    Bookmark,
    DigestSent,
    ForumCategory,
    Post,
    PostLike,
    Topic,
    TopicRead,
    Watch,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MemberFactory()


@pytest.fixture
def topic(member):
    category = ForumCategory.objects.create(name="Potager", slug="potager")
    return Topic.objects.create(
        category=category, author=member, title="Tailler les rosiers en hiver ?"
    )


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_a_topic_gets_a_slug_from_its_title_and_counts_replies_not_post_1(
    topic,
):
    assert topic.slug == "tailler-les-rosiers-en-hiver"
    topic.post_count = 4
    assert topic.reply_count == 3


def test_a_post_number_is_given_once_per_topic_and_starts_at_1(topic, member):
    Post.objects.create(topic=topic, number=1, author=member, body="Quand ?")

    refused(lambda: Post.objects.create(topic=topic, number=1, author=member, body="x"))
    refused(lambda: Post.objects.create(topic=topic, number=0, author=member, body="x"))


def test_a_member_likes_bookmarks_and_marks_read_once(topic, member):
    post = Post.objects.create(topic=topic, number=1, author=member, body="Quand ?")
    reader = MemberFactory()
    PostLike.objects.create(post=post, member=reader)
    Bookmark.objects.create(post=post, member=reader)
    TopicRead.objects.create(topic=topic, member=reader, last_read_number=1)

    refused(lambda: PostLike.objects.create(post=post, member=reader))
    refused(lambda: Bookmark.objects.create(post=post, member=reader))
    refused(lambda: TopicRead.objects.create(topic=topic, member=reader))


def test_a_watch_is_of_a_topic_or_a_category_once(topic, member):
    Watch.objects.create(member=member, topic=topic)
    Watch.objects.create(member=member, category=topic.category)

    refused(lambda: Watch.objects.create(member=member, topic=topic))
    refused(lambda: Watch.objects.create(member=member, category=topic.category))
    refused(lambda: Watch.objects.create(member=member))
    refused(
        lambda: Watch.objects.create(
            member=MemberFactory(), topic=topic, category=topic.category
        )
    )


def test_one_digest_per_member_and_period(member):
    DigestSent.objects.create(member=member, period="2026-W48")

    refused(lambda: DigestSent.objects.create(member=member, period="2026-W48"))
    DigestSent.objects.create(member=member, period="2026-W49")
