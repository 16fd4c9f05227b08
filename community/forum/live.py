"""A forum topic, live: new replies, likes and edits pushed to its open pages.

A topic page joins the group of its topic through `ws/forum/t/<id>/`
(`consumers.TopicLiveConsumer`), only while the topic is one a visitor may read.
The services call the `*_broadcast_on_commit` functions inside their
transaction; once it commits, the post is read again and sent to the group:

- "forum.post": a post just published (a reply at once for trusted members, or
  when moderation approves it), its HTML rendered once per language of the site;
- "forum.likes": a post's new like count, with its likes line per language;
- "forum.edit": a published post's new text, its HTML per language.

The HTML is what a visitor sees (templates/forum/includes/post.html with no
member's buttons): one rendering serves every socket, and nothing is sent that
a visitor may not read. No page ever shows a post that was rolled back, is
still pending or was hidden before the commit.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation

from community.moderation.models import ModerationStatus

from .models import Post, PostRevision, Topic
from .permissions import can_read_topic, readable_topics_q
from .selectors import post_images_prefetch

logger = logging.getLogger(__name__)

POST_TEMPLATE = "forum/includes/post.html"
LIKES_TEMPLATE = "forum/includes/post_likes.html"

POST, LIKES, EDIT = "forum.post", "forum.likes", "forum.edit"


def forum_topic_group(topic_id: int) -> str:
    """The channel-layer group whose sockets are the open pages of one topic."""
    return f"forum-topic-{topic_id}"


def topic_is_live(topic_id: int) -> bool:
    """Whether anyone may follow the topic live: a visitor may read it (published,
    in a category that is not the staff's room) and it was not merged away. One
    query on the topic's primary key, joined to its category."""
    return (
        Topic.objects.filter(readable_topics_q(AnonymousUser()))
        .filter(pk=topic_id, merged_into__isnull=True)
        .exists()
    )


def _topic_shown(topic: Topic) -> bool:
    # topic_is_live's rule, on a topic in hand (its category loaded).
    return not topic.merged_into_id and can_read_topic(AnonymousUser(), topic)


def _as_visitor(post: Post, topic: Topic) -> Post:
    # What views._post_flags sets for a visitor: no like, edit, accept nor
    # bookmark of their own.
    post.topic = topic
    post.is_own = post.can_edit = post.can_like = post.can_accept = False
    post.liked = post.bookmarked = False
    post.edit_until = None
    post.is_accepted = post.pk == topic.accepted_post_id
    return post


def _visitor_context(post: Post) -> dict:
    return {
        "post": post,
        "topic": post.topic,
        "user": AnonymousUser(),
        "can_reply": False,
        "can_moderate": False,
        "first_unread": None,
    }


def _rendered(template: str, post: Post) -> dict[str, str]:
    """The template for `post` as a visitor sees it, in every language of the site."""
    context = _visitor_context(post)
    rendered = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            rendered[code] = render_to_string(template, context)
    return rendered


def post_html(post: Post) -> dict[str, str]:
    """The post as its topic page shows it to a visitor, in every language."""
    return _rendered(POST_TEMPLATE, post)


def likes_html(post: Post) -> dict[str, str]:
    """The post's likes line ("3 likes") as a visitor sees it, in every language."""
    return _rendered(LIKES_TEMPLATE, post)


# --- after the commit ---------------------------------------------------------------


def post_broadcast_on_commit(post: Post) -> None:
    """Once the transaction commits, send a newly published post to its topic's
    open pages."""
    _on_commit(POST, post.pk)


def likes_broadcast_on_commit(post: Post) -> None:
    """Once the transaction commits, send a post's new like count."""
    _on_commit(LIKES, post.pk)


def edit_broadcast_on_commit(post: Post) -> None:
    """Once the transaction commits, send the new text of a published post."""
    _on_commit(EDIT, post.pk)


def _on_commit(kind: str, post_id: int) -> None:
    # A named function, not a lambda: Django logs a failing robust callback by
    # its name. Robust: a broadcast must never fail a committed post or like.
    def forum_topic_broadcast():
        _send(kind, post_id)

    transaction.on_commit(forum_topic_broadcast, robust=True)


def _published_post(post_id: int, *, with_page_joins: bool) -> Post | None:
    posts = Post.objects.filter(pk=post_id, status=ModerationStatus.PUBLISHED)
    if with_page_joins:
        # What selectors.topic_posts_page joins for the page.
        posts = posts.select_related(
            "topic__category", "author", "reply_to", "reply_to__author"
        ).prefetch_related(
            Prefetch(
                "revisions",
                queryset=PostRevision.objects.select_related("edited_by").order_by(
                    "-edited_at", "-id"
                ),
            ),
            post_images_prefetch(),
        )
    else:
        posts = posts.select_related("topic__category")
    return posts.first()


def _message(kind: str, post: Post) -> dict:
    message = {"type": kind, "id": post.pk, "number": post.number}
    if kind == LIKES:
        message["count"] = post.like_count
        message["html"] = likes_html(post)
    else:
        message["html"] = post_html(post)
    return message


def _send(kind: str, post_id: int) -> None:
    # Read again after the commit: only a post published now, in a topic a
    # visitor may read now, is ever sent, whatever the caller had in hand.
    post = _published_post(post_id, with_page_joins=kind != LIKES)
    if post is None or not _topic_shown(post.topic):
        return
    layer = get_channel_layer()
    if layer is None:
        return
    message = _message(kind, _as_visitor(post, post.topic))
    try:
        # comptoir.resilience's Redis layer already drops a broadcast while Redis
        # is down (logging the outage once); this catches any other layer's
        # failure (a full in-memory layer, say) in one line, without a trace.
        async_to_sync(layer.group_send)(forum_topic_group(post.topic_id), message)
    except Exception as error:  # noqa: BLE001 - logged; the page shows it on load
        logger.warning(
            "%s of post #%s in topic #%s was not sent live (%s: %s); its page "
            "shows it on the next load.",
            kind,
            post.pk,
            post.topic_id,
            type(error).__name__,
            error,
        )
