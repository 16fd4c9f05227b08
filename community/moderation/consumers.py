"""Live count of the moderation queue, for moderators' admin pages."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from comptoir.routing import LiveGroupsMixin

from .live import moderation_queue_group
from .selectors import queue_open_count
from .services import user_can_moderate


def _moderator_count(user) -> int | None:
    """The open count for a moderator; None for anyone else."""
    if not user_can_moderate(user):
        return None
    return queue_open_count()


class ModerationQueueConsumer(LiveGroupsMixin, AsyncJsonWebsocketConsumer):
    """Sends {"type": "queue.count", "count": n} on connect and on every change.

    Only members with the moderation permission may connect; anyone else is
    refused at the handshake.
    """

    async def connect(self):
        count = await database_sync_to_async(_moderator_count)(self.scope.get("user"))
        if count is None:
            await self.close(code=4403)
            return
        await self.join_group(moderation_queue_group())
        await self.accept()
        # A page that reconnects after a drop may have missed changes.
        await self.send_json({"type": "queue.count", "count": count})

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # One-way socket: whatever a client sends is ignored.
        return

    async def queue_count(self, event):
        await self.send_json({"type": "queue.count", "count": event["count"]})
