"""An idea's discussion: comments, moderated like reviews, live on the idea page."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from community.members.models import PostingRecord
from community.moderation.models import ModerationAction, ModerationStatus
from community.moderation.posting import member_posting_check, member_posting_record
from community.moderation.services import content_submit

from . import live
from .cached_pages import idea_pages_forget
from .lifecycle import idea_locked
from .models import Idea, IdeaComment, IdeasSettings, IdeaState
from .moderation import COMMENT_POSTING_KIND
from .services import member_row_lock

BODY_MIN, BODY_MAX = 2, 5_000
HOUR = dt.timedelta(hours=1)
# A public idea's discussion stays open after the board's decision; a merged
# idea's discussion goes on under the original it now points to.
CLOSED_STATES = frozenset({IdeaState.MERGED, IdeaState.WITHDRAWN})


def _body_clean(body: str) -> str:
    # NUL characters are never text a person typed, and PostgreSQL refuses them.
    body = (body or "").replace("\x00", "").strip()
    if len(body) < BODY_MIN:
        raise ValidationError({"body": [_("Write a comment first.")]})
    if len(body) > BODY_MAX:
        raise ValidationError(
            {
                "body": [
                    _("A comment may have %(max)s characters at most (it has %(n)s).")
                    % {
                        "max": number_format(BODY_MAX, force_grouping=True),
                        "n": number_format(len(body), force_grouping=True),
                    }
                ]
            }
        )
    return body


def _comments_per_hour_check(*, member, now: dt.datetime) -> None:
    """At most IdeasSettings.comments_per_hour comments on ideas per member in
    any hour (staff exempt; 0 means no limit). The member row is locked first."""
    if member.is_staff:
        return
    limit = IdeasSettings.load().comments_per_hour
    if not limit:
        return
    member_row_lock(member)
    posted = PostingRecord.objects.filter(
        member=member, kind=COMMENT_POSTING_KIND, created_at__gt=now - HOUR
    ).count()
    if posted >= limit:
        raise PermissionDenied(
            _(
                "You can post at most %(limit)s comments an hour on ideas. Please "
                "come back a little later."
            )
            % {"limit": limit}
        )


def _comment_count_refresh(idea: Idea) -> None:
    """Recount the idea's published comments (its row locked by the caller)."""
    count = IdeaComment.objects.filter(
        idea_id=idea.pk, status=ModerationStatus.PUBLISHED
    ).count()
    Idea.objects.filter(pk=idea.pk).update(comment_count=count)
    idea.comment_count = count
    idea_pages_forget(idea)


def comment_post(*, idea: Idea, author, body: str) -> IdeaComment:
    """A member comments on a public idea (Markdown). Posting policy and the
    comments-per-hour limit are checked first; premoderated members' comments
    wait in the queue. Once published it is counted and sent live to everyone
    on the idea's page.

    Body 2–5,000 characters; not on an idea that is merged or withdrawn.
    """
    if author is None or not author.is_authenticated:
        raise PermissionDenied(_("Log in to join the discussion."))
    body = _body_clean(body)
    with transaction.atomic():
        # First in the transaction: the posting policy locks a new member's row.
        member_posting_check(member=author, kind=COMMENT_POSTING_KIND, text=body)
        now = timezone.now()
        _comments_per_hour_check(member=author, now=now)
        idea = idea_locked(idea.pk)
        if not idea.is_public or idea.state in CLOSED_STATES:
            raise ValidationError(_("This idea's discussion is closed."))
        comment = IdeaComment.objects.create(
            idea=idea,
            author=author,
            body=body,
            status=ModerationStatus.PENDING,
            created_at=now,
        )
        content_submit(content=comment)
        member_posting_record(member=author, kind=COMMENT_POSTING_KIND)
        if comment.is_published:
            _comment_count_refresh(idea)
            live.comment_broadcast_on_commit(comment)
    return comment


def comment_moderated(*, comment: IdeaComment, action: ModerationAction) -> None:
    """Called by moderation after a decision on a comment, in its transaction.

    The idea's count of published comments is recounted whatever the decision
    (an approval adds one, a rejection or hiding of a published one takes it
    away); an approved comment goes live on the idea's page.
    """
    idea = idea_locked(comment.idea_id)
    _comment_count_refresh(idea)
    if action == ModerationAction.APPROVE and comment.is_published:
        live.comment_broadcast_on_commit(comment)
