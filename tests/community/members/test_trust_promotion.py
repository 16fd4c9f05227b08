"""member_trust_refresh: automatic 0 → 1 → 2, never down, never 3–4."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone
from wagtail import hooks

from community.members.trust import (
    APPROVED,
    HELPFUL_VOTES,
    TRUST_FACTS_HOOK,
    member_trust_facts,
    member_trust_progress,
    member_trust_refresh,
    trust_settings,
)
from community.moderation.models import (
    ModerationAction,
    ModerationDecision,
    ModerationStatus,
)
from community.notifications.models import Notification
from community.reviews.models import Review
from tests.factories import MemberFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def thresholds():
    settings = trust_settings()
    settings.level1_min_approved = 2
    settings.level1_min_days = 1
    settings.level2_min_approved = 4
    settings.level2_min_days = 10
    settings.level2_min_helpful_votes = 5
    settings.save()
    return settings


def joined(days_ago, level=0):
    return MemberFactory(
        trust_level=level, date_joined=timezone.now() - dt.timedelta(days=days_ago)
    )


def review(member, status=ModerationStatus.PENDING, helpful=0):
    return Review.objects.create(
        product=ProductFactory(),
        author=member,
        rating=4,
        title="Solide",
        body="Bon produit.",
        status=status,
        helpful_count=helpful,
    )


def approve(item):
    ModerationDecision.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        author=item.author,
        action=ModerationAction.APPROVE,
        status_before=ModerationStatus.PENDING,
        status_after=ModerationStatus.PUBLISHED,
    )
    item.status = ModerationStatus.PUBLISHED
    item.save(update_fields=["status"])


def approved_reviews(member, count, helpful=0):
    for _ in range(count):
        approve(review(member, helpful=helpful))


def level_of(member):
    member.refresh_from_db()
    return member.trust_level


def test_new_member_stays_new_below_the_level_one_rules():
    member = joined(days_ago=5)
    approved_reviews(member, 1)

    assert member_trust_refresh(member=member) == 0
    assert level_of(member) == 0
    assert not Notification.objects.filter(recipient=member).exists()


def test_days_alone_are_not_enough():
    member = joined(days_ago=0)
    approved_reviews(member, 3)

    assert member_trust_refresh(member=member) == 0


def test_member_reaches_level_one_and_is_told(django_capture_on_commit_callbacks):
    member = joined(days_ago=2)
    approved_reviews(member, 2)

    with django_capture_on_commit_callbacks(execute=True):
        level = member_trust_refresh(member=member)

    assert level == 1
    assert level_of(member) == 1
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == "trust_promoted"
    assert "1 · Basic" in notification.title


def test_an_item_approved_twice_counts_once():
    member = joined(days_ago=2)
    item = review(member)
    approve(item)
    approve(item)

    assert member_trust_refresh(member=member) == 0


def test_content_published_directly_counts_as_approved():
    member = joined(days_ago=2)
    review(member, status=ModerationStatus.PUBLISHED)
    review(member, status=ModerationStatus.PUBLISHED)
    review(member, status=ModerationStatus.REJECTED)

    assert member_trust_refresh(member=member) == 1


def test_level_two_needs_helpful_votes_too():
    member = joined(days_ago=20)
    approved_reviews(member, 4, helpful=1)

    assert member_trust_refresh(member=member) == 1

    Review.objects.filter(author=member).update(helpful_count=2)
    assert member_trust_refresh(member=member) == 2
    assert level_of(member) == 2


def test_helpful_votes_on_unpublished_reviews_do_not_count():
    member = joined(days_ago=20)
    approved_reviews(member, 4)
    review(member, status=ModerationStatus.HIDDEN, helpful=50)

    assert member_trust_refresh(member=member) == 1


def test_never_demotes():
    member = joined(days_ago=0, level=2)

    assert member_trust_refresh(member=member) == 2
    assert level_of(member) == 2


def test_level_one_kept_when_the_rules_are_raised(thresholds):
    member = joined(days_ago=2, level=1)
    thresholds.level1_min_approved = 50
    thresholds.save()

    assert member_trust_refresh(member=member) == 1


@pytest.mark.parametrize("level", [3, 4])
def test_staff_granted_levels_are_left_alone(level):
    member = joined(days_ago=100, level=level)
    approved_reviews(member, 10, helpful=10)

    assert member_trust_refresh(member=member) == level
    assert level_of(member) == level
    assert not Notification.objects.filter(recipient=member).exists()


def test_trust_refresh_command_promotes_by_days_and_is_idempotent(thresholds):
    ready = joined(days_ago=0)
    approved_reviews(ready, 2)
    waiting = joined(days_ago=0)
    # A day later, for the one who already has the contributions.
    ready.date_joined -= dt.timedelta(days=1)
    ready.save(update_fields=["date_joined"])

    first, second = StringIO(), StringIO()
    call_command("trust_refresh", stdout=first)
    call_command("trust_refresh", stdout=second)

    assert level_of(ready) == 1
    assert level_of(waiting) == 0
    assert "1 promoted out of 2 checked." in first.getvalue()
    assert "0 promoted" in second.getvalue()
    assert Notification.objects.filter(recipient=ready).count() == 1


# --- Facts registered by other apps ---------------------------------------------


def facts_for(member, facts):
    """A provider registration counting `facts` for `member` only."""
    return lambda: lambda who: facts if who.pk == member.pk else {}


def test_facts_of_a_registered_provider_count_toward_promotion():
    # given a member without contributions here, and an app that counts two
    member = joined(days_ago=2)

    with hooks.register_temporarily(TRUST_FACTS_HOOK, facts_for(member, {APPROVED: 2})):
        # when their level is refreshed
        level = member_trust_refresh(member=member)

    # then what the other app counted promoted them
    assert level == 1
    assert level_of(member) == 1


def test_registered_facts_add_up_with_the_reviews_own():
    # given a level 1 member with four approved reviews of one helpful vote each,
    # and another app that counts one more helpful vote
    member = joined(days_ago=20, level=1)
    approved_reviews(member, 4, helpful=1)

    with hooks.register_temporarily(
        TRUST_FACTS_HOOK, facts_for(member, {HELPFUL_VOTES: 1})
    ):
        facts = member_trust_facts(member=member)
        progress = member_trust_progress(member=member)
        level = member_trust_refresh(member=member)

    # then the profile shows the sums, and the five votes reach level 2
    assert (facts[APPROVED], facts[HELPFUL_VOTES], facts["days"]) == (4, 5, 20)
    assert [(r.label, r.have, r.need) for r in progress.requirements] == [
        ("approved contributions", 4, 4),
        ("days since joining", 20, 10),
        ("helpful votes received", 5, 5),
    ]
    assert level == 2
