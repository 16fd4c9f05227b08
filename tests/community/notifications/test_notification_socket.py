"""ws/notifications/: a member's unread count, live, against the real ASGI app."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from community.notifications.services import (
    notification_mark_all_read,
    notification_send,
)
from comptoir.asgi import application
from tests.sockets import session_cookie_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]


def communicator(member=None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver")]
    if member is not None:
        headers.append((b"cookie", session_cookie_for(member)))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


def notify(member, title="Your review is published"):
    with transaction.atomic():
        notification_send(recipient=member, kind="review_approved", title=title)


def test_anonymous_visitor_is_refused():
    async def scenario():
        connected, _ = await communicator().connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_member_gets_the_count_on_connect_then_after_each_commit(member):
    notify(member)
    socket = communicator(member)

    async def scenario():
        connected, _ = await socket.connect()
        assert connected
        first = await socket.receive_json_from(timeout=5)
        await database_sync_to_async(notify)(member, "Second")
        second = await socket.receive_json_from(timeout=5)
        await database_sync_to_async(notification_mark_all_read)(member=member)
        third = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return first, second, third

    first, second, third = async_to_sync(scenario)()

    assert first == {"type": "count", "unread": 1}
    assert second == {"type": "count", "unread": 2}
    assert third == {"type": "count", "unread": 0}


def test_a_rolled_back_notification_is_never_counted(member):
    def notify_then_roll_back():
        with transaction.atomic():
            notification_send(recipient=member, kind="x", title="Never")
            transaction.set_rollback(True)

    socket = communicator(member)

    async def scenario():
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        await database_sync_to_async(notify_then_roll_back)()
        # A real one afterwards: its count must be the very next message.
        await database_sync_to_async(notify)(member)
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    assert async_to_sync(scenario)() == {"type": "count", "unread": 1}


def test_a_member_only_hears_their_own_count(member, other_member):
    socket = communicator(member)

    async def scenario():
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        await database_sync_to_async(notify)(other_member)
        await database_sync_to_async(notify)(other_member)
        await database_sync_to_async(notify)(member)
        # Had the other member's counts leaked here, they would come first.
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    assert async_to_sync(scenario)() == {"type": "count", "unread": 1}


def test_socket_ignores_what_the_client_sends(member):
    socket = communicator(member)

    async def scenario():
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        await socket.send_to(text_data="not json at all")
        await database_sync_to_async(notify)(member)
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    assert async_to_sync(scenario)() == {"type": "count", "unread": 1}
