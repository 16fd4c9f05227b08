"""Conversations, live: each new message pushed to the open pages of its two parties.

A conversation page joins the group of its conversation through
`ws/resale/conversations/<id>/` (`consumers.ConversationConsumer`), which only
its buyer and seller may open. Each message is rendered as the page renders it,
once as the sender's own and once as the other party's, in every language of
the site, and sent to that group after the transaction commits: nothing rolled
back or refused ever reaches a page. The header's unread count moves through
the notifications (`conversations._recipient_notify`).
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import Message

logger = logging.getLogger(__name__)

MESSAGE_TEMPLATE = "resale/conversations/message.html"


def conversation_group(conversation_id: int) -> str:
    """The channel-layer group whose sockets are the open pages of a conversation."""
    return f"resale-conversation-{conversation_id}"


def message_html(message: Message) -> dict[str, dict[str, str]]:
    """The message as the page shows it: {"mine" or "theirs": {language: html}}."""
    rendered: dict[str, dict[str, str]] = {"mine": {}, "theirs": {}}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for side, mine in (("mine", True), ("theirs", False)):
                rendered[side][code] = render_to_string(
                    MESSAGE_TEMPLATE, {"message": message, "mine": mine}
                )
    return rendered


def message_broadcast_on_commit(message: Message) -> None:
    """Once the transaction commits, send the message to its conversation's group;
    a channel layer that is down drops it with one log line (the page shows it on
    the next load)."""
    message_id = message.pk

    # Named, not a lambda: Django logs a failing robust callback by its name.
    def resale_message_broadcast():
        _message_send(message_id)

    transaction.on_commit(resale_message_broadcast, robust=True)


def _message_send(message_id: int) -> None:
    # Read again after the commit: only what is there and published is sent.
    message = (
        Message.objects.select_related("sender", "conversation")
        .filter(pk=message_id, status="published")
        .first()
    )
    if message is None:
        return
    layer = get_channel_layer()
    if layer is None:
        return
    event = {
        "type": "conversation.message",
        "id": message.pk,
        "sender_id": message.sender_id,
        "html": message_html(message),
    }
    try:
        async_to_sync(layer.group_send)(
            conversation_group(message.conversation_id), event
        )
    except Exception as error:  # noqa: BLE001 - logged; the page shows it on load
        logger.warning(
            "Message #%s of conversation #%s was not sent live (%s: %s); its page "
            "shows it on the next load.",
            message.pk,
            message.conversation_id,
            type(error).__name__,
            error,
        )
