"""One moderation mechanism for every kind of member content.

Content models inherit `ModeratedContent` (a status and its history fields); the
queue, decisions, reports and suspensions are tables of this app that point at the
content through the content-types framework, so reviews today and ideas, listings,
forum posts and messages later share one queue and one audit trail.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import (
    moderated_type_of,
    rejection_reason_choices,
    report_reason_choices,
)


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("Pending moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden after reports")
    REMOVED = "removed", _("Removed by its author")


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    HIDE = "hide", _("Hidden by reports")
    SUSPEND = "suspend", _("Member suspended")
    LIFT_SUSPENSION = "lift_suspension", _("Suspension lifted")


class ModeratedContent(models.Model):
    """What every piece of member content carries to go through moderation.

    A concrete model adds its author field and is registered as a `ModeratedType`
    (community/moderation/registry.py), which names that field, its queue preview
    and its reasons. It may override the two callbacks below.
    """

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    rejection_reason = models.CharField(
        _("rejection reason"),
        max_length=32,
        choices=rejection_reason_choices,
        blank=True,
    )
    rejection_note = models.TextField(
        _("note to the author"),
        blank=True,
        help_text=_("Shown to the author with the reason."),
    )
    published_at = models.DateTimeField(
        _("first published"),
        null=True,
        blank=True,
        help_text=_("When it was first shown publicly; kept through later edits."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def moderation_author(self):
        """The member who wrote this item (the type's `author_field`)."""
        return getattr(self, moderated_type_of(self).author_field)

    def on_moderation_decision(self, *, action: ModerationAction) -> None:
        """Called inside the transaction after each decision on this item.

        `action` is APPROVE, REJECT or HIDE (hidden after reports), the status
        already saved. Override it to keep the content app's aggregates right
        (e.g. a product's rating); by default nothing happens.
        """

    @classmethod
    def moderation_lock_related(cls, contents: list) -> None:
        """Called once before a batch of these items is decided, in its transaction.

        If `on_moderation_decision` takes row locks, take them all here in a fixed
        order: two moderators deciding overlapping batches then queue behind each
        other instead of deadlocking. By default nothing is locked.
        """

    @property
    def is_published(self) -> bool:
        return self.status == ModerationStatus.PUBLISHED


class QueueReason(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    FLAGGED = "flagged", _("Reported")


class QueueEntry(models.Model):
    """An item waiting for a moderator; closed when a decision is made.

    At most one open entry per piece of content. The queue is the open entries,
    oldest first.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_queue_entries",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=QueueReason.choices)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("moderation queue entry")
        verbose_name_plural = _("moderation queue entries")
        # One permission for the whole queue: moderators work every kind of content.
        permissions = [("moderate_content", _("Can moderate member content"))]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(closed_at__isnull=True),
                name="one_open_queue_entry_per_content",
            )
        ]
        indexes = [
            models.Index(
                fields=["closed_at", "opened_at", "id"], name="queue_open_oldest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.content_type} #{self.object_id}"


class ModerationDecision(models.Model):
    """Who decided what, when, why, and the status before and after. Never edited."""

    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    content = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_decisions_received",
        help_text=_("The member whose content or account the decision is about."),
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_decisions_made",
        help_text=_("Empty when the system decided (e.g. hidden by reports)."),
    )
    action = models.CharField(
        _("action"), max_length=20, choices=ModerationAction.choices
    )
    reason = models.CharField(
        _("reason"), max_length=32, choices=rejection_reason_choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    status_before = models.CharField(_("status before"), max_length=16, blank=True)
    status_after = models.CharField(_("status after"), max_length=16, blank=True)
    decided_at = models.DateTimeField(_("decided"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="decision_content"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.decided_at:%Y-%m-%d %H:%M}"


class Report(models.Model):
    """A member's report that some content breaks the rules; one per member and item."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=report_reason_choices)
    note = models.TextField(_("details"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"],
                name="one_report_per_member_and_content",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.content_type} #{self.object_id}"


class Suspension(models.Model):
    """A member may read but not post until `until`, for `reason`."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    until = models.DateTimeField(_("suspended until"))
    reason = models.TextField(_("reason"), help_text=_("Shown to the member."))
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="suspensions_given",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        indexes = [
            models.Index(fields=["member", "until"], name="suspension_member_until")
        ]

    def __str__(self) -> str:
        return f"{self.member} until {self.until:%Y-%m-%d}"


class QueueShortcuts(models.Model):
    """A moderator's single-key shortcuts on the queue: on or off, and which key
    does what (WCAG 2.1.4: single-character shortcuts can be turned off or
    remapped). Without a row, the fields' defaults apply."""

    moderator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_queue_shortcuts",
    )
    enabled = models.BooleanField(_("single-key shortcuts on"), default=True)
    next_key = models.CharField(_("next item"), max_length=1, default="j")
    previous_key = models.CharField(_("previous item"), max_length=1, default="k")
    select_key = models.CharField(_("select the item"), max_length=1, default="x")
    approve_key = models.CharField(_("approve the item"), max_length=1, default="a")
    undo_key = models.CharField(_("undo the approval"), max_length=1, default="u")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The actions in the order the page lists them, with their key fields.
    ACTIONS = ("next", "previous", "select", "approve", "undo")

    class Meta:
        verbose_name = _("moderation queue shortcuts")
        verbose_name_plural = _("moderation queue shortcuts")

    def __str__(self) -> str:
        return f"{self.moderator} shortcuts"

    def keys(self) -> dict[str, str]:
        """{action: key} for every action, in `ACTIONS` order."""
        return {action: getattr(self, f"{action}_key") for action in self.ACTIONS}
