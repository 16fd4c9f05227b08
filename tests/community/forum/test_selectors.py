"""The forum's reads: categories with their latest activity in one query, a
category's topics pinned first then by activity with the member's "n new", a
topic's posts by page of post numbers, and where a member's reading resumes."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from community.forum import selectors
from community.forum.models import (
    Bookmark,
    ForumCategory,
    Post,
    PostLike,
    PostMove,
    TopicRead,
)
from community.moderation.models import ModerationStatus

from .pages_helpers import category, member, topic

pytestmark = pytest.mark.django_db


def params(query: str = "") -> QueryDict:
    return QueryDict(query)


@pytest.fixture
def ines():
    return member("ines")


@pytest.fixture
def paul():
    return member("paul")


def test_categories_come_with_their_latest_topic_and_poster_in_one_query(
    ines, paul, django_assert_num_queries
):
    potager = category("potager", position=20)
    outils = category("outillage", position=10)
    topic(potager, ines, posts=2, others=[paul])  # Paul wrote post 2, the last
    category("vide", position=30)

    with django_assert_num_queries(1):
        rows = selectors.category_list(categories=ForumCategory.objects.all())
        latest = [(c.slug, c.latest_topic and c.latest_topic.last_poster) for c in rows]

    assert [slug for slug, _ in latest] == ["outillage", "potager", "vide"]
    assert latest[1][1] == paul
    assert rows[0].latest_topic is None and outils.pk == rows[0].pk


def test_a_latest_topic_taken_down_by_moderation_is_not_shown(ines):
    potager = category()
    hidden = topic(potager, ines)
    hidden.status = ModerationStatus.HIDDEN
    hidden.save(update_fields=["status"])

    (row,) = selectors.category_list(categories=ForumCategory.objects.all())

    assert row.latest_topic is None


def test_a_category_lists_pinned_topics_first_then_latest_activity(ines):
    potager = category()
    now = timezone.now()
    old_pinned = topic(
        potager, ines, title="Règles du potager", at=now - dt.timedelta(days=30)
    )
    old_pinned.is_pinned = True
    old_pinned.save(update_fields=["is_pinned"])
    older = topic(potager, ines, title="Semer des radis", at=now - dt.timedelta(days=3))
    newer = topic(potager, ines, title="Paillage en été", at=now - dt.timedelta(days=1))
    topic(potager, ines, title="En attente", status=ModerationStatus.PENDING)

    listing = selectors.category_topics_page(
        category=potager, params=params(), per_page=10
    )

    assert listing.pinned == [old_pinned]
    assert listing.page.object_list == [newer, older]


def test_a_category_pages_by_keyset_and_the_pinned_stay_on_the_first_page(ines):
    potager = category()
    now = timezone.now()
    pinned = topic(potager, ines, title="Épinglé", is_pinned=True)
    rows = [
        topic(potager, ines, title=f"Sujet {i:02}", at=now - dt.timedelta(hours=i))
        for i in range(1, 6)
    ]

    first = selectors.category_topics_page(
        category=potager, params=params(), per_page=2
    )
    second = selectors.category_topics_page(
        category=potager,
        params=params(f"after={first.page.next_cursor}"),
        per_page=2,
    )

    assert first.pinned == [pinned]
    assert first.page.object_list == rows[:2]
    assert second.pinned == []
    assert second.page.object_list == rows[2:4]


def test_a_member_sees_how_many_posts_are_new_in_each_topic(ines, paul):
    potager = category()
    read_some = topic(potager, ines, title="Lu en partie", posts=7, others=[paul])
    read_all = topic(potager, ines, title="Lu en entier", posts=3, others=[paul])
    never = topic(potager, ines, title="Jamais ouvert", posts=2)
    TopicRead.objects.create(topic=read_some, member=paul, last_read_number=4)
    TopicRead.objects.create(topic=read_all, member=paul, last_read_number=3)

    listing = selectors.category_topics_page(
        category=potager, params=params(), per_page=10, member=paul
    )
    marks = {t.title: (t.new_posts, t.never_read) for t in listing.page.object_list}

    assert marks[read_some.title] == (3, False)
    assert marks[read_all.title] == (0, False)
    assert marks[never.title] == (None, True)


def test_a_category_page_costs_the_same_queries_for_3_or_30_topics(
    ines, paul, django_assert_num_queries
):
    def queries_for(count):
        cat = category(f"c{count}")
        topic(cat, ines, title="Épinglé", is_pinned=True)
        for i in range(count):
            made = topic(cat, ines, title=f"Sujet {i}", others=[paul])
            made.tags.add("rosiers", f"t{i}")
            TopicRead.objects.create(topic=made, member=paul, last_read_number=1)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            listing = selectors.category_topics_page(
                category=cat, params=params(), per_page=50, member=paul
            )
            for row in [*listing.pinned, *listing.page.object_list]:
                list(row.tags.all())
                str(row.author.public_name), str(row.last_poster)
        return len(captured.captured_queries)

    assert queries_for(3) == queries_for(30) == 5


# --- One topic -------------------------------------------------------------------


def test_a_page_of_a_topic_is_a_range_of_post_numbers(ines, paul):
    long = topic(category(), ines, posts=45, others=[paul])

    page = selectors.topic_posts_page(topic=long, viewer=paul, page=3, per_page=20)

    assert [p.number for p in page.posts] == list(range(41, 46))
    assert (page.number, page.num_pages) == (3, 3)
    assert selectors.page_of_number(number=1234, per_page=20) == 62
    assert selectors.page_of_number(number=20, per_page=20) == 1
    assert selectors.page_of_number(number=21, per_page=20) == 2


def test_a_page_beyond_the_end_gives_the_last_one(ines):
    short = topic(category(), ines, posts=3)

    page = selectors.topic_posts_page(topic=short, viewer=ines, page=99, per_page=20)

    assert (page.number, len(page.posts)) == (1, 3)


def test_a_topic_page_shows_published_posts_and_ones_own_pending_post(ines, paul):
    talk = topic(category(), ines, posts=4, others=[paul])
    Post.objects.filter(topic=talk, number=2).update(status=ModerationStatus.PENDING)
    Post.objects.filter(topic=talk, number=3).update(status=ModerationStatus.HIDDEN)
    # Post 2 is Paul's (replies alternate), post 3 is Inès's.
    visitor = member("zoe")

    def numbers(viewer, moderator=False):
        page = selectors.topic_posts_page(
            topic=talk, viewer=viewer, page=1, per_page=20, moderator=moderator
        )
        return [p.number for p in page.posts]

    assert numbers(visitor) == [1, 4]
    assert numbers(paul) == [1, 2, 4]
    assert numbers(visitor, moderator=True) == [1, 2, 3, 4]


def test_a_topic_page_knows_the_members_likes_and_bookmarks(ines, paul):
    talk = topic(category(), ines, posts=3, others=[paul])
    first, _second, third = talk.posts.order_by("number")
    PostLike.objects.create(post=first, member=paul)
    Bookmark.objects.create(post=third, member=paul)

    page = selectors.topic_posts_page(topic=talk, viewer=paul, page=1, per_page=20)

    assert [(p.liked, p.bookmarked) for p in page.posts] == [
        (True, False),
        (False, False),
        (False, True),
    ]


def test_a_topic_page_costs_the_same_queries_for_3_or_30_posts(
    ines, paul, django_assert_num_queries
):
    def queries_for(count):
        talk = topic(category(f"c{count}"), ines, posts=count, others=[paul])
        for post in talk.posts.all():
            post.revisions.create(body="avant", edited_by=post.author)
            PostLike.objects.create(post=post, member=member(f"f{count}-{post.pk}"))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            page = selectors.topic_posts_page(
                topic=talk, viewer=paul, page=1, per_page=50
            )
            for post in page.posts:
                str(post.author.public_name), list(post.revisions.all())
        return len(captured.captured_queries)

    assert queries_for(3) == queries_for(30) == 5


def test_reading_resumes_after_the_members_read_mark(ines, paul):
    talk = topic(category(), ines, posts=9, others=[paul])

    assert selectors.first_unread_number(topic=talk, member=paul) is None
    TopicRead.objects.create(topic=talk, member=paul, last_read_number=4)
    assert selectors.first_unread_number(topic=talk, member=paul) == 5
    TopicRead.objects.filter(member=paul).update(last_read_number=9)
    assert selectors.first_unread_number(topic=talk, member=paul) == 9


def test_a_moved_post_is_found_from_its_old_number(ines):
    cat = category()
    old = topic(cat, ines, posts=3)
    new = topic(cat, ines, title="Nouveau sujet", posts=1)
    post = Post.objects.get(topic=old, number=3)
    Post.objects.filter(pk=post.pk).update(topic=new, number=2)
    PostMove.objects.create(post=post, from_topic=old, from_number=3)

    moved = selectors.post_moved_from(topic_id=old.pk, number=3)

    assert (moved.topic, moved.number) == (new, 2)
    assert selectors.post_moved_from(topic_id=old.pk, number=2) is None
