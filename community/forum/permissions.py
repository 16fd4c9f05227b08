"""Who may read, start, reply, edit, like, accept and moderate in the forum.

Pure reads: nothing here writes. The pages ask these to show or hide a button,
the services ask the `*_refusal` functions again inside their transaction and
raise the sentence they return, so a page and a service never disagree.

"Staff" is an active user with `is_staff`; a moderator is anyone with the
moderation permission (community/moderation) — both see everything, including
staff-only categories, pending and hidden content. Trust level 4 members may
moderate the forum (pin, close, move, split, merge) as in Discourse, but do not
see the staff's own room.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from community.members.trust import LEADER, MEMBER, REGULAR
from community.moderation.models import ModerationStatus
from community.moderation.posting import member_active_suspension
from community.moderation.services import user_can_moderate

from .models import ForumCategory, ForumSettings, Post, Topic, WhoMayStart


class ForumRefused(ValidationError):
    """What the forum's rules refuse, in words a member can read.

    A ValidationError, so a form shows it: a plain message, or a dict of field
    errors where a form field is to blame (``{"body": [...]}``). The services
    raise it; it is defined here so that pages and services share one class
    (``from community.forum.services import ForumRefused`` works too).
    """


def forum_settings(request=None) -> ForumSettings:
    """The forum's rules in force; cached on the request when one is given."""
    return ForumSettings.load(request_or_site=request)


# --- who is who ----------------------------------------------------------------


