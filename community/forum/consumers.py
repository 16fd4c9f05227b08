"""A forum topic, live: its new replies, likes and edits pushed to its open pages."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.urls import path

from comptoir.routing import LiveGroupsMixin, socket_language

from .live import forum_topic_group, topic_is_live


class TopicLiveConsumer(LiveGroupsMixin, AsyncJsonWebsocketConsumer):
    """Sends what changes on one topic, as the page's HTML in the socket's language.

    A topic a visitor may read is public, like its page, so anyone may listen;
    a socket on any other topic (pending, hidden, in the staff's room, merged
    away or unknown) is refused at the handshake and joins no group. Connecting
    costs one query. One way only: what a client sends is ignored.
    """

    language = ""

    async def connect(self):
        topic_id = self.scope["url_route"]["kwargs"]["topic_id"]
        if not await database_sync_to_async(topic_is_live)(topic_id):
            await self.close()
            return
        self.language = socket_language(self.scope.get("query_string", b""))
        await self.join_group(forum_topic_group(topic_id))
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Whatever a client sends, even text that is not JSON, is ignored rather
        # than crashing the connection.
        return

    def _in_language(self, rendered: dict[str, str]) -> str:
        return rendered.get(self.language) or next(iter(rendered.values()), "")

    async def forum_post(self, event):
        await self.send_json(
            {
                "type": "post",
                "id": event["id"],
                "number": event["number"],
                "html": self._in_language(event["html"]),
            }
        )

    async def forum_likes(self, event):
        await self.send_json(
            {
                "type": "likes",
                "id": event["id"],
                "number": event["number"],
                "count": event["count"],
                "html": self._in_language(event["html"]),
            }
        )

    async def forum_edit(self, event):
        await self.send_json(
            {
                "type": "edit",
                "id": event["id"],
                "number": event["number"],
                "html": self._in_language(event["html"]),
            }
        )


websocket_urlpatterns: list = [
    path("ws/forum/t/<int:topic_id>/", TopicLiveConsumer.as_asgi()),
]
