"""Members replying and liking at the same moment leave gapless numbers and
exact counts (SQLite and PostgreSQL: run once with DATABASE_URL=postgres://…)."""

import threading

import pytest
from django.db import connections

from community.forum.models import ForumCategory, Post, PostLike
from community.forum.services import post_like, post_reply, topic_start
from tests.community.reviews.conftest import with_retry
from tests.factories import MemberFactory

from .core_fixtures import BODY, aged

MEMBERS = 12


def run_at_once(actions):
    """Start every action on its own thread at the same moment; the errors."""
    barrier = threading.Barrier(len(actions))
    failures = []

    def run(action):
        try:
            barrier.wait()
            action()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


@pytest.mark.django_db(transaction=True)
def test_replies_and_likes_sent_at_once_are_numbered_and_counted_exactly():
    category = ForumCategory.objects.create(name="Jardinage", slug="jardinage")
    author = aged(MemberFactory(trust_level=2))
    topic = topic_start(author=author, category=category, title="Au secours", body=BODY)
    first = topic.posts.get()
    members = [aged(MemberFactory(trust_level=2)) for _ in range(MEMBERS)]

    def act(member):
        def action():
            with_retry(lambda: post_reply(author=member, topic=topic, body="Moi aussi"))
            with_retry(lambda: post_like(post=first, member=member))

        return action

    failures = run_at_once([act(member) for member in members])

    assert failures == []
    numbers = sorted(Post.objects.filter(topic=topic).values_list("number", flat=True))
    assert numbers == list(range(1, MEMBERS + 2))
    topic.refresh_from_db()
    first.refresh_from_db()
    assert (topic.post_count, topic.last_number) == (MEMBERS + 1, MEMBERS + 1)
    assert first.like_count == topic.like_count == MEMBERS
    assert PostLike.objects.count() == MEMBERS
    category.refresh_from_db()
    assert category.post_count == MEMBERS + 1