def _member(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def trust_level_of(user) -> int:
    """A member's trust level; visitors are level 0."""
    return getattr(user, "trust_level", 0) if _member(user) else 0


def is_staff(user) -> bool:
    """Staff or moderator: sees staff-only categories, pending and hidden posts."""
    if not _member(user):
        return False
    return bool(user.is_staff or user_can_moderate(user))


def can_moderate(user) -> bool:
    """Pin, close, move, split and merge: moderators, staff and trust level 4."""
    return is_staff(user) or (_member(user) and user.trust_level >= LEADER)


def _suspended(user) -> bool:
    # Memoised on the user object: a topic page asks for every post shown.
    cached = getattr(user, "_forum_suspended", None)
    if cached is None:
        cached = member_active_suspension(member=user) is not None
        try:
            user._forum_suspended = cached
        except AttributeError:  # pragma: no cover - a read-only user object
            pass
    return cached


def _suspended_sentence() -> str:
    return _("Your account is suspended: you can read the forum but not post.")


# --- reading -------------------------------------------------------------------


def visible_categories(user) -> QuerySet[ForumCategory]:
    """The categories a user may see, in their order; staff-only ones for staff."""
    categories = ForumCategory.objects.all()
    if not is_staff(user):
        categories = categories.filter(staff_only=False)
    return categories


def category_is_visible(user, category: ForumCategory) -> bool:
    return not category.staff_only or is_staff(user)


def readable_topics_q(user) -> Q:
    """A filter on Topic: what a user may open (for lists and look-ups)."""
    if is_staff(user):
        return Q()
    readable = Q(status=ModerationStatus.PUBLISHED)
    if _member(user):
        readable |= Q(author=user, status=ModerationStatus.PENDING)
    return readable & Q(category__staff_only=False)


def can_read_topic(user, topic: Topic) -> bool:
    """Published, or the author's own pending topic, or staff; never a staff-only
    category for others."""
    if is_staff(user):
        return True
    if topic.category.staff_only:
        return False
    if topic.status == ModerationStatus.PUBLISHED:
        return True
    return (
        _member(user)
        and topic.author_id == user.pk
        and topic.status == ModerationStatus.PENDING
    )


def visible_posts_q(user) -> Q:
    """A filter on Post inside a readable topic: published posts, one's own
    pending ones, everything for staff."""
    if is_staff(user):
        return Q()
    visible = Q(status=ModerationStatus.PUBLISHED)
    if _member(user):
        visible |= Q(author=user, status=ModerationStatus.PENDING)
    return visible


def can_read_post(user, post: Post) -> bool:
    """Whether a user may see a post's text (a hidden one shows as a gap)."""
    if is_staff(user):
        return True
    if post.status == ModerationStatus.PUBLISHED:
        return True
    return (
        _member(user)
        and post.author_id == user.pk
        and post.status == ModerationStatus.PENDING
    )


# --- starting and replying -------------------------------------------------------


def start_refusal(user, category: ForumCategory) -> str | None:
    """Why a user may not start a topic in a category, or None when they may."""
    if not _member(user):
        return _("Log in to start a topic.")
    if not category_is_visible(user, category):
        return _("This category does not exist.")
    if category.who_may_start == WhoMayStart.STAFF and not is_staff(user):
        return _("Only the shop's staff start topics in “%(category)s”.") % {
            "category": category.name
        }
    if (
        category.who_may_start == WhoMayStart.TRUSTED
        and user.trust_level < MEMBER
        and not is_staff(user)
    ):
        return _(
            "Topics in “%(category)s” are started by members of trust level 2 "
            "and above; you can reply to any of them."
        ) % {"category": category.name}
    if _suspended(user):
        return _suspended_sentence()
    return None


def can_start_topic(user, category: ForumCategory) -> bool:
    return start_refusal(user, category) is None


def reply_refusal(user, topic: Topic) -> str | None:
    """Why a user may not reply to a topic, or None when they may.

    A closed topic takes no replies, except from moderators (who may explain why
    it was closed); nor does a topic that waits for a moderator or was hidden.
    """
    if not _member(user):
        return _("Log in to reply.")
    if not can_read_topic(user, topic):
        return _("This topic does not exist.")
    if topic.merged_into_id:
        return _("This topic was merged into another one; reply there.")
    if topic.status == ModerationStatus.PENDING:
        return _("This topic is waiting for a moderator; replies open once it is.")
    if topic.status != ModerationStatus.PUBLISHED:
        return _("This topic is not shown any more and takes no replies.")
    if topic.is_closed and not can_moderate(user):
        return _("This topic is closed: it takes no new replies.")
    if _suspended(user):
        return _suspended_sentence()
    return None


def can_reply(user, topic: Topic) -> bool:
    return reply_refusal(user, topic) is None


# --- editing -------------------------------------------------------------------


def edit_window(user, settings: ForumSettings | None = None) -> dt.timedelta | None:
    """How long after posting a member may edit: 24 h at levels 0–1, 30 days at
    2–3, always (None) at level 4 and for staff."""
    if is_staff(user) or trust_level_of(user) >= LEADER:
        return None
    settings = settings or forum_settings()
    if trust_level_of(user) >= MEMBER:
        return dt.timedelta(days=settings.edit_window_days_member)
    return dt.timedelta(hours=settings.edit_window_hours_new)


def edit_window_end(user, post: Post) -> dt.datetime | None:
    """When the user's window to edit their own post closes; None when it never
    does (level 4, staff) or when the post is not theirs."""
    if not _member(user) or post.author_id != user.pk:
        return None
    window = edit_window(user)
    return None if window is None else post.created_at + window


def edit_refusal(user, post: Post, now: dt.datetime) -> str | None:
    """Why a user may not edit a post now, or None when they may.

    Only the author edits a post (its history is theirs); a removed post stays
    removed, and an edit after the window of one's trust level is refused.
    """
    if not _member(user):
        return _("Log in to edit your posts.")
    if post.author_id != user.pk:
        return _("Only its author can edit this post.")
    if post.status == ModerationStatus.REMOVED:
        return _("This post was removed and cannot be edited.")
    end = edit_window_end(user, post)
    if end is not None and now >= end:
        return _(
            "The time to edit this post is over: at your trust level, posts can "
            "be edited for %(window)s after posting."
        ) % {"window": _window_words(edit_window(user))}
    if _suspended(user):
        return _suspended_sentence()
    return None


def _window_words(window: dt.timedelta) -> str:
    hours = int(window.total_seconds() // 3600)
    if hours % 24 == 0 and hours >= 48:
        return _("%(days)s days") % {"days": hours // 24}
    return _("%(hours)s hours") % {"hours": hours}


def can_edit(user, post: Post, now: dt.datetime) -> bool:
    return edit_refusal(user, post, now) is None


# --- likes and answers -------------------------------------------------------------


def like_refusal(user, post: Post) -> str | None:
    """Why a user may not like a post (the daily limit apart, a count that the
    service makes), or None when they may."""
    if not _member(user):
        return _("Log in to like posts.")
    if post.author_id == user.pk:
        return _("You cannot like your own post.")
    if post.status != ModerationStatus.PUBLISHED:
        return _("This post is not shown and cannot be liked.")
    if _suspended(user):
        return _suspended_sentence()
    return None


def can_like(user, post: Post) -> bool:
    return like_refusal(user, post) is None


def likes_per_day(user, settings: ForumSettings | None = None) -> int:
    settings = settings or forum_settings()
    if trust_level_of(user) >= MEMBER or is_staff(user):
        return settings.likes_per_day_member
    return settings.likes_per_day_new


def can_accept(user, topic: Topic) -> bool:
    """The topic's author or staff may mark (or unmark) the accepted answer."""
    if not _member(user):
        return False
    if is_staff(user):
        return True
    return topic.author_id == user.pk and topic.status == ModerationStatus.PUBLISHED


# --- links and images ------------------------------------------------------------


def links_nofollow(user) -> bool:
    """Links written below trust level 3 carry rel="nofollow ugc"."""
    return not (is_staff(user) or trust_level_of(user) >= REGULAR)


def max_links(user, settings: ForumSettings | None = None) -> int | None:
    """How many links a member may put in one post: two below
    `links_min_level`, no limit from it (None)."""
    settings = settings or forum_settings()
    if is_staff(user) or trust_level_of(user) >= settings.links_min_level:
        return None
    return 2


def images_allowed(user, settings: ForumSettings | None = None) -> bool:
    settings = settings or forum_settings()
    return is_staff(user) or trust_level_of(user) >= settings.images_min_level
