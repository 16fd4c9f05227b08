"""A member's unread notification count, pushed to their open pages."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from comptoir.routing import LiveGroupsMixin

from .live import member_notifications_group
from .selectors import notification_unread_count


class NotificationCountConsumer(LiveGroupsMixin, AsyncJsonWebsocketConsumer):
    """Sends the signed-in member's unread count whenever it changes.

    Only the member's own count, from the session: anonymous visitors are
    refused at the handshake.
    """

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()
            return
        await self.join_group(member_notifications_group(user.pk))
        await self.accept()
        # A page that reconnects after a drop may have missed changes.
        unread = await database_sync_to_async(notification_unread_count)(
            member_id=user.pk
        )
        await self.send_json({"type": "count", "unread": unread})

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # One way only: whatever a client sends is ignored.
        return

    async def notification_count(self, event):
        await self.send_json({"type": "count", "unread": event["unread"]})
