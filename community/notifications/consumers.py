"""A member's unread notification count, pushed to their open pages."""

import datetime as dt

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone

from comptoir.routing import IgnoreUnreadableMixin, LiveGroupsMixin

from .live import member_notifications_group
from .presence import member_presence_mark
from .selectors import notification_unread_count

# The page says "presence" every minute; faster clients write to the cache no
# more often than this, whatever they send.
PRESENCE_MARK_EVERY = dt.timedelta(seconds=30)


class NotificationCountConsumer(
    IgnoreUnreadableMixin, LiveGroupsMixin, AsyncJsonWebsocketConsumer
):
    """Sends the signed-in member's unread count whenever it changes.

    Only the member's own count, from the session: anonymous visitors are
    refused at the handshake. The socket also marks the member online
    (`presence.py`) when it connects and when the page sends
    `{"type": "presence"}`, at most once per `PRESENCE_MARK_EVERY`; anything
    else a client sends is ignored.
    """

    member_id = 0
    presence_marked_at: dt.datetime | None = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()
            return
        self.member_id = user.pk
        await self.join_group(member_notifications_group(user.pk))
        await self.accept()
        await self._presence_mark()
        # A page that reconnects after a drop may have missed changes.
        unread = await database_sync_to_async(notification_unread_count)(
            member_id=user.pk
        )
        await self.send_json({"type": "count", "unread": unread})

    async def _presence_mark(self) -> None:
        # Django's clock, not a monotonic one, so tests can travel past the pause.
        now = timezone.now()
        last = self.presence_marked_at
        if last is not None and now - last < PRESENCE_MARK_EVERY:
            return
        self.presence_marked_at = now
        await sync_to_async(member_presence_mark)(self.member_id, now=now)

    async def receive_json(self, content, **kwargs):
        # Anything but a presence is ignored.
        if isinstance(content, dict) and content.get("type") == "presence":
            await self._presence_mark()

    async def notification_count(self, event):
        await self.send_json({"type": "count", "unread": event["unread"]})
