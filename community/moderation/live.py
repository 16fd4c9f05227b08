"""Live queue count: the websocket group of moderators and what is sent to it."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def moderation_queue_group() -> str:
    """The channel-layer group whose sockets show the moderation queue's count."""
    return "moderation-queue"


def queue_count_broadcast(*, count: int) -> None:
    """Send the number of open queue entries to every moderator's admin page.

    Called after commit only, so no badge ever counts an entry that was rolled back.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        moderation_queue_group(), {"type": "queue.count", "count": count}
    )
