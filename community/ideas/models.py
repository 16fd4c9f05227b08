"""Product ideas: members propose, the community supports, the review board decides.

Two axes, kept apart on purpose. `status` (from `ModeratedContent`) is moderation's:
pending, published, rejected, hidden, removed — whether the idea may be shown.
`state` is the idea's own life: draft → pending → open → in review → accepted →
in development → launched, or declined, expired, merged, withdrawn. An idea is
public when moderation published it and its state is past pending. Every change of
state is an `IdeaStateChange` row (who, when, why); `lifecycle.py` is the only
writer of `state`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.search import index

from community.moderation.models import ModeratedContent, ModerationAction
from comptoir.slugs import url_slug
from comptoir.uploads import private_media_storage

BASIS_POINTS = 10_000


class IdeaState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for moderation")
    OPEN = "open", _("Gathering support")
    IN_REVIEW = "in_review", _("In review")
    ON_HOLD = "on_hold", _("On hold")
    ACCEPTED = "accepted", _("Accepted")
    IN_DEVELOPMENT = "in_development", _("In development")
    LAUNCHED = "launched", _("Launched")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    MERGED = "merged", _("Merged")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Shown on /ideas/ and in search once moderation has published the idea.
PUBLIC_STATES = frozenset(
    {
        IdeaState.OPEN,
        IdeaState.IN_REVIEW,
        IdeaState.ON_HOLD,
        IdeaState.ACCEPTED,
        IdeaState.IN_DEVELOPMENT,
        IdeaState.LAUNCHED,
        IdeaState.DECLINED,
        IdeaState.EXPIRED,
        IdeaState.MERGED,
    }
)
# A support in one of these is spent from its member's budget; in any other
# state (launched, declined, expired, merged, withdrawn) it has come back.
SUPPORT_HOLDING_STATES = frozenset(
    {
        IdeaState.OPEN,
        IdeaState.IN_REVIEW,
        IdeaState.ON_HOLD,
        IdeaState.ACCEPTED,
        IdeaState.IN_DEVELOPMENT,
    }
)
# The states a member may still support an idea in.
SUPPORTABLE_STATES = frozenset({IdeaState.OPEN})
# The author may withdraw before the board looks at it.
WITHDRAWABLE_STATES = frozenset({IdeaState.DRAFT, IdeaState.PENDING, IdeaState.OPEN})


class IdeaRejectionReason(models.TextChoices):
    """Reasons to reject an idea, besides moderation's shared ones (spam…)."""

    NOT_A_PRODUCT = "not_a_product", _("Not a product idea")
    EXISTING_PRODUCT = "existing_product", _("The shop already sells it")
    UNSAFE = "unsafe", _("Unsafe or illegal product")


class IdeaReportReason(models.TextChoices):
    """Reasons to report an idea or a comment, besides the shared ones."""

    COPIED = "copied", _("Copied from someone else's design")
    UNSAFE = "unsafe", _("Unsafe or illegal product")


