"""A member's presence: online while a page of theirs held a live socket in the
last two minutes, marked by the header's socket against the real ASGI app."""

import datetime as dt

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.utils import timezone

from community.notifications.presence import (
    ONLINE_WINDOW,
    member_is_online,
    member_presence_mark,
)
from community.notifications.services import notification_send
from comptoir.asgi import application
from tests.conftest import SUITE_NOW
from tests.sockets import session_cookie_for

NOW = SUITE_NOW
SECOND = dt.timedelta(seconds=1)
# Nothing listens on port 1: every call to this cache fails at once.
UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture
def unreachable_cache(settings):
    """The default cache is a Redis that does not answer."""
    settings.CACHES = UNREACHABLE_CACHE


def communicator(member=None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver")]
    if member is not None:
        headers.append((b"cookie", session_cookie_for(member)))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


def notify(member):
    with transaction.atomic():
        notification_send(recipient=member, kind="review_approved", title="Published")


async def round_trip(socket, member) -> dict:
    """A notification's count, back on the socket: the consumer handles what a
    client sends in order, so everything sent before has been handled."""
    await database_sync_to_async(notify)(member)
    return await socket.receive_json_from(timeout=5)


# --- the window ---------------------------------------------------------------------


def test_a_member_never_seen_is_offline(member):
    assert member_is_online(member.pk, now=NOW) is False


def test_online_for_two_minutes_after_the_last_mark(member):
    member_presence_mark(member.pk, now=NOW)

    assert member_is_online(member.pk, now=NOW) is True
    assert member_is_online(member.pk, now=NOW + ONLINE_WINDOW) is True
    assert member_is_online(member.pk, now=NOW + ONLINE_WINDOW + SECOND) is False


def test_a_new_mark_extends_the_window(member):
    member_presence_mark(member.pk, now=NOW)
    member_presence_mark(member.pk, now=NOW + dt.timedelta(minutes=1))

    assert member_is_online(member.pk, now=NOW + ONLINE_WINDOW + SECOND) is True


def test_presence_is_per_member(member, other_member):
    member_presence_mark(member.pk, now=NOW)

    assert member_is_online(other_member.pk, now=NOW) is False


@pytest.mark.usefixtures("unreachable_cache")
def test_a_cache_that_fails_leaves_members_offline_without_raising(member):
    member_presence_mark(member.pk, now=NOW)

    assert member_is_online(member.pk, now=NOW) is False


# --- marked by the header's socket ------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_opening_the_socket_marks_the_member_online(member, other_member):
    start = timezone.now()
    socket = communicator(member)

    async def scenario():
        with time_machine.travel(start, tick=False):
            connected, _ = await socket.connect()
            assert connected
            await socket.receive_json_from(timeout=5)
            await socket.disconnect()

    async_to_sync(scenario)()

    assert member_is_online(member.pk, now=start + ONLINE_WINDOW) is True
    assert member_is_online(member.pk, now=start + ONLINE_WINDOW + SECOND) is False
    assert member_is_online(other_member.pk, now=start) is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_an_anonymous_socket_marks_nobody(member):
    async def scenario():
        connected, _ = await communicator().connect()
        return connected

    assert async_to_sync(scenario)() is False
    assert member_is_online(member.pk) is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_presence_messages_mark_at_most_once_every_30_seconds(member):
    start = timezone.now()
    socket = communicator(member)
    # Online at this moment only if the socket marked the member after connecting.
    later = start + ONLINE_WINDOW + dt.timedelta(seconds=20)

    async def scenario():
        with time_machine.travel(start, tick=False) as clock:
            await socket.connect()
            await socket.receive_json_from(timeout=5)
            clock.shift(25)
            await socket.send_json_to({"type": "presence"})
            await round_trip(socket, member)
            too_soon = await database_sync_to_async(member_is_online)(
                member.pk, now=later
            )
            clock.shift(10)  # 35 s after the mark made at connect
            await socket.send_json_to({"type": "presence"})
            await round_trip(socket, member)
            past_the_pause = await database_sync_to_async(member_is_online)(
                member.pk, now=later
            )
            await socket.disconnect()
        return too_soon, past_the_pause

    too_soon, past_the_pause = async_to_sync(scenario)()

    assert too_soon is False
    assert past_the_pause is True


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_anything_else_a_client_sends_is_ignored(member):
    start = timezone.now()
    socket = communicator(member)

    async def scenario():
        with time_machine.travel(start, tick=False) as clock:
            await socket.connect()
            await socket.receive_json_from(timeout=5)
            clock.shift(60)  # past the pause: a presence would mark again
            await socket.send_to(text_data="not json at all")
            await socket.send_to(text_data='"presence"')
            await socket.send_json_to(["presence"])
            await socket.send_json_to({"type": "read"})
            await socket.send_json_to({"type": "notification.count", "unread": 99})
            # Still open, and the next message is the real count, not an echo.
            message = await round_trip(socket, member)
            await socket.disconnect()
        return message

    assert async_to_sync(scenario)() == {"type": "count", "unread": 1}
    # Only the mark made at connect counts.
    assert member_is_online(member.pk, now=start + ONLINE_WINDOW + SECOND) is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer", "unreachable_cache")
def test_the_socket_works_while_the_cache_fails(member):
    socket = communicator(member)

    async def scenario():
        connected, _ = await socket.connect()
        first = await socket.receive_json_from(timeout=5)
        await socket.send_json_to({"type": "presence"})
        second = await round_trip(socket, member)
        await socket.disconnect()
        return connected, first, second

    connected, first, second = async_to_sync(scenario)()

    assert connected
    assert first == {"type": "count", "unread": 0}
    assert second == {"type": "count", "unread": 1}
    assert member_is_online(member.pk) is False
