"""How topics and posts go through moderation: their `ModeratedType`s and what
the forum does after each decision.

A topic is the queue item of its opening post: post 1 is never submitted on its
own, it follows its topic's status (services._post1_follow). Replies are queue
items of their own. Flags (moderation's reports) hide an item at the thresholds
moderation applies to every type; a topic whose posts gather
`ForumSettings.flags_to_close_topic` flags is closed until a moderator decides
on it or on one of its posts (services.post_report).

Registered in wagtail_hooks.py; the services read the posting kinds from here.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Prefetch, Sum
from django.utils.translation import gettext_lazy as _

from community.members.trust import HELPFUL_VOTES
from community.moderation.models import ModerationAction, ModerationStatus
from community.moderation.registry import ModeratedType, RejectionReason

from .models import Post, Topic

# What the posting limits count (PostingRecord.kind); never renamed.
TOPIC_POSTING_KIND = "forum_topic"
POST_POSTING_KIND = "forum_post"


class ForumRejectionReason(models.TextChoices):
    """Reasons to reject a topic or post, besides moderation's shared ones."""

    OFF_TOPIC = "forum_off_topic", _("Not about gardening, DIY or the shop")
    WRONG_CATEGORY = "forum_wrong_category", _("Posted in the wrong category")
    UNSAFE = "forum_unsafe", _("Unsafe advice")


class ForumReportReason(models.TextChoices):
    """Why a member may flag a topic or a post, besides the shared reasons."""

    OFF_TOPIC = "forum_off_topic", _("Off topic")
    UNSAFE = "forum_unsafe", _("Unsafe advice (chemicals, electricity, tools)")


def forum_trust_facts(member) -> dict[str, int]:
    """Likes received on the member's published posts.

    A like says "this helped", as a helpful vote on a review does, so it counts
    toward the same fact. Topics and replies count as approved contributions
    through moderation's own provider (every published item of a registered
    type); the opening post is left to its topic (ForumPostType.authored_by).
    """
    total = Post.objects.filter(
        author=member, status=ModerationStatus.PUBLISHED
    ).aggregate(total=Sum("like_count"))["total"]
    return {HELPFUL_VOTES: total or 0}


class ForumPostType(ModeratedType):
    """Replies only: a topic's post 1 is its topic's queue item, so counting it
    too would count every topic twice toward trust and reports received."""

    def authored_by(self, member):
        return super().authored_by(member).exclude(number=1)


_FIXABLE = frozenset(
    {
        RejectionReason.PERSONAL_DATA,
        RejectionReason.OTHER,
        ForumRejectionReason.WRONG_CATEGORY,
        ForumRejectionReason.UNSAFE,
    }
)

TOPIC_MODERATED_TYPE = ModeratedType(
    model=Topic,
    author_field="author",
    posting_kind=TOPIC_POSTING_KIND,
    names=(_("forum topic"), _("forum topics")),
    preview_template="forum/moderation/topic_preview.html",
    # The preview shows the topic's opening post, not its thousands of replies.
    preview_prefetch=(
        "tagged_items__tag",
        Prefetch(
            "posts",
            queryset=Post.objects.filter(number=1).prefetch_related("images"),
            to_attr="opening_posts",
        ),
    ),
    rejection_reasons=ForumRejectionReason.choices,
    report_reasons=ForumReportReason.choices,
    fixable_reasons=_FIXABLE,
)

POST_MODERATED_TYPE = ForumPostType(
    model=Post,
    author_field="author",
    posting_kind=POST_POSTING_KIND,
    names=(_("forum reply"), _("forum replies")),
    preview_template="forum/moderation/post_preview.html",
    preview_prefetch=("images",),
    rejection_reasons=ForumRejectionReason.choices,
    report_reasons=ForumReportReason.choices,
    fixable_reasons=_FIXABLE,
    trust_facts=forum_trust_facts,
)


# --- moderation's callbacks (models.Topic / models.Post call these) -----------------


def topics_lock(topic_ids) -> None:
    """Lock the topics a batch of decisions touches, in id order (no deadlock
    between two moderators deciding overlapping batches)."""
    ids = sorted({pk for pk in topic_ids if pk})
    if ids:
        list(
            Topic.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def topic_moderated(*, topic: Topic, action: ModerationAction) -> None:
    """After a decision on a topic: post 1 follows it, counts are kept, and on
    its first publication the mentioned and the category's watchers are told."""
    from .services import topic_after_decision

    topic_after_decision(topic=topic, action=action)


def post_moderated(*, post: Post, action: ModerationAction) -> None:
    """After a decision on a reply: counts are kept, and on its first
    publication the mentioned and the watchers are told."""
    from .services import post_after_decision

    post_after_decision(post=post, action=action)