@register_setting(icon="pick")
class IdeasSettings(BaseGenericSetting):
    """The rules of product ideas, shown as they are on /ideas/how-it-works/.

    Three support stages, each a number of supporters to reach within some days
    of the previous stage (or of opening); a stage with 0 supporters is skipped.
    Reaching the last stage puts the idea in review.
    """

    stage1_supporters = models.PositiveIntegerField(
        _("stage 1: supporters"), default=25
    )
    stage1_days = models.PositiveIntegerField(_("stage 1: within days"), default=30)
    stage2_supporters = models.PositiveIntegerField(
        _("stage 2: supporters"), default=100
    )
    stage2_days = models.PositiveIntegerField(_("stage 2: within days"), default=90)
    stage3_supporters = models.PositiveIntegerField(
        _("stage 3: supporters"), default=250
    )
    stage3_days = models.PositiveIntegerField(_("stage 3: within days"), default=180)
    support_budget = models.PositiveIntegerField(
        _("support budget"),
        default=10,
        help_text=_(
            "How many open ideas a member may support at once. A support comes "
            "back when the idea is launched, declined, expired or merged."
        ),
    )
    next_review_board = models.DateField(
        _("next review board"),
        null=True,
        blank=True,
        help_text=_("Shown on every idea in review."),
    )
    ideas_per_day = models.PositiveIntegerField(
        _("ideas per member per day"),
        default=3,
        help_text=_("Trust level 0 members: the first-day limit of trust settings."),
    )
    comments_per_hour = models.PositiveIntegerField(
        _("comments per member per hour"), default=20
    )
    accepted_text = models.TextField(
        _("what the retailer does with an accepted idea"),
        default=_(
            "The product team designs the product with its originators, finds a "
            "maker and puts it on the shelves of our stores and on this site."
        ),
    )
    ownership_text = models.TextField(
        _("who owns what"),
        default=_(
            "You keep the credit for your idea: its page names you for good. By "
            "posting it you let the retailer develop, make and sell products from "
            "it; in return its originators share the royalty on every sale."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("stage1_supporters"),
                FieldPanel("stage1_days"),
                FieldPanel("stage2_supporters"),
                FieldPanel("stage2_days"),
                FieldPanel("stage3_supporters"),
                FieldPanel("stage3_days"),
            ],
            heading=_("Support stages"),
        ),
        FieldPanel("support_budget"),
        FieldPanel("next_review_board"),
        FieldPanel("ideas_per_day"),
        FieldPanel("comments_per_hour"),
        FieldPanel("accepted_text"),
        FieldPanel("ownership_text"),
    ]

    class Meta:
        verbose_name = _("product ideas")

    def stages(self) -> list[tuple[int, int]]:
        """The stages that count, as (supporters, days), in order."""
        pairs = [
            (self.stage1_supporters, self.stage1_days),
            (self.stage2_supporters, self.stage2_days),
            (self.stage3_supporters, self.stage3_days),
        ]
        return [(supporters, days) for supporters, days in pairs if supporters]


class TaggedIdea(TaggedItemBase):
    content_object = ParentalKey(
        "ideas.Idea", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Idea(index.Indexed, ClusterableModel, ModeratedContent):
    """A member's proposal for a product the shop could sell."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ideas"
    )
    title = models.CharField(_("title"), max_length=120)
    problem = models.TextField(
        _("the problem"), max_length=5_000, help_text=_("Markdown.")
    )
    proposal = models.TextField(
        _("the proposal"), max_length=10_000, help_text=_("Markdown.")
    )
    tags = TaggableManager(_("tags"), through=TaggedIdea, blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=IdeaState.choices,
        default=IdeaState.DRAFT,
    )
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    # Index into IdeasSettings.stages(): the stage being gathered now; equal to
    # the number of stages once the last is reached.
    stage = models.PositiveSmallIntegerField(_("stage"), default=0)
    stage_deadline = models.DateTimeField(
        _("stage deadline"),
        null=True,
        blank=True,
        help_text=_("The current stage's supporters must be reached by then."),
    )
    supporter_count = models.PositiveIntegerField(_("supporters"), default=0)
    # Supports in the last 14 days, for the "trending" sort: recounted by
    # `ideas_refresh`, moved by each support and withdrawal in between.
    recent_supporter_count = models.PositiveIntegerField(
        _("supporters in the last 14 days"), default=0
    )
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )
    from_review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The review whose author suggested this improvement."),
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The catalog product it became, once launched."),
    )
    shares_frozen_at = models.DateTimeField(
        _("shares frozen"),
        null=True,
        blank=True,
        help_text=_("Originators' shares cannot change after the idea is accepted."),
    )

    # The site search and /ideas/similar/ (comptoir.search.full_text_search) filter
    # on moderation status and state: public ideas only.
    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("problem"),
        index.SearchField("proposal"),
        index.AutocompleteField("title"),
        index.FilterField("status"),
        index.FilterField("state"),
    ]

    class Meta:
        verbose_name = _("product idea")
        verbose_name_plural = _("product ideas")
        permissions = [("decide_ideas", "Can decide ideas on the review board")]
        indexes = [
            models.Index(fields=["state", "-created_at", "-id"], name="idea_newest"),
            models.Index(
                fields=["state", "-supporter_count", "-id"], name="idea_most_supported"
            ),
            models.Index(
                fields=["state", "-recent_supporter_count", "-id"],
                name="idea_trending",
            ),
            models.Index(
                fields=["state", "stage_deadline", "id"], name="idea_closing_soon"
            ),
            models.Index(fields=["author", "-created_at"], name="idea_author"),
            # /ideas/ lists published ideas of eight states in one order: led by
            # the status (one value), these serve the order without a sort.
            models.Index(
                fields=["status", "-recent_supporter_count", "-id"],
                name="idea_listed_trending",
            ),
            models.Index(
                fields=["status", "-supporter_count", "-id"],
                name="idea_listed_most_supported",
            ),
            models.Index(
                fields=["status", "-created_at", "-id"], name="idea_listed_newest"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def slug(self) -> str:
        return url_slug(self.title, max_length=60, default="idea")

    @property
    def is_public(self) -> bool:
        return self.is_published and self.state in PUBLIC_STATES

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ideas:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def on_moderation_decision(self, *, action: ModerationAction) -> None:
        """Moderation approved, rejected or hid this idea: an approved pending idea
        opens to support; the list and search pages forget it either way."""
        from .lifecycle import idea_moderated

        idea_moderated(idea=self, action=action)


class IdeaStateChange(models.Model):
    """One step of an idea's life: from, to, who, when and the public reason."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(max_length=16, choices=IdeaState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=IdeaState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the daily refresh made the change."),
    )
    reason = models.TextField(_("public reason"), blank=True, max_length=2_000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("idea state change")
        verbose_name_plural = _("idea state changes")

    def __str__(self) -> str:
        return f"#{self.idea_id}: {self.from_state or '∅'} → {self.to_state}"


class IdeaPhoto(models.Model):
    """A photo of an idea, re-encoded at upload, kept as a private file.

    Served through `ideas:photo`, which shows it to anyone while its idea is public
    and to the author and moderators otherwise.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="photos")
    file = models.ImageField(upload_to="idea_photos/", storage=private_media_storage)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("idea photo")
        verbose_name_plural = _("idea photos")

    def __str__(self) -> str:
        return f"Photo {self.position + 1} of idea #{self.idea_id}"


class IdeaSupport(models.Model):
    """One member's support of one idea.

    `released_at` is set when the idea leaves the states that hold supports
    (launched, declined, expired, merged): the support still counts on the idea
    but is back in the member's budget.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports"
    )
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("idea support")
        verbose_name_plural = _("idea supports")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "member"], name="one_support_per_member_and_idea"
            )
        ]
        indexes = [
            models.Index(fields=["member", "released_at"], name="idea_support_budget"),
            models.Index(fields=["idea", "-created_at"], name="idea_support_recent"),
        ]

    def __str__(self) -> str:
        return f"support of idea #{self.idea_id}"


