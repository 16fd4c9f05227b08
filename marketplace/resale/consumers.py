"""A private conversation, live: its new messages pushed to its two parties' pages."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404
from django.urls import path

from community.notifications.presence import member_presence_mark
from comptoir.routing import IgnoreUnreadableMixin, LiveGroupsMixin, socket_language

from .conversations import conversation_for_member, conversation_is_party
from .conversations import conversation_read as _conversation_read
from .live import conversation_group


def _mark_read(conversation_id: int, member) -> None:
    try:
        conversation = conversation_for_member(pk=conversation_id, member=member)
    except Http404:
        return  # deleted meanwhile: nothing left to read
    _conversation_read(conversation=conversation, member=member)


class ConversationConsumer(
    IgnoreUnreadableMixin, LiveGroupsMixin, AsyncJsonWebsocketConsumer
):
    """Sends each new message of one conversation, as the page's HTML.

    Only the conversation's buyer and seller, authenticated from the session,
    may open it: anyone else (anonymous, another member, staff, moderators) is
    refused at the handshake and joins no group. The page may send
    `{"type": "read"}` when it showed new messages to its reader; anything else
    a client sends is ignored. Connecting marks the reader online
    (notifications' `presence.py`): a new conversation then reaches them in the
    app only, not by e-mail.
    """

    conversation_id = 0
    member = None
    language = ""

    async def connect(self):
        user = self.scope.get("user")
        conversation_id = self.scope["url_route"]["kwargs"]["pk"]
        if (
            user is None
            or not user.is_authenticated
            or not await database_sync_to_async(conversation_is_party)(
                conversation_id=conversation_id, member_id=user.pk
            )
        ):
            await self.close()
            return
        self.member = user
        self.conversation_id = conversation_id
        self.language = socket_language(self.scope.get("query_string", b""))
        await self.join_group(conversation_group(conversation_id))
        await self.accept()
        await sync_to_async(member_presence_mark)(user.pk)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "read":
            await database_sync_to_async(_mark_read)(self.conversation_id, self.member)

    async def conversation_message(self, event):
        side = "mine" if event["sender_id"] == self.member.pk else "theirs"
        rendered = event["html"][side]
        html = rendered.get(self.language) or next(iter(rendered.values()), "")
        await self.send_json(
            {"type": "message", "id": event["id"], "mine": side == "mine", "html": html}
        )


websocket_urlpatterns: list = [
    path("ws/resale/conversations/<int:pk>/", ConversationConsumer.as_asgi()),
]
