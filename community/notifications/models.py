"""In-app notifications: what happened to a member's content or account."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .email_categories import EmailCategory


class Notification(models.Model):
    """One message to one member; unread until they open it or mark all read.

    `kind` is a short code chosen by the sender ("review_approved",
    "trust_promoted"…) so pages and e-mails can tell kinds apart without a
    table of their own.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_("A path on this site, where opening the notification leads."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Serves both the header's unread count and the newest-first list.
            models.Index(
                fields=["recipient", "read_at", "-created_at"],
                name="notification_recipient_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailPreference(models.Model):
    """A member's yes or no to one category of e-mail.

    No row means yes: every category is on until the member turns it off, on
    /me/emails/ or through an e-mail's unsubscribe link.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_preferences",
        verbose_name=_("member"),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=EmailCategory.choices
    )
    enabled = models.BooleanField(_("wanted"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "category"], name="email_preference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.enabled}"
