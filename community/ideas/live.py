"""Ideas' live updates: new comments pushed to everyone on the idea page.

An idea page joins the group of its idea through `ws/ideas/<id>/`
(`consumers.IdeaDiscussionConsumer`); each comment that moderation publishes (at
once for trusted members, on approval for the others) is rendered once per
language of the site and sent to that group after the transaction commits, so no
page ever shows a comment that was rolled back, refused or is still pending.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from community.moderation.models import ModerationStatus

from .models import PUBLIC_STATES, Idea, IdeaComment

logger = logging.getLogger(__name__)

COMMENT_TEMPLATE = "ideas/includes/comment.html"


def idea_discussion_group(idea_id: int) -> str:
    """The channel-layer group whose sockets are the open pages of one idea."""
    return f"idea-discussion-{idea_id}"


def idea_discussion_is_live(*, idea_id: int) -> bool:
    """Whether anyone may follow the idea's discussion live: the idea is public
    (published by moderation, past pending). One indexed read."""
    return Idea.objects.filter(
        pk=idea_id, status=ModerationStatus.PUBLISHED, state__in=PUBLIC_STATES
    ).exists()


def comment_html(comment: IdeaComment) -> dict[str, str]:
    """The comment as the idea page shows it, in every language of the site."""
    rendered = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            rendered[code] = render_to_string(COMMENT_TEMPLATE, {"comment": comment})
    return rendered


def comment_broadcast_on_commit(comment) -> None:
    """Once the transaction commits, send a newly published comment to the idea
    page's websocket group; a channel layer that is down drops it with one log
    line (the page shows it on the next load)."""
    comment_id = comment.pk

    # A named function, not a lambda: Django logs a failing robust callback by
    # its name. Robust: a broadcast must never fail a committed comment.
    def idea_comment_broadcast():
        _comment_send(comment_id)

    transaction.on_commit(idea_comment_broadcast, robust=True)


def _comment_send(comment_id: int) -> None:
    # Read again after the commit: only what is published now, on an idea that
    # is public now, is ever sent, whatever the caller had in hand.
    comment = (
        IdeaComment.objects.select_related("author", "idea")
        .filter(pk=comment_id, status=ModerationStatus.PUBLISHED)
        .first()
    )
    if comment is None or not comment.idea.is_public:
        return
    layer = get_channel_layer()
    if layer is None:
        return
    message = {
        "type": "idea.comment",
        "id": comment.pk,
        "html": comment_html(comment),
    }
    try:
        # comptoir.resilience's Redis layer already drops a broadcast while Redis
        # is down (logging the outage once); this catches any other layer's
        # failure (a full in-memory layer, say) in one line, without a trace.
        async_to_sync(layer.group_send)(idea_discussion_group(comment.idea_id), message)
    except Exception as error:  # noqa: BLE001 - logged; the page shows it on load
        logger.warning(
            "Comment #%s on idea #%s was not sent live (%s: %s); its page shows "
            "it on the next load.",
            comment.pk,
            comment.idea_id,
            type(error).__name__,
            error,
        )
