"""A member's notifications, for the member-data export and erasure.

Erasure deletes them: they were written to the member alone, and nothing else
points at them.
"""

from typing import Any

from .models import Notification
from .selectors import notification_list


def notifications_export(member) -> list[dict[str, Any]]:
    """Every notification the member received, oldest first."""
    notifications = notification_list(member_id=member.pk).order_by("created_at", "id")
    return [
        {
            "kind": notification.kind,
            "title": notification.title,
            "body": notification.body,
            "url": notification.url,
            "created_at": notification.created_at,
            "read_at": notification.read_at,
        }
        for notification in notifications.iterator(chunk_size=1000)
    ]


def notifications_erase(member) -> int:
    """Delete every notification of the member; returns how many."""
    deleted, _by_model = Notification.objects.filter(recipient=member).delete()
    return deleted
