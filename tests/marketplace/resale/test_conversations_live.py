"""ws/resale/conversations/<id>/: a private conversation, live, against the real
ASGI application, with sockets authenticated by real sessions.

Messages are sent through `message_send` as the page does; each reaches both
parties' open pages once, rendered as the page renders it, after the
transaction commits; nobody else may open the socket.
"""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ValidationError
from django.db import transaction

from community.moderation.models import ModerationStatus
from comptoir.asgi import application
from marketplace.resale.conversations import conversation_open, message_send
from marketplace.resale.models import Listing, ListingState
from tests.conftest import SUITE_NOW
from tests.sockets import session_cookie_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

HELLO = "Bonjour, je peux passer mardi à Part-Dieu ?"


@pytest.fixture
def fresh_channel_layer():
    """Each websocket test gets its own layer, not one bound to an old event loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def conversation(seller, buyer, store):
    listing = Listing.objects.create(
        seller=seller,
        title="Sécateur Pro à lame franche",
        description="Servi deux saisons.",
        price_cents=4500,
        condition="very_good",
        state=ListingState.PUBLISHED,
        status=ModerationStatus.PUBLISHED,
        published_at=SUITE_NOW,
        expires_at=SUITE_NOW + dt.timedelta(days=60),
    )
    listing.handoff_stores.add(store)
    return conversation_open(listing=listing, member=buyer)


def socket_for(path: str, member=None, lang="en") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver")]
    if member is not None:
        headers.append((b"cookie", session_cookie_for(member)))
    return WebsocketCommunicator(application, f"{path}?lang={lang}", headers=headers)


def conversation_socket(conversation, member=None, lang="en"):
    return socket_for(f"/ws/resale/conversations/{conversation.pk}/", member, lang)


def send(conversation, sender, body=HELLO):
    with transaction.atomic():
        return message_send(conversation=conversation, sender=sender, body=body)


def test_a_message_reaches_both_parties_once(conversation, buyer, seller):
    buyer_socket = conversation_socket(conversation, buyer)
    seller_socket = conversation_socket(conversation, seller, lang="fr")

    async def scenario():
        for socket in (buyer_socket, seller_socket):
            connected, _ = await socket.connect(timeout=5)
            assert connected
        message = await database_sync_to_async(send)(conversation, buyer)
        got = [
            await buyer_socket.receive_json_from(timeout=5),
            await seller_socket.receive_json_from(timeout=5),
        ]
        quiet = [
            await buyer_socket.receive_nothing(timeout=0.3),
            await seller_socket.receive_nothing(timeout=0.3),
        ]
        for socket in (buyer_socket, seller_socket):
            await socket.disconnect()
        return message, got, quiet

    message, (to_buyer, to_seller), quiet = async_to_sync(scenario)()

    assert quiet == [True, True]
    for received in (to_buyer, to_seller):
        assert received["type"] == "message" and received["id"] == message.pk
        assert f'id="message-{message.pk}"' in received["html"]
        assert "Part-Dieu" in received["html"]
    # Rendered as each one's page shows it: the sender's own, the other's with
    # the sender's name and a way to report it, in the page's language.
    assert to_buyer["mine"] is True and ">You<" in to_buyer["html"]
    assert "Report this message" not in to_buyer["html"]
    assert to_seller["mine"] is False and ">Bao<" in to_seller["html"]
    assert "/report/" in to_seller["html"]


def test_a_refused_message_reaches_nobody(conversation, buyer, seller):
    socket = conversation_socket(conversation, seller)

    def send_an_empty_one_then_a_message():
        with pytest.raises(ValidationError):
            send(conversation, buyer, "\x00")
        return send(conversation, buyer, "Le vrai message")

    async def scenario():
        await socket.connect(timeout=5)
        message = await database_sync_to_async(send_an_empty_one_then_a_message)()
        received = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message, received

    message, received = async_to_sync(scenario)()

    assert received["id"] == message.pk


@pytest.mark.parametrize("who", [None, "other_buyer", "moderator"])
def test_anyone_but_the_two_parties_is_refused(conversation, who, request):
    member = request.getfixturevalue(who) if who else None
    socket = conversation_socket(conversation, member)

    async def scenario():
        connected, _ = await socket.connect(timeout=5)
        return connected

    assert async_to_sync(scenario)() is False


def test_a_third_member_hears_nothing_of_the_conversation(
    conversation, buyer, other_buyer, talk_other
):
    """Inès, refused on Bao's conversation, has her own open: Bao's message
    never reaches it."""
    socket = conversation_socket(talk_other, other_buyer)

    async def scenario():
        connected, _ = await socket.connect(timeout=5)
        assert connected
        await database_sync_to_async(send)(conversation, buyer)
        nothing = await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()
        return nothing

    assert async_to_sync(scenario)() is True


@pytest.fixture
def talk_other(conversation, other_buyer):
    return conversation_open(listing=conversation.listing, member=other_buyer)


def test_the_header_count_moves_with_a_new_conversation(conversation, buyer, seller):
    header = socket_for("/ws/notifications/", seller)

    async def scenario():
        connected, _ = await header.connect(timeout=5)
        assert connected
        before = await header.receive_json_from(timeout=5)
        await database_sync_to_async(send)(conversation, buyer, "Un")
        after = await header.receive_json_from(timeout=5)
        # A second message of the same unread conversation counts no more.
        await database_sync_to_async(send)(conversation, buyer, "Deux")
        quiet = await header.receive_nothing(timeout=0.3)
        await header.disconnect()
        return before, after, quiet

    before, after, quiet = async_to_sync(scenario)()

    assert before == {"type": "count", "unread": 0}
    assert after == {"type": "count", "unread": 1}
    assert quiet is True


def test_a_page_that_showed_the_message_marks_it_read(conversation, buyer, seller):
    from marketplace.resale.models import Conversation

    socket = conversation_socket(conversation, seller)

    def seller_read_id() -> int:
        return Conversation.objects.get(pk=conversation.pk).seller_read_id

    async def scenario():
        await socket.connect(timeout=5)
        first = await database_sync_to_async(send)(conversation, buyer, "Un")
        await socket.receive_json_from(timeout=5)
        before = await database_sync_to_async(seller_read_id)()
        await socket.send_to(text_data="not json")
        await socket.send_json_to({"type": "read"})
        # The consumer handles its messages in order: once the next message
        # arrives, the read before it is done.
        await database_sync_to_async(send)(conversation, buyer, "Deux")
        await socket.receive_json_from(timeout=5)
        after = await database_sync_to_async(seller_read_id)()
        await socket.disconnect()
        return first.pk, before, after

    first_id, before, after = async_to_sync(scenario)()

    assert before == 0
    assert after >= first_id
