"""ws/ideas/<id>/: an idea's discussion, live, against the real ASGI application.

Comments are posted through `discussion.comment_post` and decided through
moderation, as on the site; only what is published on a public idea reaches the
sockets, once the transaction has committed.
"""

import logging
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.template.loader import render_to_string
from django.test import override_settings

from community.ideas import live
from community.ideas.discussion import comment_post
from community.ideas.models import IdeaComment, IdeaState
from community.moderation.models import ModerationAction, ModerationStatus
from community.moderation.services import moderation_decide
from comptoir.asgi import application
from comptoir.env import redis_settings
from tests.comptoir.redis_switch import RedisSwitch

from .conftest import make_idea

ORIGIN = [(b"origin", b"http://testserver")]
BODY = "Un **double fond** amovible pour vider la terre plus facilement."


@pytest.fixture
def fresh_channel_layer():
    """Each websocket test gets its own layer, not one bound to an old event loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def communicator(idea_id, query="") -> WebsocketCommunicator:
    path = f"/ws/ideas/{idea_id}/" + (f"?{query}" if query else "")
    return WebsocketCommunicator(application, path, headers=ORIGIN)


def post(idea, author, body=BODY):
    with transaction.atomic():
        return comment_post(idea=idea, author=author, body=body)


def approve(comment, moderator):
    with transaction.atomic():
        moderation_decide(
            moderator=moderator,
            entries_or_contents=[comment],
            action=ModerationAction.APPROVE,
        )


# --- the socket -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_published_comment_reaches_an_open_page(open_idea, supporter):
    supporter.trust_level = 2
    supporter.save(update_fields=["trust_level"])

    async def scenario():
        socket = communicator(open_idea.pk)
        connected, _ = await socket.connect(timeout=5)
        assert connected
        # when a trusted member comments (published at once)
        comment = await database_sync_to_async(post)(open_idea, supporter)
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return comment, message

    comment, message = async_to_sync(scenario)()

    # then the page gets it, rendered as the idea page renders it
    assert comment.status == ModerationStatus.PUBLISHED
    assert message["type"] == "comment"
    assert message["id"] == comment.pk
    html = message["html"]
    assert f'id="comment-{comment.pk}"' in html
    assert "<strong>double fond</strong>" in html
    assert 'href="/members/paul/"' in html and "Paul" in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_pending_comment_is_not_sent_until_a_moderator_approves_it(
    open_idea, newcomer, author, moderator
):
    async def scenario():
        socket = communicator(open_idea.pk)
        assert (await socket.connect(timeout=5))[0]
        # when a premoderated newcomer comments, then the author (published)
        pending = await database_sync_to_async(post)(
            open_idea, newcomer, "Et une version en métal ?"
        )
        published = await database_sync_to_async(post)(open_idea, author, BODY)
        # had the pending comment been sent, it would come first
        first = await socket.receive_json_from(timeout=5)
        # and once a moderator approves the pending one, it goes live
        await database_sync_to_async(approve)(pending, moderator)
        second = await socket.receive_json_from(timeout=5)
        nothing_more = await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()
        return pending, published, first, second, nothing_more

    pending, published, first, second, nothing_more = async_to_sync(scenario)()

    assert first["id"] == published.pk
    assert second["id"] == pending.pk
    assert "Et une version en métal ?" in second["html"]
    assert nothing_more


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_rolled_back_comment_is_never_sent(open_idea, author):
    def post_then_roll_back():
        with transaction.atomic():
            comment_post(idea=open_idea, author=author, body="Jamais envoyé.")
            transaction.set_rollback(True)

    async def scenario():
        socket = communicator(open_idea.pk)
        assert (await socket.connect(timeout=5))[0]
        await database_sync_to_async(post_then_roll_back)()
        await database_sync_to_async(post)(open_idea, author, "Celui-ci, oui.")
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    message = async_to_sync(scenario)()

    assert "Celui-ci, oui." in message["html"]
    assert not IdeaComment.objects.filter(body="Jamais envoyé.").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_comment_hidden_before_its_commit_is_not_sent(open_idea, author):
    # given a comment published, then hidden in the same transaction
    def post_then_hide():
        with transaction.atomic():
            comment = comment_post(idea=open_idea, author=author, body="Caché.")
            IdeaComment.objects.filter(pk=comment.pk).update(
                status=ModerationStatus.HIDDEN
            )

    async def scenario():
        socket = communicator(open_idea.pk)
        assert (await socket.connect(timeout=5))[0]
        await database_sync_to_async(post_then_hide)()
        await database_sync_to_async(post)(open_idea, author, "Visible.")
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    # then what is sent is read after the commit: only the published one
    assert "Visible." in async_to_sync(scenario)()["html"]


@pytest.mark.parametrize(
    "state, status",
    [
        (IdeaState.DRAFT, ModerationStatus.PENDING),
        (IdeaState.PENDING, ModerationStatus.PENDING),
        (IdeaState.OPEN, ModerationStatus.REJECTED),
        (IdeaState.OPEN, ModerationStatus.HIDDEN),
        (IdeaState.WITHDRAWN, ModerationStatus.PUBLISHED),
    ],
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_a_socket_on_an_idea_that_is_not_public_is_refused(author, state, status):
    idea = make_idea(author, state=state)
    idea.status = status
    idea.save(update_fields=["status"])

    async def scenario():
        refused = []
        for idea_id in (idea.pk, idea.pk + 1000):
            socket = communicator(idea_id)
            connected, _ = await socket.connect(timeout=5)
            # Tell the consumer the socket is gone, so no task of it (a Redis
            # read, say) is left for the event loop to cancel on the way out.
            await socket.disconnect()
            refused.append(connected)
        return tuple(refused)

    assert async_to_sync(scenario)() == (False, False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_each_page_gets_the_comment_in_its_own_language(open_idea, author):
    async def scenario():
        french = communicator(open_idea.pk, "lang=fr")
        english = communicator(open_idea.pk, "lang=en")
        odd = communicator(open_idea.pk, "lang=xx&lang")
        for socket in (french, english, odd):
            assert (await socket.connect(timeout=5))[0]
        await database_sync_to_async(post)(open_idea, author)
        messages = [
            await socket.receive_json_from(timeout=5)
            for socket in (french, english, odd)
        ]
        for socket in (french, english, odd):
            await socket.disconnect()
        return messages

    french, english, odd = async_to_sync(scenario)()

    # the suite's clock: 23 November 2026
    assert "23 novembre 2026" in french["html"]
    assert "Nov. 23, 2026" in english["html"]
    # an unknown language gets the site's default (the suite's is English)
    assert odd["html"] == english["html"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_the_socket_ignores_what_the_client_sends(open_idea, author):
    async def scenario():
        socket = communicator(open_idea.pk)
        assert (await socket.connect(timeout=5))[0]
        await socket.send_to(text_data="not json at all")
        await socket.send_json_to({"type": "idea.comment", "id": 1, "html": {}})
        await database_sync_to_async(post)(open_idea, author)
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    message = async_to_sync(scenario)()

    assert message["type"] == "comment" and "double fond" in message["html"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_hostile_markdown_reaches_the_page_inert(open_idea, author):
    hostile = (
        '<script>alert("x")</script> [clic](javascript:alert(1)) '
        '<img src=x onerror="alert(2)">'
    )

    async def scenario():
        socket = communicator(open_idea.pk)
        assert (await socket.connect(timeout=5))[0]
        await database_sync_to_async(post)(open_idea, author, hostile)
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    html = async_to_sync(scenario)()["html"].lower()

    # shown as text, never as markup the browser would run
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html


# --- a channel layer that is down ---------------------------------------------------


def test_posting_works_while_the_channel_layer_does_not_answer(
    open_idea, author, caplog, django_capture_on_commit_callbacks
):
    # given the deployment's Redis layer, on an address where nothing listens
    _caches, layers = redis_settings(
        RedisSwitch().url(),
        cache_prefix="comptoir-test-ideas",
        channels_prefix="comptoir-test-ideas",
        retry_seconds=5,
    )
    channel_layers.backends.clear()
    try:
        with (
            override_settings(CHANNEL_LAYERS=layers),
            caplog.at_level(logging.INFO),
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            # when a member comments twice
            first = comment_post(idea=open_idea, author=author, body=BODY)
            second = comment_post(idea=open_idea, author=author, body="Encore.")
    finally:
        channel_layers.backends.clear()

    # then both are saved and published, the broadcasts were only dropped
    assert callbacks
    assert [c.status for c in (first, second)] == [ModerationStatus.PUBLISHED] * 2
    open_idea.refresh_from_db()
    assert open_idea.comment_count == 2
    # and the outage was said once, in one line, without a stack trace
    [outage] = [r for r in caplog.records if r.name == "comptoir.outages"]
    assert "The channel layer" in outage.getMessage()
    assert "does not answer" in outage.getMessage()
    assert not [r for r in caplog.records if r.exc_info]


def test_a_failing_layer_is_one_log_line_and_the_comment_stays(
    open_idea, author, caplog, django_capture_on_commit_callbacks
):
    # given a channel layer that refuses every message
    layer = mock.Mock()
    layer.group_send = mock.AsyncMock(side_effect=RuntimeError("layer full"))
    with (
        mock.patch.object(live, "get_channel_layer", return_value=layer),
        caplog.at_level(logging.INFO),
        django_capture_on_commit_callbacks(execute=True),
    ):
        comment = comment_post(idea=open_idea, author=author, body=BODY)

    # then the comment is published, and one warning says it was not sent live
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.PUBLISHED
    layer.group_send.assert_awaited_once()
    [record] = [r for r in caplog.records if r.name == "community.ideas.live"]
    assert record.levelno == logging.WARNING
    assert f"Comment #{comment.pk} on idea #{open_idea.pk}" in record.getMessage()
    assert "RuntimeError: layer full" in record.getMessage()
    assert record.exc_info is None


def test_nothing_is_sent_for_an_idea_that_is_no_longer_public(
    open_idea, author, django_capture_on_commit_callbacks
):
    layer = mock.Mock()
    layer.group_send = mock.AsyncMock()
    comment = IdeaComment.objects.create(
        idea=open_idea, author=author, body=BODY, status=ModerationStatus.PUBLISHED
    )
    open_idea.status = ModerationStatus.HIDDEN
    open_idea.save(update_fields=["status"])
    with (
        mock.patch.object(live, "get_channel_layer", return_value=layer),
        django_capture_on_commit_callbacks(execute=True),
    ):
        live.comment_broadcast_on_commit(comment)

    layer.group_send.assert_not_awaited()


# --- the templates ------------------------------------------------------------------


def test_a_comment_links_its_author_only_while_they_have_a_profile(open_idea, author):
    comment = IdeaComment.objects.create(
        idea=open_idea, author=author, body=BODY, status=ModerationStatus.PUBLISHED
    )

    linked = render_to_string("ideas/includes/comment.html", {"comment": comment})
    author.slug = None
    author.display_name = f"Former member #{author.pk}"
    plain = render_to_string("ideas/includes/comment.html", {"comment": comment})

    assert (
        f'<article class="idea-comment" id="comment-{comment.pk}" tabindex="-1">'
        in linked
    )
    assert '<a href="/members/ines/">Inès</a>' in linked
    assert f"Former member #{author.pk}" in plain and "/members/" not in plain


def test_the_live_hook_names_the_socket_and_the_script(open_idea, author):
    html = render_to_string("ideas/includes/live_discussion.html", {"idea": open_idea})

    assert f'data-live-discussion="/ws/ideas/{open_idea.pk}/?lang=' in html
    assert 'data-comments="idea-comments"' in html
    assert 'aria-live="polite"' in html
    assert "{n} new comments — show" in html or "{n} nouveaux" in html
    assert 'src="/static/ideas/live_discussion.js"' in html
    assert "<script>" not in html  # no inline script: the CSP refuses them


def test_no_live_hook_on_an_idea_that_is_not_public(author):
    pending = make_idea(author, state=IdeaState.PENDING)

    html = render_to_string("ideas/includes/live_discussion.html", {"idea": pending})

    assert "data-live-discussion" not in html and "<script" not in html


def test_the_idea_page_is_hooked_to_its_live_discussion(client, open_idea, author):
    comment = IdeaComment.objects.create(
        idea=open_idea, author=author, body=BODY, status=ModerationStatus.PUBLISHED
    )

    html = client.get(open_idea.get_absolute_url()).content.decode()

    assert f'id="comment-{comment.pk}"' in html
    assert f'data-live-discussion="/ws/ideas/{open_idea.pk}/?lang=' in html
    assert html.index('id="idea-comments"') < html.index("data-live-discussion")
