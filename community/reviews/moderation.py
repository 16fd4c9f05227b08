"""How reviews go through moderation: their `ModeratedType`.

Registered in wagtail_hooks.py; the review services read their posting kind and
fixable reasons from here too, so the queue and the review pages agree.
"""

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from community.members.trust import HELPFUL_VOTES
from community.moderation.models import ModerationStatus
from community.moderation.registry import ModeratedType, RejectionReason

from .models import Review, ReviewRejectionReason, ReviewReportReason

POSTING_KIND = "review"


def review_trust_facts(member) -> dict[str, int]:
    """Helpful votes received on the member's published reviews."""
    total = Review.objects.filter(
        author=member, status=ModerationStatus.PUBLISHED
    ).aggregate(total=Sum("helpful_count"))["total"]
    return {HELPFUL_VOTES: total or 0}


REVIEW_MODERATED_TYPE = ModeratedType(
    model=Review,
    author_field="author",
    posting_kind=POSTING_KIND,
    names=(_("review"), _("reviews")),
    preview_template="reviews/moderation_preview.html",
    # What the preview shows besides forward relations: photos and renditions.
    preview_prefetch=("photos__image__renditions",),
    rejection_reasons=ReviewRejectionReason.choices,
    report_reasons=ReviewReportReason.choices,
    # The author can fix these: they get the review back to edit and resubmit.
    fixable_reasons=frozenset(
        {
            RejectionReason.PERSONAL_DATA,
            ReviewRejectionReason.OFF_TOPIC,
            ReviewRejectionReason.PRICE_OR_DELIVERY,
            RejectionReason.OTHER,
        }
    ),
    trust_facts=review_trust_facts,
)
