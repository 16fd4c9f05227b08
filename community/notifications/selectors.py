"""Reads of a member's notifications."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .email_categories import EmailCategory
from .models import EmailPreference, Notification


def notification_list(*, member_id: int) -> QuerySet[Notification]:
    """A member's notifications, newest first."""
    return Notification.objects.filter(recipient_id=member_id).order_by(
        "-created_at", "-id"
    )


def notification_unread_count(*, member_id: int) -> int:
    """How many of a member's notifications are unread: one COUNT query."""
    return Notification.objects.filter(
        recipient_id=member_id, read_at__isnull=True
    ).count()


def notification_get_for_member(
    *, member_id: int, notification_id: int
) -> Notification | None:
    """One notification if it belongs to this member, else None (never someone
    else's)."""
    return Notification.objects.filter(
        pk=notification_id, recipient_id=member_id
    ).first()


def email_preferences_get(*, member_id: int) -> dict[str, bool]:
    """Every category with the member's choice: on unless they turned it off."""
    stored = dict(
        EmailPreference.objects.filter(member_id=member_id).values_list(
            "category", "enabled"
        )
    )
    return {category: stored.get(category, True) for category in EmailCategory.values}


def email_wanted(*, member_id: int, category: str) -> bool:
    """Whether the member agreed to e-mails of this category (default: yes)."""
    return not EmailPreference.objects.filter(
        member_id=member_id, category=category, enabled=False
    ).exists()


def email_recipient_get(*, member_id: int):
    """The active member an unsubscribe link names, or None (erased, deactivated)."""
    return get_user_model().objects.filter(pk=member_id, is_active=True).first()