class IdeaOriginator(models.Model):
    """An originator of an idea and their share in basis points.

    The author is one, accepted from the start; co-originators the author names
    accept (or decline) the invitation. Shares of the accepted add up to 10,000
    and are frozen when the idea is accepted; at launch they become the product's
    originators in rewards.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="originators")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="idea_originations",
    )
    share_bp = models.PositiveIntegerField(_("share (basis points)"))
    invited_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-share_bp", "id"]
        verbose_name = _("idea originator")
        verbose_name_plural = _("idea originators")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "member"], name="one_origination_per_member_and_idea"
            ),
            models.CheckConstraint(
                condition=Q(share_bp__gt=0) & Q(share_bp__lte=BASIS_POINTS),
                name="idea_originator_share_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"originator of idea #{self.idea_id}"


class IdeaComment(ModeratedContent):
    """A comment in an idea's discussion (Markdown), moderated like a review."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_comments"
    )
    body = models.TextField(_("comment"), max_length=5_000)

    class Meta:
        verbose_name = _("idea comment")
        verbose_name_plural = _("idea comments")
        indexes = [
            models.Index(
                fields=["idea", "status", "created_at", "id"],
                name="idea_comment_thread",
            )
        ]

    def __str__(self) -> str:
        return f"comment on idea #{self.idea_id}"

    @property
    def page_anchor(self) -> str:
        """The id of this comment on its idea's page."""
        return f"comment-{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.idea.get_absolute_url()}#{self.page_anchor}"

    @classmethod
    def moderation_lock_related(cls, comments) -> None:
        """Before a batch is decided, lock the comments' ideas in id order, as each
        decision recounts its idea's comments under that lock."""
        ids = sorted({comment.idea_id for comment in comments})
        list(Idea.objects.select_for_update().filter(pk__in=ids).order_by("pk"))

    def on_moderation_decision(self, *, action: ModerationAction) -> None:
        """Recount the idea's published comments; a newly published one goes
        live on the idea page."""
        from .discussion import comment_moderated

        comment_moderated(comment=self, action=action)


def stage_deadline_after(start: dt.datetime, days: int) -> dt.datetime:
    """The end of a stage that starts at `start` and lasts `days` days."""
    return start + dt.timedelta(days=days)
