"""report_create: who may report, and the thresholds that hide an item."""

import pytest
from django.core.exceptions import ValidationError

from community.moderation.models import (
    ModerationAction,
    ModerationDecision,
    ModerationStatus,
    QueueEntry,
    QueueReason,
    Report,
)
from community.moderation.services import moderation_decide, report_create
from community.notifications.models import Notification

from .conftest import ReviewFactory, member

pytestmark = pytest.mark.django_db


def report(reporter, content, reason="spam"):
    return report_create(reporter=reporter, content=content, reason=reason)


def status_of(content):
    content.refresh_from_db()
    return content.status


def test_own_content_cannot_be_reported(published_review):
    with pytest.raises(ValidationError, match="your own"):
        report(published_review.author, published_review)
    assert not Report.objects.exists()


def test_a_second_report_by_the_same_member_is_refused(published_review):
    reporter = member(1)
    report(reporter, published_review)

    with pytest.raises(ValidationError, match="already reported"):
        report(reporter, published_review, reason="offensive")

    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    "status", [ModerationStatus.PENDING, ModerationStatus.REJECTED]
)
def test_unpublished_content_cannot_be_reported(status):
    review = ReviewFactory(status=status)

    with pytest.raises(ValidationError, match="published"):
        report(member(1), review)


def test_an_unknown_reason_is_refused(published_review):
    with pytest.raises(ValidationError, match="why"):
        report(member(1), published_review, reason="because")


def test_one_report_queues_the_item_as_reported_but_keeps_it_published():
    review = ReviewFactory(author=member(1))

    report(member(1), review)

    assert status_of(review) == ModerationStatus.PUBLISHED
    entry = QueueEntry.objects.get(object_id=review.pk, closed_at__isnull=True)
    assert entry.reason == QueueReason.FLAGGED


def test_three_reports_from_trusted_members_hide_the_item():
    review = ReviewFactory(author=member(1))
    report(member(1), review)
    report(member(2), review)
    assert status_of(review) == ModerationStatus.PUBLISHED

    report(member(1), review)

    assert status_of(review) == ModerationStatus.HIDDEN
    decision = ModerationDecision.objects.get(object_id=review.pk)
    assert decision.action == ModerationAction.HIDE
    assert decision.moderator is None
    assert (decision.status_before, decision.status_after) == ("published", "hidden")
    assert QueueEntry.objects.filter(closed_at__isnull=True).count() == 1
    notification = Notification.objects.get(recipient=review.author)
    assert notification.kind == "content_hidden"


def test_reports_from_new_members_do_not_count_toward_three():
    review = ReviewFactory(author=member(1))
    for _ in range(5):
        report(member(0), review)
    report(member(1), review)
    report(member(1), review)

    assert status_of(review) == ModerationStatus.PUBLISHED

    report(member(1), review)

    assert status_of(review) == ModerationStatus.HIDDEN


def test_a_regular_reporting_a_new_members_item_hides_it_at_once():
    review = ReviewFactory(author=member(0))

    report(member(3), review)

    assert status_of(review) == ModerationStatus.HIDDEN


def test_a_regular_reporting_an_established_members_item_is_one_report():
    review = ReviewFactory(author=member(1))

    report(member(4), review)

    assert status_of(review) == ModerationStatus.PUBLISHED


def test_reports_a_moderator_already_weighed_do_not_hide_again(moderator):
    review = ReviewFactory(author=member(1))
    for _ in range(3):
        report(member(1), review)
    moderation_decide(
        moderator=moderator, entries_or_contents=[review], action="approve"
    )
    assert status_of(review) == ModerationStatus.PUBLISHED

    report(member(1), review)

    assert status_of(review) == ModerationStatus.PUBLISHED


def test_hidden_item_cannot_be_reported_again():
    review = ReviewFactory(author=member(0))
    report(member(3), review)

    with pytest.raises(ValidationError, match="published"):
        report(member(1), review)
