"""ws/forum/t/<id>/: a topic, live, against the real ASGI application.

Replies, likes and edits go through the forum's services, approvals through
moderation, as on the site; only what a visitor may read reaches the sockets,
once the transaction has committed, rendered as the topic page renders it.
"""

import logging
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from community.forum import live
from community.forum.models import Post, Topic
from community.forum.services import (
    post_edit,
    post_like,
    post_reply,
    post_unlike,
    topic_start,
)
from community.moderation.models import ModerationAction, ModerationStatus
from community.moderation.services import moderation_decide
from comptoir.asgi import application

from .core_fixtures import *  # noqa: F403 (fixtures)
from .core_fixtures import REPLY, member

ORIGIN = [(b"origin", b"http://testserver")]


@pytest.fixture
def fresh_channel_layer():
    """Each websocket test gets its own layer, not one bound to an old event loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def communicator(topic_id, query="") -> WebsocketCommunicator:
    path = f"/ws/forum/t/{topic_id}/" + (f"?{query}" if query else "")
    return WebsocketCommunicator(application, path, headers=ORIGIN)


def reply(topic, author, body=REPLY):
    return post_reply(author=author, topic=topic, body=body)


def approve(post, moderator):
    with transaction.atomic():
        moderation_decide(
            moderator=moderator,
            entries_or_contents=[post],
            action=ModerationAction.APPROVE,
        )


async def connected(*sockets):
    for socket in sockets:
        assert (await socket.connect(timeout=5))[0]


async def disconnected(*sockets):
    for socket in sockets:
        await socket.disconnect()


# --- new replies --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_published_reply_reaches_each_page_once_in_its_language(topic, replier):
    async def scenario():
        french = communicator(topic.pk, "lang=fr")
        english = communicator(topic.pk, "lang=en")
        await connected(french, english)
        # when a trusted member replies (published at once)
        post = await database_sync_to_async(reply)(topic, replier)
        messages = [await s.receive_json_from(timeout=5) for s in (french, english)]
        quiet = [await s.receive_nothing(timeout=0.2) for s in (french, english)]
        await disconnected(french, english)
        return post, messages, quiet

    post, (french, english), quiet = async_to_sync(scenario)()

    # then each page gets it once, rendered as the topic page renders it
    assert post.status == ModerationStatus.PUBLISHED
    assert all(quiet)
    for message in (french, english):
        assert (message["type"], message["id"], message["number"]) == (
            "post",
            post.pk,
            2,
        )
        assert f'id="post-2" data-post-id="{post.pk}"' in message["html"]
        assert "fin février" in message["html"]
        assert 'href="/members/paul/"' in message["html"]
    # in the page's own language (the suite's clock: 23 November 2026)
    assert "23 novembre 2026" in french["html"]
    assert "Nov. 23, 2026" in english["html"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_reply_is_sent_as_a_visitor_sees_it(topic, replier, author):
    async def scenario():
        socket = communicator(topic.pk)
        await connected(socket)
        await database_sync_to_async(reply)(topic, replier)
        message = await socket.receive_json_from(timeout=5)
        await disconnected(socket)
        return message

    html = async_to_sync(scenario)()["html"]

    # no member's buttons: like, reply, quote, edit, bookmark, accept
    assert "<form" not in html
    for words in ("Edit", "Bookmark", "Quote", "Mark as the answer", "Like</button>"):
        assert words not in html
    assert "csrfmiddlewaretoken" not in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_pending_reply_is_sent_only_once_a_moderator_approves_it(
    topic, basic, replier, moderator
):
    async def scenario():
        socket = communicator(topic.pk)
        await connected(socket)
        # when a premoderated member replies, then a trusted one
        pending = await database_sync_to_async(reply)(topic, basic, "Et la liane ?")
        published = await database_sync_to_async(reply)(topic, replier)
        # had the pending reply been sent, it would come first
        first = await socket.receive_json_from(timeout=5)
        # and once a moderator approves it, it goes live
        await database_sync_to_async(approve)(pending, moderator)
        second = await socket.receive_json_from(timeout=5)
        nothing_more = await socket.receive_nothing(timeout=0.2)
        await disconnected(socket)
        return pending, published, first, second, nothing_more

    pending, published, first, second, nothing_more = async_to_sync(scenario)()

    assert pending.status == ModerationStatus.PENDING
    assert (first["type"], first["id"]) == ("post", published.pk)
    assert (second["type"], second["id"]) == ("post", pending.pk)
    assert "Et la liane ?" in second["html"]
    assert "Waiting for a moderator" not in second["html"]
    assert nothing_more


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_rolled_back_reply_sends_nothing(topic, replier, author):
    def reply_then_roll_back():
        with transaction.atomic():
            post_reply(author=replier, topic=topic, body="Jamais envoyé.")
            transaction.set_rollback(True)

    async def scenario():
        socket = communicator(topic.pk)
        await connected(socket)
        await database_sync_to_async(reply_then_roll_back)()
        await database_sync_to_async(reply)(topic, author, "Celle-ci, oui.")
        message = await socket.receive_json_from(timeout=5)
        nothing_more = await socket.receive_nothing(timeout=0.2)
        await disconnected(socket)
        return message, nothing_more

    message, nothing_more = async_to_sync(scenario)()

    assert "Celle-ci, oui." in message["html"] and nothing_more
    assert not Post.objects.filter(body="Jamais envoyé.").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_reply_hidden_before_its_commit_is_not_sent(topic, replier, author):
    def reply_then_hide():
        with transaction.atomic():
            post = post_reply(author=replier, topic=topic, body="Caché aussitôt.")
            Post.objects.filter(pk=post.pk).update(status=ModerationStatus.HIDDEN)

    async def scenario():
        socket = communicator(topic.pk)
        await connected(socket)
        await database_sync_to_async(reply_then_hide)()
        await database_sync_to_async(reply)(topic, author, "Visible.")
        message = await socket.receive_json_from(timeout=5)
        await disconnected(socket)
        return message

    # then what is sent is read after the commit: only the published one
    assert "Visible." in async_to_sync(scenario)()["html"]


# --- likes and edits ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_likes_reach_the_page_with_the_new_count(topic, replier, author):
    post = reply(topic, replier)
    fan = member(2, "Fan")

    async def scenario():
        french = communicator(topic.pk, "lang=fr")
        english = communicator(topic.pk, "lang=en")
        await connected(french, english)
        await database_sync_to_async(post_like)(post=post, member=author)
        await database_sync_to_async(post_like)(post=post, member=fan)
        # liking again changes nothing, and sends nothing
        await database_sync_to_async(post_like)(post=post, member=fan)
        await database_sync_to_async(post_unlike)(post=post, member=author)
        got = [await english.receive_json_from(timeout=5) for _ in range(3)]
        in_french = [await french.receive_json_from(timeout=5) for _ in range(3)]
        nothing_more = await english.receive_nothing(timeout=0.2)
        await disconnected(french, english)
        return got, in_french, nothing_more

    got, in_french, nothing_more = async_to_sync(scenario)()

    assert [(m["type"], m["id"], m["number"]) for m in got] == [
        ("likes", post.pk, 2)
    ] * 3
    assert [m["count"] for m in got] == [1, 2, 1]
    assert "2 likes" in got[1]["html"] and "1 like" in got[2]["html"]
    assert f'id="post-{post.number}-likes"' in got[0]["html"]
    # the visitor's view: the count, never a like button
    assert "<form" not in got[0]["html"]
    assert [m["count"] for m in in_french] == [1, 2, 1]
    assert nothing_more


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_an_edit_of_a_published_post_reaches_the_page(topic, replier):
    post = reply(topic, replier)

    async def scenario():
        socket = communicator(topic.pk)
        await connected(socket)
        await database_sync_to_async(post_edit)(
            post=post, editor=replier, body="Plutôt **mi-mars**, après les gelées."
        )
        message = await socket.receive_json_from(timeout=5)
        await disconnected(socket)
        return message

    message = async_to_sync(scenario)()

    assert (message["type"], message["id"], message["number"]) == ("edit", post.pk, 2)
    assert "<strong>mi-mars</strong>" in message["html"]
    # with its visible history
    assert "edited 1 time" in message["html"] and "fin février" in message["html"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_premoderated_edit_is_sent_once_approved(topic, basic, moderator):
    def approve_again(post_id, moderator):
        approve(Post.objects.get(pk=post_id), moderator)

    post = reply(topic, basic, "Première version.")
    approve(post, moderator)

    async def scenario():
        socket = communicator(topic.pk)
        await connected(socket)
        await database_sync_to_async(post_edit)(
            post=post, editor=basic, body="Seconde version."
        )
        waiting = await socket.receive_nothing(timeout=0.2)
        await database_sync_to_async(approve_again)(post.pk, moderator)
        message = await socket.receive_json_from(timeout=5)
        await disconnected(socket)
        return waiting, message

    waiting, message = async_to_sync(scenario)()

    assert Post.objects.get(pk=post.pk).status == ModerationStatus.PUBLISHED
    assert waiting
    assert (message["type"], message["id"]) == ("edit", post.pk)
    assert "Seconde version." in message["html"]


# --- who may listen ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_socket_on_a_topic_a_visitor_may_not_read_is_refused(
    author, basic, category, staff_room, staff, topic
):
    pending = topic_start(
        author=basic, category=category, title="En attente ici", body=REPLY
    )
    hidden = topic_start(
        author=author, category=category, title="Caché par la modération", body=REPLY
    )
    Topic.objects.filter(pk=hidden.pk).update(status=ModerationStatus.HIDDEN)
    staff_only = topic_start(
        author=staff, category=staff_room, title="Entre nous seulement", body=REPLY
    )
    merged = topic_start(
        author=author, category=category, title="Fusionné ailleurs", body=REPLY
    )
    Topic.objects.filter(pk=merged.pk).update(merged_into=topic)
    assert pending.status == ModerationStatus.PENDING

    async def scenario():
        answers = []
        for topic_id in (pending.pk, hidden.pk, staff_only.pk, merged.pk, 10**6):
            socket = communicator(topic_id)
            accepted, _ = await socket.connect(timeout=5)
            # Tell the consumer the socket is gone, so no task of it is left
            # for the event loop to cancel on the way out.
            await socket.disconnect()
            answers.append(accepted)
        return answers

    assert async_to_sync(scenario)() == [False] * 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_connecting_costs_one_query(topic):
    async def scenario():
        socket = communicator(topic.pk)
        accepted, _ = await socket.connect(timeout=5)
        await disconnected(socket)
        return accepted

    # The consumer's reads run on this thread (database_sync_to_async under
    # async_to_sync), on the connection counted here.
    with CaptureQueriesContext(connection) as queries:
        accepted = async_to_sync(scenario)()

    assert accepted
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_the_socket_ignores_what_the_client_sends(topic, replier):
    async def scenario():
        socket = communicator(topic.pk)
        await connected(socket)
        await socket.send_to(text_data="not json at all")
        await socket.send_json_to({"type": "forum.post", "id": 1, "html": {}})
        await database_sync_to_async(reply)(topic, replier)
        message = await socket.receive_json_from(timeout=5)
        await disconnected(socket)
        return message

    message = async_to_sync(scenario)()

    assert message["type"] == "post" and "fin février" in message["html"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_hostile_markdown_reaches_the_page_inert(topic, replier):
    hostile = (
        '<script>alert("x")</script> [clic](javascript:alert(1)) '
        '<img src=x onerror="alert(2)">'
    )

    async def scenario():
        socket = communicator(topic.pk)
        await connected(socket)
        await database_sync_to_async(reply)(topic, replier, hostile)
        message = await socket.receive_json_from(timeout=5)
        await disconnected(socket)
        return message

    html = async_to_sync(scenario)()["html"].lower()

    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html


# --- a channel layer that fails, a topic that is no longer public ---------------------


def test_a_failing_layer_is_one_log_line_and_the_reply_stays(
    topic, replier, caplog, django_capture_on_commit_callbacks
):
    layer = mock.Mock()
    layer.group_send = mock.AsyncMock(side_effect=RuntimeError("layer full"))
    with (
        mock.patch.object(live, "get_channel_layer", return_value=layer),
        caplog.at_level(logging.INFO),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post = reply(topic, replier)

    post.refresh_from_db()
    assert post.status == ModerationStatus.PUBLISHED
    layer.group_send.assert_awaited_once()
    [record] = [r for r in caplog.records if r.name == "community.forum.live"]
    assert record.levelno == logging.WARNING
    assert f"post #{post.pk} in topic #{topic.pk}" in record.getMessage()
    assert "RuntimeError: layer full" in record.getMessage()
    assert record.exc_info is None


def test_nothing_is_sent_for_a_topic_hidden_before_the_commit(
    topic, replier, django_capture_on_commit_callbacks
):
    layer = mock.Mock()
    layer.group_send = mock.AsyncMock()
    with (
        mock.patch.object(live, "get_channel_layer", return_value=layer),
        django_capture_on_commit_callbacks(execute=True),
    ):
        with transaction.atomic():
            post = reply(topic, replier)
            Topic.objects.filter(pk=topic.pk).update(status=ModerationStatus.HIDDEN)

    assert post.status == ModerationStatus.PUBLISHED
    layer.group_send.assert_not_awaited()


# --- the page -----------------------------------------------------------------------


def test_the_last_page_is_hooked_to_its_topic_live(client, topic):
    html = client.get(topic.get_absolute_url()).content.decode()

    assert f'data-forum-live="/ws/forum/t/{topic.pk}/?lang=' in html
    assert 'data-posts="forum-posts"' in html and 'id="forum-posts"' in html
    assert 'data-last-page="true"' in html
    assert "{n} new reply — show" in html and "{n} new replies — show" in html
    assert 'aria-live="polite"' in html
    assert 'src="/static/forum/topic-live.js"' in html
    assert f'data-post-id="{topic.posts.get().pk}"' in html
    assert html.index('id="forum-posts"') < html.index("data-forum-live")


def test_the_page_speaks_french_to_a_french_reader(client, topic):
    client.cookies["django_language"] = "fr"

    html = client.get(topic.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content
    html = html.decode()

    assert "?lang=fr" in html


def test_no_live_hook_on_a_topic_waiting_for_a_moderator(client, basic, category):
    pending = topic_start(
        author=basic, category=category, title="En attente ici", body=REPLY
    )
    client.force_login(basic)

    html = client.get(pending.get_absolute_url()).content.decode()

    assert "En attente ici" in html
    assert "data-forum-live" not in html
