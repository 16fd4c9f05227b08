"""Moderators and level 4 pin, close, move, split and merge: every post and its
history is kept (PostMove rows, renumbering), counts follow."""

import pytest

from community.forum.models import (
    ForumCategory,
    Post,
    PostLike,
    PostMove,
    PostRevision,
    Topic,
    TopicAction,
    Watch,
)
from community.forum.services import (
    ForumRefused,
    answer_accept,
    post_edit,
    post_like,
    post_reply,
    posts_split,
    topic_close,
    topic_merge,
    topic_move,
    topic_pin,
    topic_start,
)

from .core_fixtures import *  # noqa: F403 (fixtures)
from .core_fixtures import BODY, REPLY

pytestmark = pytest.mark.django_db


def fresh(obj):
    obj.refresh_from_db()
    return obj


def numbers(topic):
    return list(topic.posts.order_by("number").values_list("number", "body"))


@pytest.fixture
def long_topic(topic, replier, author):
    for n in range(2, 7):
        post_reply(author=replier if n % 2 else author, topic=topic, body=f"Post {n}")
    return fresh(topic)


def test_members_may_not_moderate(topic, replier):
    for action in (
        lambda: topic_pin(topic=topic, by=replier, pinned=True),
        lambda: topic_close(topic=topic, by=replier, closed=True),
    ):
        with pytest.raises(ForumRefused) as refused:
            action()
        assert "Only moderators" in " ".join(refused.value.messages)
    assert not fresh(topic).is_pinned


def test_pin_and_close_are_recorded_in_the_topic(topic, leader, moderator):
    topic_pin(topic=topic, by=leader, pinned=True)
    topic_close(topic=topic, by=moderator, closed=True)
    topic_close(topic=topic, by=moderator, closed=False)

    topic = fresh(topic)
    assert topic.is_pinned and not topic.is_closed
    assert list(topic.actions.values_list("kind", flat=True)) == [
        "pinned",
        "closed",
        "reopened",
    ]


def test_a_move_carries_the_counts_to_the_other_category(
    long_topic, category, other_category, moderator
):
    topic_move(topic=long_topic, category=other_category, by=moderator)

    category, other = fresh(category), fresh(other_category)
    assert (category.topic_count, category.post_count, category.last_topic) == (
        0,
        0,
        None,
    )
    assert (other.topic_count, other.post_count, other.last_topic) == (
        1,
        6,
        long_topic,
    )
    assert TopicAction.objects.get(kind="moved").detail == {
        "from_category": category.pk,
        "to_category": other.pk,
    }


def test_level_4_may_not_move_a_topic_into_the_staff_room(
    long_topic, staff_room, leader
):
    with pytest.raises(ForumRefused):
        topic_move(topic=long_topic, category=staff_room, by=leader)


def test_a_split_renumbers_the_replies_in_a_new_topic_and_keeps_their_history(
    long_topic, moderator, replier, author
):
    third = long_topic.posts.get(number=3)
    post_edit(post=third, editor=third.author, body="Post 3, corrigé")
    post_like(post=third, member=replier if third.author != replier else author)
    answer_accept(topic=long_topic, post=third, by=long_topic.author)

    new = posts_split(
        topic=long_topic, numbers=[5, 3], title="Le compost en hiver", by=moderator
    )

    assert numbers(new) == [(1, "Post 3, corrigé"), (2, "Post 5")]
    assert new.author == third.author
    assert numbers(fresh(long_topic)) == [
        (1, BODY),
        (2, "Post 2"),
        (4, "Post 4"),
        (6, "Post 6"),
    ]
    moved = Post.objects.get(pk=third.pk)
    assert (moved.topic, moved.number) == (new, 1)
    assert PostMove.objects.filter(post=moved).values_list(
        "from_topic", "from_number"
    ).get() == (long_topic.pk, 3)
    assert PostRevision.objects.filter(post=moved).count() == 1
    assert PostLike.objects.filter(post=moved).count() == 1
    long_topic = fresh(long_topic)
    assert (long_topic.post_count, long_topic.last_number) == (4, 6)
    assert long_topic.accepted_post is None
    assert (fresh(new).post_count, new.last_number) == (2, 2)
    assert fresh(long_topic.category).topic_count == 2
    assert fresh(long_topic.category).post_count == 6
    # A new reply in the old topic takes a number never given there.
    assert post_reply(author=author, topic=long_topic, body=REPLY).number == 7


def test_a_split_refuses_post_1_and_missing_numbers(long_topic, moderator):
    with pytest.raises(ForumRefused) as refused:
        posts_split(topic=long_topic, numbers=[1, 2], title="Sans tête", by=moderator)
    assert "opening post" in " ".join(refused.value.messages)
    with pytest.raises(ForumRefused) as refused:
        posts_split(topic=long_topic, numbers=[2, 40], title="Trop loin", by=moderator)
    assert "40" in " ".join(refused.value.messages)
    with pytest.raises(ForumRefused):
        posts_split(
            topic=long_topic, numbers=["x"], title="Pas un nombre", by=moderator
        )
    assert Topic.objects.count() == 1
    assert not PostMove.objects.exists()


def test_a_merge_appends_the_posts_and_leaves_a_closed_pointer(
    long_topic, author, replier, moderator, category
):
    other = topic_start(
        author=replier,
        category=category,
        title="Rosiers : quand tailler ?",
        body="Question ?",
    )
    post_reply(author=author, topic=other, body="Réponse")
    Watch.objects.get_or_create(member=replier, topic=other)

    target = topic_merge(source=other, target=long_topic, by=moderator)

    assert numbers(target)[-2:] == [(7, "Question ?"), (8, "Réponse")]
    assert PostMove.objects.filter(from_topic=other).count() == 2
    other = fresh(other)
    assert other.merged_into == target and other.is_closed
    assert other.post_count == 0 and not other.posts.exists()
    target = fresh(target)
    assert (target.post_count, target.last_number) == (8, 8)
    assert Watch.objects.filter(member=replier, topic=target).exists()
    category = fresh(category)
    assert (category.topic_count, category.post_count) == (1, 8)
    with pytest.raises(ForumRefused):
        topic_merge(source=target, target=target, by=moderator)
    with pytest.raises(ForumRefused):
        topic_merge(source=other, target=target, by=moderator)


def test_no_category_counts_drift_after_moves(long_topic, moderator):
    posts_split(topic=long_topic, numbers=[2], title="Un aparté", by=moderator)
    for category in ForumCategory.objects.all():
        topics = Topic.objects.filter(
            category=category, status="published", merged_into=None, post_count__gt=0
        )
        assert category.topic_count == topics.count()
        assert category.post_count == sum(t.post_count for t in topics)
