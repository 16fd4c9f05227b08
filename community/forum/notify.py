"""Who hears of a post once it is published.

- **Mentions** (`@name`, by display name or profile slug, case-insensitive):
  the member named is notified once per post, in the app and by e-mail
  ("replies and mentions"). A `PostMention` row records it, so an edit or a
  later approval of the same post never tells them twice. A name that matches
  no one, the author themself, or someone who may not read the topic is simply
  skipped. Quoted lines and code are not mentions (a quote repeats someone
  else's words). At most `MAX_MENTIONS` members per post.
- **Replied to**: the author of the post replied to, in the app and by e-mail.
- **Watchers** of the topic (new replies) or of its category (new topics and
  replies), in the app only: one bulk insert of notification rows for all of
  them, their live counts pushed after commit.

Everything runs inside the posting or moderation transaction: rolled back, no
notification is left. Kinds: forum_mention, forum_reply, forum_watched,
forum_answer_accepted.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from community.notifications.email_categories import EmailCategory
from community.notifications.live import notification_count_broadcast
from community.notifications.models import Notification
from community.notifications.services import notification_send
from comptoir.markup import markdown_to_plain_text

from .models import Post, PostMention, Topic, Watch

MAX_MENTIONS = 10
EXCERPT_CHARS = 200

# "@marie" or "@marie-dupont", not "marie@example.fr" nor "@@x".
MENTION_PATTERN = re.compile(r"(?<![\w@])@([\w][\w.\-]{0,59})", re.UNICODE)
_FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_QUOTE_LINE = re.compile(r"^\s{0,3}>.*$", re.MULTILINE)


def mentioned_names(text: str) -> list[str]:
    """The names written as @name in a post's own words, lower-cased, in order,
    without repeats (quotes and code left out)."""
    text = _FENCE.sub("", text or "")
    text = _INLINE_CODE.sub("", text)
    text = _QUOTE_LINE.sub("", text)
    names: list[str] = []
    for match in MENTION_PATTERN.finditer(text):
        # A sentence's full stop is not part of the name: "merci @marie."
        name = match.group(1).rstrip(".-").lower()
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def _url(post: Post) -> str:
    try:
        return post.get_absolute_url()
    except NoReverseMatch:
        # A site without the forum's URLs (a test of the app alone).
        return ""


def _excerpt(post: Post) -> str:
    return Truncator(markdown_to_plain_text(post.body)).chars(EXCERPT_CHARS)


def _readers(topic: Topic, member_ids) -> set[int]:
    """Those of `member_ids` who are active and may read the topic's category."""
    members = get_user_model().objects.filter(pk__in=set(member_ids), is_active=True)
    if topic.category.staff_only:
        members = members.filter(is_staff=True)
    return set(members.values_list("pk", flat=True))


def mentions_notify(post: Post) -> set[int]:
    """Tell the members a published post mentions, once per post and member;
    returns the ids of everyone mentioned so far (told now or before)."""
    names = mentioned_names(post.body)
    already = set(
        PostMention.objects.filter(post=post).values_list("member_id", flat=True)
    )
    if not names:
        return already
    topic = post.topic
    candidates = (
        get_user_model()
        .objects.annotate(name_lower=Lower("display_name"), slug_lower=Lower("slug"))
        .filter(Q(name_lower__in=names) | Q(slug_lower__in=names))
        .exclude(pk=post.author_id)
        .exclude(pk__in=already)
    )
    readers = _readers(topic, candidates.values_list("pk", flat=True))
    members = list(get_user_model().objects.filter(pk__in=readers).order_by("pk"))
    if not members:
        return already
    PostMention.objects.bulk_create(
        [PostMention(post=post, member=member) for member in members],
        ignore_conflicts=True,
    )
    title = _("%(name)s mentioned you in “%(topic)s”") % {
        "name": post.author.public_name,
        "topic": topic.title,
    }
    for member in members:
        notification_send(
            recipient=member,
            kind="forum_mention",
            title=title,
            body=_excerpt(post),
            url=_url(post),
            email=True,
            email_category=EmailCategory.REPLIES,
        )
    return already | {member.pk for member in members}


def reply_notify(post: Post, *, skip: set[int]) -> set[int]:
    """Tell the author of the post replied to (unless it is oneself or they
    heard already); returns who was told."""
    parent = post.reply_to
    if parent is None or parent.author_id in skip | {post.author_id}:
        return set()
    if not _readers(post.topic, [parent.author_id]):
        return set()
    notification_send(
        recipient=parent.author,
        kind="forum_reply",
        title=_("%(name)s replied to you in “%(topic)s”")
        % {"name": post.author.public_name, "topic": post.topic.title},
        body=_excerpt(post),
        url=_url(post),
        email=True,
        email_category=EmailCategory.REPLIES,
    )
    return {parent.author_id}


def watchers_notify(post: Post, *, skip: set[int]) -> int:
    """Tell the watchers of the topic and of its category of a newly published
    post, in the app: one bulk insert, their live counts pushed after commit.

    A topic's opening post tells the category's watchers of a new topic; a
    reply tells both. The author and those in `skip` (told already) are left
    out. Returns how many were told.
    """
    topic = post.topic
    watches = Watch.objects.filter(category_id=topic.category_id)
    if post.number > 1:
        watches = Watch.objects.filter(
            Q(topic=topic) | Q(category_id=topic.category_id)
        )
    ids = set(watches.values_list("member_id", flat=True)) - skip - {post.author_id}
    recipients = sorted(_readers(topic, ids))
    if not recipients:
        return 0
    names = {"name": post.author.public_name, "topic": topic.title}
    if post.number == 1:
        title = _("New topic in %(category)s: “%(topic)s”") % {
            "category": topic.category.name,
            "topic": topic.title,
        }
    else:
        title = _("%(name)s replied in “%(topic)s”") % names
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=member_id,
                kind="forum_watched",
                title=title[:200],
                body=_excerpt(post),
                url=_url(post)[:500],
                created_at=now,
            )
            for member_id in recipients
        ]
    )
    _counts_push_on_commit(recipients)
    return len(recipients)


def _counts_push_on_commit(member_ids: list[int]) -> None:
    def push_unread_counts():
        counts = dict(
            Notification.objects.filter(
                recipient_id__in=member_ids, read_at__isnull=True
            )
            .values("recipient_id")
            .annotate(unread=Count("id"))
            .values_list("recipient_id", "unread")
        )
        for member_id in member_ids:
            notification_count_broadcast(
                member_id=member_id, unread=counts.get(member_id, 0)
            )

    # robust: a channel layer that is down must not fail a committed post.
    transaction.on_commit(push_unread_counts, robust=True)


def post_published_notify(post: Post, *, first: bool = True) -> None:
    """Everyone a newly published post concerns: the mentioned, the author
    replied to and, on its first publication only, the watchers."""
    told = mentions_notify(post)
    if not first:
        return
    told |= reply_notify(post, skip=told)
    watchers_notify(post, skip=told)


def answer_accepted_notify(topic: Topic, post: Post, *, by) -> None:
    """The author of the accepted answer, unless they accepted it themselves."""
    if post.author_id == getattr(by, "pk", None):
        return
    notification_send(
        recipient=post.author,
        kind="forum_answer_accepted",
        title=_("Your reply is the accepted answer to “%(topic)s”")
        % {"topic": topic.title},
        url=_url(post),
        email=True,
        email_category=EmailCategory.REPLIES,
    )
