"""The e-mail of a new conversation goes to offline members only: a member with
the site open (a live socket in the last two minutes) gets the notification in
the app, live, and no e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.core import mail

from community.notifications.models import Notification
from community.notifications.presence import ONLINE_WINDOW, member_presence_mark
from comptoir.asgi import application
from marketplace.resale.conversations import (
    NOTIFICATION_KIND,
    conversation_open,
    message_send,
)
from tests.marketplace.resale.fixtures import NOW, make_listing
from tests.sockets import session_cookie_for

HELLO = "Bonjour, le sécateur est-il toujours disponible ?"
TALK = "Bao wants to talk about “Sécateur Pro à lame franche”"


@pytest.fixture
def fresh_channel_layer():
    """Each websocket test gets its own layer, not one bound to an old event loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def cache_stops_answering(settings):
    """Call it to make the default cache a Redis that does not answer (nothing
    listens on port 1)."""

    def stop():
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
            }
        }

    return stop


@pytest.fixture
def conversation(listing, buyer):
    return conversation_open(listing=listing, member=buyer, now=NOW)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """message_send, with what it leaves after commit (the e-mail) run."""

    def send(conversation, sender, body=HELLO, now=NOW):
        with django_capture_on_commit_callbacks(execute=True):
            return message_send(
                conversation=conversation, sender=sender, body=body, now=now
            )

    return send


def test_an_offline_member_gets_one_email_for_the_new_conversation(
    conversation, buyer, seller, send
):
    send(conversation, buyer, "Bonjour")
    send(conversation, buyer, "Il est toujours là ?", now=NOW + dt.timedelta(minutes=1))
    send(conversation, seller, "Oui", now=NOW + dt.timedelta(minutes=2))
    send(conversation, buyer, "Je passe mardi", now=NOW + dt.timedelta(minutes=3))

    assert [m.to for m in mail.outbox] == [[seller.email]]
    assert TALK in mail.outbox[0].subject


def test_an_online_member_is_notified_in_the_app_without_an_email(
    conversation, buyer, seller, send
):
    member_presence_mark(seller.pk, now=NOW - dt.timedelta(minutes=1))

    send(conversation, buyer)

    assert mail.outbox == []
    [note] = Notification.objects.filter(recipient=seller, read_at=None)
    assert note.kind == NOTIFICATION_KIND
    assert note.url == conversation.get_absolute_url()
    assert note.title == TALK


def test_a_member_seen_longer_ago_than_the_window_gets_the_email(
    conversation, buyer, seller, send
):
    member_presence_mark(seller.pk, now=NOW - ONLINE_WINDOW - dt.timedelta(seconds=1))

    send(conversation, buyer)

    assert [m.to for m in mail.outbox] == [[seller.email]]


def test_the_sender_being_online_does_not_spare_the_recipient(
    conversation, buyer, seller, send
):
    member_presence_mark(buyer.pk, now=NOW)

    send(conversation, buyer)

    assert [m.to for m in mail.outbox] == [[seller.email]]


def test_a_cache_that_fails_sends_the_email(
    conversation, buyer, seller, send, cache_stops_answering
):
    member_presence_mark(seller.pk, now=NOW)
    # Then the cache stops answering: nothing says the seller is online.
    cache_stops_answering()

    message = send(conversation, buyer)

    assert message.pk
    assert [m.to for m in mail.outbox] == [[seller.email]]


# --- presence from the member's open pages, against the real ASGI app ------------


def socket_for(path: str, member) -> WebsocketCommunicator:
    headers = [
        (b"origin", b"http://testserver"),
        (b"cookie", session_cookie_for(member)),
    ]
    return WebsocketCommunicator(application, path, headers=headers)


def first_message(listing, buyer):
    conversation = conversation_open(listing=listing, member=buyer)
    message_send(conversation=conversation, sender=buyer, body=HELLO)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_member_with_a_page_open_sees_the_new_conversation_live_not_by_email(
    listing, buyer, seller
):
    header = socket_for("/ws/notifications/", seller)

    async def scenario():
        connected, _ = await header.connect()
        assert connected
        before = await header.receive_json_from(timeout=5)
        await database_sync_to_async(first_message)(listing, buyer)
        after = await header.receive_json_from(timeout=5)
        await header.disconnect()
        return before, after

    before, after = async_to_sync(scenario)()

    assert before == {"type": "count", "unread": 0}
    assert after == {"type": "count", "unread": 1}
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_reading_another_conversation_counts_as_online(
    listing, buyer, other_buyer, seller, store
):
    other_listing = make_listing(seller=seller, stores=[store], title="Bêche à bordure")
    open_talk = conversation_open(listing=other_listing, member=other_buyer)
    message_send(conversation=open_talk, sender=other_buyer, body=HELLO)
    mail.outbox.clear()
    page = socket_for(f"/ws/resale/conversations/{open_talk.pk}/", seller)

    async def scenario():
        connected, _ = await page.connect()
        assert connected
        await database_sync_to_async(first_message)(listing, buyer)
        await page.disconnect()

    async_to_sync(scenario)()

    assert mail.outbox == []
    assert Notification.objects.filter(
        recipient=seller, kind=NOTIFICATION_KIND, title=TALK
    ).exists()
