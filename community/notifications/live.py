"""Live unread counts: the websocket group of a member and what is sent to it."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def member_notifications_group(member_id: int) -> str:
    """The channel-layer group whose sockets are one member's open pages."""
    return f"member-notifications-{member_id}"


def notification_count_broadcast(*, member_id: int, unread: int) -> None:
    """Tell every open page of a member their new unread count.

    Called after commit only, so no page counts a notification that was rolled
    back.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        member_notifications_group(member_id),
        {"type": "notification.count", "unread": unread},
    )
