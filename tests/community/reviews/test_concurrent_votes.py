"""50 members voting at once leave exact counts (SQLite and PostgreSQL)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from community.moderation.models import ModerationStatus
from community.reviews.models import Review, ReviewVote
from community.reviews.services import review_vote
from tests.factories import MemberFactory, ProductFactory

from .conftest import with_retry

VOTERS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_voters_give_exact_counts():
    # given a published review and 50 members, 30 finding it helpful
    author = MemberFactory(trust_level=2)
    review = Review.objects.create(
        product=ProductFactory(),
        author=author,
        rating=2,
        title="Avis très lu",
        body="Un avis que tout le monde veut noter en même temps.",
        status=ModerationStatus.PUBLISHED,
    )
    User = get_user_model()
    voters = User.objects.bulk_create(
        [
            User(email=f"v{n}@example.com", display_name=f"V {n}", slug=f"v-{n}")
            for n in range(VOTERS)
        ]
    )
    barrier = threading.Barrier(VOTERS)
    failures = []

    def vote(voter, helpful):
        try:
            barrier.wait()
            with_retry(lambda: review_vote(review=review, voter=voter, helpful=helpful))
            # Half of them send their vote twice, as a double click would.
            if voter.pk % 2:
                with_retry(
                    lambda: review_vote(review=review, voter=voter, helpful=helpful)
                )
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    # when they all vote at the same moment
    threads = [
        threading.Thread(target=vote, args=(voter, n < 30))
        for n, voter in enumerate(voters)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every vote counts once and the stored counts match the votes table
    assert failures == []
    review.refresh_from_db()
    assert ReviewVote.objects.filter(review=review).count() == VOTERS
    assert (review.helpful_count, review.not_helpful_count) == (30, 20)
    assert review.quality_score > 0
