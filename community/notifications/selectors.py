"""Reads of a member's notifications."""

from django.db.models import QuerySet

from .models import Notification


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
