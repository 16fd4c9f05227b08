"""moderation_decide: who may decide, bulk approve / reject, the audit trail."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from community.moderation.models import (
    ModerationAction,
    ModerationDecision,
    ModerationStatus,
    QueueEntry,
)
from community.moderation.registry import RejectionReason
from community.moderation.selectors import queue_entries
from community.moderation.services import content_submit, moderation_decide
from community.notifications.models import Notification
from community.reviews.models import ReviewRejectionReason

from .conftest import ReviewFactory, member

pytestmark = pytest.mark.django_db


def pending_reviews(count: int, trust_level: int = 0):
    reviews = []
    for _ in range(count):
        review = ReviewFactory(
            author=member(trust_level), status=ModerationStatus.PENDING
        )
        content_submit(content=review)
        reviews.append(review)
    return reviews


def test_bulk_approve_publishes_closes_entries_and_logs_each(moderator):
    reviews = pending_reviews(3)
    entries = list(queue_entries())

    decisions = moderation_decide(
        moderator=moderator, entries_or_contents=entries, action="approve"
    )

    assert len(decisions) == 3
    for review in reviews:
        review.refresh_from_db()
        assert review.status == ModerationStatus.PUBLISHED
        assert review.published_at is not None
    assert not QueueEntry.objects.filter(closed_at__isnull=True).exists()
    rows = ModerationDecision.objects.filter(action=ModerationAction.APPROVE)
    assert {(d.object_id, d.moderator_id) for d in rows} == {
        (r.pk, moderator.pk) for r in reviews
    }
    assert {(d.status_before, d.status_after) for d in rows} == {
        ("pending", "published")
    }
    assert {d.author_id for d in rows} == {r.author_id for r in reviews}


def test_bulk_reject_keeps_reason_and_note_for_the_author(moderator):
    reviews = pending_reviews(2)

    moderation_decide(
        moderator=moderator,
        entries_or_contents=reviews,
        action="reject",
        reason=ReviewRejectionReason.OFF_TOPIC,
        note="Parlez du produit, pas du magasin.",
    )

    for review in reviews:
        review.refresh_from_db()
        assert review.status == ModerationStatus.REJECTED
        assert review.rejection_reason == ReviewRejectionReason.OFF_TOPIC
        assert review.rejection_note == "Parlez du produit, pas du magasin."
    decision = ModerationDecision.objects.filter(action="reject").first()
    assert decision.reason == ReviewRejectionReason.OFF_TOPIC
    assert decision.note == "Parlez du produit, pas du magasin."
    assert (decision.status_before, decision.status_after) == ("pending", "rejected")


def test_reject_needs_a_reason(moderator):
    (review,) = pending_reviews(1)

    with pytest.raises(ValidationError, match="reason"):
        moderation_decide(
            moderator=moderator, entries_or_contents=[review], action="reject"
        )

    review.refresh_from_db()
    assert review.status == ModerationStatus.PENDING
    assert not ModerationDecision.objects.exists()


def test_reject_as_other_needs_a_note(moderator):
    (review,) = pending_reviews(1)

    with pytest.raises(ValidationError, match="note"):
        moderation_decide(
            moderator=moderator,
            entries_or_contents=[review],
            action="reject",
            reason=RejectionReason.OTHER,
        )


@pytest.mark.parametrize("who", ["member", "staff_without_permission"])
def test_only_moderators_decide(who):
    (review,) = pending_reviews(1)
    user = member(4, is_staff=(who != "member"))

    with pytest.raises(PermissionDenied):
        moderation_decide(
            moderator=user, entries_or_contents=[review], action="approve"
        )

    review.refresh_from_db()
    assert review.status == ModerationStatus.PENDING


def test_superuser_may_decide():
    (review,) = pending_reviews(1)
    admin = member(0, is_superuser=True, is_staff=True)

    moderation_decide(moderator=admin, entries_or_contents=[review], action="approve")

    review.refresh_from_db()
    assert review.status == ModerationStatus.PUBLISHED


def test_moderator_cannot_decide_on_own_content(moderator):
    review = ReviewFactory(author=moderator, status=ModerationStatus.PENDING)

    with pytest.raises(PermissionDenied, match="own"):
        moderation_decide(
            moderator=moderator, entries_or_contents=[review], action="approve"
        )


def test_an_entry_closed_by_another_moderator_is_not_decided_twice(moderator):
    pending_reviews(1)
    (entry,) = queue_entries()
    moderation_decide(
        moderator=moderator, entries_or_contents=[entry], action="approve"
    )

    # a second moderator's page still showed the entry
    again = moderation_decide(
        moderator=moderator,
        entries_or_contents=[entry],
        action="reject",
        reason=RejectionReason.SPAM,
    )

    assert again == []
    assert ModerationDecision.objects.count() == 1


def test_approving_a_hidden_item_restores_it(moderator, published_review):
    published_review.status = ModerationStatus.HIDDEN
    published_review.save(update_fields=["status"])

    moderation_decide(
        moderator=moderator, entries_or_contents=[published_review], action="approve"
    )

    published_review.refresh_from_db()
    assert published_review.status == ModerationStatus.PUBLISHED


def test_decision_hook_of_the_content_app_is_called(moderator, monkeypatch):
    (review,) = pending_reviews(1)
    calls = []
    monkeypatch.setattr(
        type(review),
        "on_moderation_decision",
        lambda self, *, action: calls.append((self.pk, action)),
        raising=False,
    )

    moderation_decide(
        moderator=moderator, entries_or_contents=[review], action="approve"
    )

    assert calls == [(review.pk, "approve")]


def test_author_is_notified_only_after_commit(
    moderator, django_capture_on_commit_callbacks
):
    (review,) = pending_reviews(1)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation_decide(
            moderator=moderator,
            entries_or_contents=[review],
            action="reject",
            reason=ReviewRejectionReason.PRICE_OR_DELIVERY,
        )
        # inside the transaction: no e-mail has left
        assert mail.outbox == []

    for callback in callbacks:
        callback()
    notification = Notification.objects.get(recipient=review.author)
    assert notification.kind == "content_rejected"
    assert "Price or delivery complaint" in notification.body
    assert "edit it" in notification.body
    assert [m.to for m in mail.outbox] == [[review.author.email]]


def test_rolled_back_decision_sends_nothing(
    moderator, django_capture_on_commit_callbacks
):
    from django.db import transaction

    (review,) = pending_reviews(1)

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            moderation_decide(
                moderator=moderator, entries_or_contents=[review], action="approve"
            )
            transaction.set_rollback(True)

    assert mail.outbox == []
    assert not Notification.objects.exists()
    review.refresh_from_db()
    assert review.status == ModerationStatus.PENDING
