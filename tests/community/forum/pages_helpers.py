"""Data for the forum pages' tests, written straight to the tables as the
services would leave them, so a test of one page depends on no rule of theirs.
Tests of what members do (test_pages_actions.py) go through the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from community.forum.models import ForumCategory, Post, Topic
from community.moderation.models import ModerationStatus
from tests.community.reviews.conftest import aged
from tests.factories import MemberFactory

PUBLISHED = ModerationStatus.PUBLISHED


def member(name: str, *, trust_level: int = 2, **extra):
    return aged(
        MemberFactory(
            display_name=name.capitalize(),
            slug=name,
            trust_level=trust_level,
            **extra,
        )
    )


def category(slug: str = "potager", **extra) -> ForumCategory:
    extra.setdefault("name", slug.capitalize())
    return ForumCategory.objects.create(slug=slug, **extra)


def topic(
    cat: ForumCategory,
    author,
    *,
    title: str = "Quand tailler les rosiers ?",
    posts: int = 1,
    status=PUBLISHED,
    at: dt.datetime | None = None,
    others=(),
    **extra,
) -> Topic:
    """A topic of `posts` posts (post 1 by `author`, replies by `others` in turn),
    its counters set as the services keep them."""
    at = at or timezone.now() - dt.timedelta(days=2)
    made = Topic.objects.create(
        category=cat,
        author=author,
        title=title,
        status=status,
        published_at=at if status == PUBLISHED else None,
        created_at=at,
        **extra,
    )
    writers = [author, *others]
    rows = [
        Post(
            topic=made,
            number=number,
            author=writers[(number - 1) % len(writers)] if number > 1 else author,
            body=f"Message numéro {number} : on taille en mars, au-dessus d'un œil.",
            status=status,
            published_at=at + dt.timedelta(minutes=number),
            created_at=at + dt.timedelta(minutes=number),
        )
        for number in range(1, posts + 1)
    ]
    Post.objects.bulk_create(rows)
    last = rows[-1]
    Topic.objects.filter(pk=made.pk).update(
        post_count=posts,
        last_number=posts,
        last_posted_at=last.created_at,
        last_poster=last.author,
    )
    ForumCategory.objects.filter(pk=cat.pk).update(
        topic_count=cat.topics.count(),
        last_topic=made,
        last_posted_at=last.created_at,
    )
    made.refresh_from_db()
    return made
