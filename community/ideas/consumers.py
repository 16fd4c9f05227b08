"""An idea's discussion, live: new published comments pushed to its open pages."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.urls import path

from comptoir.routing import LiveGroupsMixin, socket_language

from .live import idea_discussion_group, idea_discussion_is_live


class IdeaDiscussionConsumer(LiveGroupsMixin, AsyncJsonWebsocketConsumer):
    """Sends each comment published on one idea, as the page's HTML.

    The discussion of a public idea is public, like its page, so anyone may
    listen; a socket on an idea that is not public (a draft, pending, rejected
    or unknown one) is refused at the handshake and joins no group. One way
    only: what a client sends is ignored.
    """

    language = ""

    async def connect(self):
        idea_id = self.scope["url_route"]["kwargs"]["idea_id"]
        if not await database_sync_to_async(idea_discussion_is_live)(idea_id=idea_id):
            await self.close()
            return
        self.language = socket_language(self.scope.get("query_string", b""))
        await self.join_group(idea_discussion_group(idea_id))
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Whatever a client sends, even text that is not JSON, is ignored rather
        # than crashing the connection.
        return

    async def idea_comment(self, event):
        rendered = event["html"]
        html = rendered.get(self.language) or next(iter(rendered.values()), "")
        await self.send_json({"type": "comment", "id": event["id"], "html": html})


websocket_urlpatterns: list = [
    path("ws/ideas/<int:idea_id>/", IdeaDiscussionConsumer.as_asgi()),
]
