"""The moderated types registry: what a registration changes in the queue, the
forms, the decisions and the posting limits."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from community.members.models import PostingRecord
from community.moderation.models import ModerationStatus, QueueEntry
from community.moderation.posting import member_posting_check
from community.moderation.registry import (
    MODERATED_TYPE_HOOK,
    ModeratedType,
    RejectionReason,
    ReportReason,
    moderated_type_for,
    moderated_types,
)
from community.moderation.services import content_submit, moderation_decide
from community.notifications.models import Notification
from community.reviews.models import Review, ReviewRejectionReason
from tests.factories import MemberFactory

from .conftest import ReviewFactory, member

pytestmark = pytest.mark.django_db


def garden_tips():
    """Reviews registered again as "garden tips", with reasons of their own."""
    return ModeratedType(
        model=Review,
        posting_kind="garden_tip",
        names=("garden tip", "garden tips"),
        preview_template="reviews/moderation_preview.html",
        rejection_reasons=[("wrong_season", "Wrong season for it")],
        report_reasons=[("dangerous", "Dangerous advice")],
        fixable_reasons={"wrong_season"},
    )


def queued_review():
    review = ReviewFactory(author=member(0), status=ModerationStatus.PENDING)
    content_submit(content=review)
    return review


def review_ct() -> int:
    return ContentType.objects.get_for_model(Review).pk


# --- Reviews as registered by their app -------------------------------------------


def test_reviews_are_registered_with_their_wording():
    # given the reviews app's registration
    review_type = moderated_type_for(Review)

    # then its reasons come with the shared ones, catch-alls last, as before
    assert review_type in moderated_types()
    assert moderated_type_for(review_ct()) is review_type
    assert [code for code, _ in review_type.rejection_choices()] == [
        "spam",
        "offensive",
        "personal_data",
        "off_topic",
        "price_or_delivery",
        "duplicate",
        "other",
    ]
    assert [str(label) for _, label in review_type.report_choices()] == [
        "Spam or advertising",
        "Offensive or hateful",
        "Shares personal data",
        "Not about the product",
        "Looks fake or paid for",
        "Something else",
    ]
    assert review_type.name(1) == "review" and review_type.name(3) == "reviews"


def test_a_model_that_is_not_registered_has_no_type():
    assert moderated_type_for(MemberFactory._meta.model) is None
    assert moderated_type_for(999_999) is None


# --- A type registered at the hook ------------------------------------------------


def test_a_registered_type_shows_in_the_queue_filter_with_its_reasons(
    client, moderator
):
    # given an item waiting, and its model registered as a type of its own
    review = queued_review()
    client.force_login(moderator)
    with hooks.register_temporarily(MODERATED_TYPE_HOOK, garden_tips):
        # when the moderator opens the queue and the item's page
        queue = client.get(reverse("moderation_admin:queue")).content.decode()
        item = client.get(
            reverse("moderation_admin:item_history", args=[review_ct(), review.pk])
        ).content.decode()

    # then the type filter names the type and the reject forms offer its reasons
    assert f'<option value="{review_ct()}">Garden tips</option>' in queue
    for page in (queue, item):
        assert '<option value="wrong_season">Wrong season for it</option>' in page
        assert "Spam or advertising" in page
        # the later registration of the model replaced the reviews' own reasons
        assert "Not about the product" not in page


def test_a_registered_types_reason_rejects_and_is_told_to_the_author(
    client, moderator, django_capture_on_commit_callbacks
):
    # given an item of a registered type waiting in the queue
    review = queued_review()
    client.force_login(moderator)
    with hooks.register_temporarily(MODERATED_TYPE_HOOK, garden_tips):
        # when the moderator rejects it for the type's own reason
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("moderation_admin:decide"),
                {
                    "entries": [QueueEntry.objects.get().pk],
                    "action": "reject",
                    "reason": "wrong_season",
                },
            )
        history = client.get(
            reverse("moderation_admin:item_history", args=[review_ct(), review.pk])
        ).content.decode()

        # then it is rejected, and the author reads the reason and may fix it
        review.refresh_from_db()
        assert review.status == ModerationStatus.REJECTED
        assert review.rejection_reason == "wrong_season"
        body = Notification.objects.get(recipient=review.author).body
        assert "Reason: Wrong season for it" in body
        assert "You can edit it and submit it again." in body
        assert "Wrong season for it" in history


def test_a_reason_of_another_type_is_refused(moderator):
    # given an item of a type that does not know "Not about the product"
    review = queued_review()
    with hooks.register_temporarily(MODERATED_TYPE_HOOK, garden_tips):
        # when a moderator rejects it for that reason
        with pytest.raises(ValidationError, match="applies to garden tips"):
            moderation_decide(
                moderator=moderator,
                entries_or_contents=[review],
                action="reject",
                reason=ReviewRejectionReason.OFF_TOPIC,
            )

    # then nothing is decided
    review.refresh_from_db()
    assert review.status == ModerationStatus.PENDING


def test_the_report_form_offers_the_types_report_reasons(client):
    # given a published item of a registered type and a member who reads it
    review = ReviewFactory(author=member(1))
    client.force_login(member(1))
    url = reverse("moderation:report", args=[review_ct(), review.pk])
    with hooks.register_temporarily(MODERATED_TYPE_HOOK, garden_tips):
        # when they open the report form
        page = client.get(url).content.decode()

    # then it lists the shared reasons and the type's own
    assert "Dangerous advice" in page
    assert str(ReportReason.SPAM.label) in page
    assert "Looks fake or paid for" not in page


# --- Posting kinds named by their type ----------------------------------------------


@pytest.fixture
def newcomer_posted_three():
    """A level 0 member who joined an hour ago and posted three garden tips."""
    newcomer = MemberFactory(
        trust_level=0, date_joined=timezone.now() - dt.timedelta(hours=1)
    )
    for minutes in (50, 40, 30):
        PostingRecord.objects.create(
            member=newcomer,
            kind="garden_tip",
            created_at=timezone.now() - dt.timedelta(minutes=minutes),
        )
    return newcomer


def test_the_posting_limit_names_the_kind_with_the_registered_names(
    newcomer_posted_three,
):
    with hooks.register_temporarily(MODERATED_TYPE_HOOK, garden_tips):
        with pytest.raises(PermissionDenied) as refused:
            member_posting_check(member=newcomer_posted_three, kind="garden_tip")

    assert "at most 3 garden tips on their first day" in str(refused.value)


@pytest.mark.parametrize(
    ("kind", "things"), [("report", "reports"), ("unknown_kind", "posts")]
)
def test_moderations_own_kind_and_unknown_kinds_have_names(
    newcomer_posted_three, kind, things
):
    PostingRecord.objects.filter(member=newcomer_posted_three).update(kind=kind)

    with pytest.raises(PermissionDenied) as refused:
        member_posting_check(member=newcomer_posted_three, kind=kind)

    assert f"at most 3 {things} on their first day" in str(refused.value)


def test_shared_reasons_keep_their_stored_codes():
    # Rows already stored keep their meaning: the codes did not change.
    assert RejectionReason.values == [
        "spam",
        "offensive",
        "personal_data",
        "duplicate",
        "other",
    ]
    assert ReportReason.values == ["spam", "offensive", "personal_data", "other"]
