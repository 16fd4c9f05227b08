"""content_submit: premoderation by trust level, and resubmission after rejection."""

import pytest
from django.core.exceptions import ValidationError

from community.moderation.models import (
    ModerationStatus,
    QueueEntry,
    QueueReason,
)
from community.moderation.registry import RejectionReason
from community.moderation.services import content_submit, moderation_decide

from .conftest import ReviewFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("trust_level", [0, 1])
def test_premoderated_author_waits_in_the_queue(trust_level):
    review = ReviewFactory(author=member(trust_level), status=ModerationStatus.PENDING)

    content_submit(content=review)

    review.refresh_from_db()
    assert review.status == ModerationStatus.PENDING
    assert review.published_at is None
    entry = QueueEntry.objects.get(object_id=review.pk, closed_at__isnull=True)
    assert entry.reason == QueueReason.PENDING
    assert entry.author == review.author


@pytest.mark.parametrize("trust_level", [2, 3, 4])
def test_trusted_author_publishes_at_once(trust_level):
    review = ReviewFactory(author=member(trust_level), status=ModerationStatus.PENDING)

    content_submit(content=review)

    review.refresh_from_db()
    assert review.status == ModerationStatus.PUBLISHED
    assert review.published_at is not None
    assert not QueueEntry.objects.filter(object_id=review.pk).exists()


def test_an_edit_while_queued_reuses_the_open_entry(newcomer):
    review = ReviewFactory(author=newcomer, status=ModerationStatus.PENDING)
    content_submit(content=review)

    content_submit(content=review)

    assert QueueEntry.objects.filter(object_id=review.pk).count() == 1


def test_first_publication_date_is_kept_through_edits(trusted):
    review = ReviewFactory(author=trusted, status=ModerationStatus.PENDING)
    content_submit(content=review)
    review.refresh_from_db()
    first = review.published_at

    content_submit(content=review)

    review.refresh_from_db()
    assert review.published_at == first


def test_an_edit_never_unhides_a_reported_item(trusted):
    review = ReviewFactory(author=trusted, status=ModerationStatus.HIDDEN)

    content_submit(content=review)

    review.refresh_from_db()
    assert review.status == ModerationStatus.HIDDEN
    assert QueueEntry.objects.get(object_id=review.pk).reason == QueueReason.FLAGGED


def test_fixable_rejection_lets_the_author_resubmit(moderator, newcomer):
    review = ReviewFactory(author=newcomer, status=ModerationStatus.PENDING)
    content_submit(content=review)
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[review],
        action="reject",
        reason=RejectionReason.PERSONAL_DATA,
        note="Retirez votre numéro de téléphone.",
    )
    review.refresh_from_db()
    assert review.status == ModerationStatus.REJECTED

    # the author edits the text and the reviews app resubmits it
    review.body = "Solide et pratique."
    review.save(update_fields=["body"])
    content_submit(content=review)

    review.refresh_from_db()
    assert review.status == ModerationStatus.PENDING
    assert review.rejection_reason == ""
    assert review.rejection_note == ""
    assert QueueEntry.objects.filter(
        object_id=review.pk, closed_at__isnull=True
    ).exists()


def test_unfixable_rejection_cannot_be_resubmitted(moderator, newcomer):
    review = ReviewFactory(author=newcomer, status=ModerationStatus.PENDING)
    content_submit(content=review)
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[review],
        action="reject",
        reason=RejectionReason.SPAM,
    )
    review.refresh_from_db()

    with pytest.raises(ValidationError, match="cannot be resubmitted"):
        content_submit(content=review)

    review.refresh_from_db()
    assert review.status == ModerationStatus.REJECTED


def test_the_retailers_staff_publish_at_once():
    review = ReviewFactory(
        author=member(0, is_staff=True), status=ModerationStatus.PENDING
    )

    content_submit(content=review)

    review.refresh_from_db()
    assert review.status == ModerationStatus.PUBLISHED
