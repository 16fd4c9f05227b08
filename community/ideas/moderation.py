"""How ideas and their comments go through moderation: their `ModeratedType`s.

Registered in wagtail_hooks.py; the ideas services read their posting kinds from
here too, so the rate limits, the queue and the pages agree on what is counted.
"""

from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from community.members.trust import HELPFUL_VOTES
from community.moderation.models import ModerationStatus
from community.moderation.registry import ModeratedType, RejectionReason

from .models import (
    PUBLIC_STATES,
    Idea,
    IdeaComment,
    IdeaRejectionReason,
    IdeaReportReason,
)

__all__ = [
    "COMMENT_MODERATED_TYPE",
    "COMMENT_POSTING_KIND",
    "IDEA_MODERATED_TYPE",
    "IDEA_POSTING_KIND",
    "IdeaCommentRejectionReason",
    "IdeaRejectionReason",
    "IdeaReportReason",
    "idea_trust_facts",
]

# What the posting limits count (PostingRecord.kind); never renamed, as the
# records already written carry them.
IDEA_POSTING_KIND = "idea"
COMMENT_POSTING_KIND = "idea_comment"


class IdeaCommentRejectionReason(models.TextChoices):
    """Reasons to reject a comment on an idea, besides moderation's shared ones."""

    OFF_TOPIC = "off_topic_idea", _("Not about this idea")


def idea_trust_facts(member) -> dict[str, int]:
    """Supporters gathered by the member's public ideas.

    A support says "this is useful", as a helpful vote on a review does, so it
    counts toward the same fact; a member never supports their own idea.
    """
    total = Idea.objects.filter(
        author=member, status=ModerationStatus.PUBLISHED, state__in=PUBLIC_STATES
    ).aggregate(total=Sum("supporter_count"))["total"]
    return {HELPFUL_VOTES: total or 0}


IDEA_MODERATED_TYPE = ModeratedType(
    model=Idea,
    author_field="author",
    posting_kind=IDEA_POSTING_KIND,
    names=(_("product idea"), _("product ideas")),
    preview_template="ideas/moderation_preview.html",
    # What the preview shows besides forward relations.
    preview_prefetch=("photos", "tagged_items__tag"),
    rejection_reasons=IdeaRejectionReason.choices,
    report_reasons=IdeaReportReason.choices,
    # The author can rewrite these and resubmit; an idea the shop already sells or
    # an unsafe product stays refused, as spam and offence do.
    fixable_reasons=frozenset(
        {
            RejectionReason.PERSONAL_DATA,
            IdeaRejectionReason.NOT_A_PRODUCT,
            RejectionReason.OTHER,
        }
    ),
    trust_facts=idea_trust_facts,
)

COMMENT_MODERATED_TYPE = ModeratedType(
    model=IdeaComment,
    author_field="author",
    posting_kind=COMMENT_POSTING_KIND,
    names=(_("comment on an idea"), _("comments on ideas")),
    preview_template="ideas/comment_moderation_preview.html",
    rejection_reasons=IdeaCommentRejectionReason.choices,
    report_reasons=((IdeaReportReason.UNSAFE.value, IdeaReportReason.UNSAFE.label),),
    fixable_reasons=frozenset(
        {
            RejectionReason.PERSONAL_DATA,
            IdeaCommentRejectionReason.OFF_TOPIC,
            RejectionReason.OTHER,
        }
    ),
)
