"""The moderation queue count websocket, against the real ASGI application."""

from importlib import import_module

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction

from community.moderation.models import ModerationStatus
from community.moderation.services import content_submit, moderation_decide
from comptoir.asgi import application

from .conftest import ReviewFactory, member, moderators_group

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

PATH = "/ws/moderation/queue/"


def session_cookie(user) -> bytes:
    """A logged-in session for `user`, as the browser's cookie header."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


def headers_for(user=None) -> list:
    """Request headers of a browser page, logged in as `user` if given.

    Built before the async scenario: the session is written to the database.
    """
    headers = [(b"origin", b"http://testserver")]
    if user is not None:
        headers.append((b"cookie", session_cookie(user)))
    return headers


def communicator(headers) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, PATH, headers=headers)


def make_moderator():
    user = member(2, email="mod-socket@example.com", display_name="Mod socket")
    user.groups.add(moderators_group())
    return user


def queue_review():
    with transaction.atomic():
        review = ReviewFactory(author=member(0), status=ModerationStatus.PENDING)
        content_submit(content=review)
    return review


def test_moderator_gets_the_count_then_every_change():
    moderator = make_moderator()
    headers = headers_for(moderator)
    queue_review()

    async def scenario():
        socket = communicator(headers)
        connected, _ = await socket.connect()
        assert connected
        first = await socket.receive_json_from(timeout=5)
        review = await database_sync_to_async(queue_review)()
        opened = await socket.receive_json_from(timeout=5)
        await database_sync_to_async(
            lambda: moderation_decide(
                moderator=moderator, entries_or_contents=[review], action="approve"
            )
        )()
        closed = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return first, opened, closed

    first, opened, closed = async_to_sync(scenario)()

    assert first == {"type": "queue.count", "count": 1}
    assert opened == {"type": "queue.count", "count": 2}
    assert closed == {"type": "queue.count", "count": 1}


def test_rolled_back_entry_is_never_announced():
    moderator = make_moderator()

    def queue_then_roll_back():
        with transaction.atomic():
            review = ReviewFactory(author=member(0), status=ModerationStatus.PENDING)
            content_submit(content=review)
            transaction.set_rollback(True)

    headers = headers_for(moderator)

    async def scenario():
        socket = communicator(headers)
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        await database_sync_to_async(queue_then_roll_back)()
        await database_sync_to_async(queue_review)()
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    assert async_to_sync(scenario)() == {"type": "queue.count", "count": 1}


@pytest.mark.parametrize("who", ["anonymous", "member", "staff"])
def test_others_are_refused(who):
    user = None
    if who == "member":
        user = member(4)
    elif who == "staff":
        user = member(4, is_staff=True)

    headers = headers_for(user)

    async def scenario():
        connected, _ = await communicator(headers).connect()
        return connected

    assert async_to_sync(scenario)() is False
