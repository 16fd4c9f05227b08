"""A member's ideas, comments, supports and originations, for the member-data
export and erasure (community/members/member_data.py).

Erasure policy — what the community built on an idea stays, what only the
member holds goes:
- public ideas and published comments stay, credited to the anonymised account
  ("Former member #id", no profile), which members' own section makes of it:
  supporters and other commenters built on them;
- drafts, ideas still waiting for moderation and comments still waiting for
  moderation are withdrawn and their words blanked: nobody has read them, so
  nobody should approve the words of someone who has left;
- every photo of the member's ideas is deleted, its file from storage too once
  the erasure commits: a photo may show the member or their home;
- supports of ideas that still hold supports (open, in review, on hold,
  accepted, in development) are taken back, and each such idea's supporter
  counts are recounted from its rows, the ideas locked in id order; supports of
  ideas that already gave them back (launched, declined, expired, merged) stay,
  tied to the anonymised account, so the counts the board decided on stay true;
- co-originations of ideas whose shares are not frozen yet are dropped (an
  invitation as if declined), the share going back to the idea's author; once
  frozen (accepted) or launched they stay: rewards pays the product's
  originators from them, and the account is anonymised, never deleted.

If the member chooses "Delete my ideas and comments as well"
(`ideas_delete_public`), every comment of theirs is removed and blanked, and
every idea of theirs not yet accepted is withdrawn from the site and its title,
text, tags and the reasons they gave blanked; ideas the shop accepted,
developed or launched keep existing (the product came from them), signed by
no one but "former member". Rows stay for the moderation trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.moderation.models import ModerationStatus
from community.moderation.services import content_withdraw

from .cached_pages import idea_pages_forget
from .lifecycle import _state_change
from .models import (
    PUBLIC_STATES,
    SUPPORT_HOLDING_STATES,
    WITHDRAWABLE_STATES,
    Idea,
    IdeaComment,
    IdeaOriginator,
    IdeaPhoto,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
)

# The window of Idea.recent_supporter_count (the "trending" sort).
RECENT_DAYS = 14
# Ideas past these have a product made, or being made, from them: they stay.
KEPT_STATES = frozenset(
    {IdeaState.ACCEPTED, IdeaState.IN_DEVELOPMENT, IdeaState.LAUNCHED}
)
# Never shown to anyone but their author and moderators.
UNSEEN_STATES = frozenset({IdeaState.DRAFT, IdeaState.PENDING})


# --- Export -----------------------------------------------------------------------


def ideas_export(member) -> dict[str, list[dict[str, Any]]]:
    """The member's ideas (any state, with their history and photos), the
    comments they wrote, the ideas they support and the ideas they originate."""
    ideas = (
        Idea.objects.filter(author=member)
        .select_related("product", "merged_into")
        .prefetch_related(
            "tags",
            Prefetch("photos", queryset=IdeaPhoto.objects.order_by("position", "id")),
            Prefetch(
                "history", queryset=IdeaStateChange.objects.order_by("created_at", "id")
            ),
        )
        .order_by("created_at", "id")
    )
    comments = (
        IdeaComment.objects.filter(author=member)
        .select_related("idea")
        .order_by("created_at", "id")
    )
    supports = (
        IdeaSupport.objects.filter(member=member)
        .select_related("idea")
        .order_by("created_at", "id")
    )
    originations = (
        IdeaOriginator.objects.filter(member=member)
        .select_related("idea")
        .order_by("invited_at", "id")
    )
    return {
        "ideas": [_idea_data(idea, member) for idea in ideas],
        "comments": [
            {
                "id": comment.pk,
                "idea": comment.idea_id,
                "idea_title": comment.idea.title,
                "body": comment.body,
                "status": comment.status,
                "rejection_reason": comment.rejection_reason,
                "rejection_note": comment.rejection_note,
                "created_at": comment.created_at,
                "published_at": comment.published_at,
                "updated_at": comment.updated_at,
            }
            for comment in comments
        ],
        "supports": [
            {
                "idea": support.idea_id,
                "idea_title": support.idea.title,
                "supported_at": support.created_at,
                "back_in_budget_at": support.released_at,
            }
            for support in supports
        ],
        "originations": [
            {
                "idea": origination.idea_id,
                "idea_title": origination.idea.title,
                "author": origination.idea.author_id == member.pk,
                "share_bp": origination.share_bp,
                "invited_at": origination.invited_at,
                "accepted_at": origination.accepted_at,
            }
            for origination in originations
        ],
    }


def _idea_data(idea: Idea, member) -> dict[str, Any]:
    return {
        "id": idea.pk,
        "title": idea.title,
        "problem": idea.problem,
        "proposal": idea.proposal,
        "tags": sorted(tag.name for tag in idea.tags.all()),
        "state": idea.state,
        "status": idea.status,
        "rejection_reason": idea.rejection_reason,
        "rejection_note": idea.rejection_note,
        "supporters": idea.supporter_count,
        "comments": idea.comment_count,
        "merged_into": idea.merged_into_id,
        "from_review": idea.from_review_id,
        "product_sku": idea.product.sku if idea.product else None,
        "created_at": idea.created_at,
        "published_at": idea.published_at,
        "opened_at": idea.opened_at,
        "updated_at": idea.updated_at,
        "photos": [photo.file.name for photo in idea.photos.all()],
        "history": [
            {
                "from": change.from_state,
                "to": change.to_state,
                # Moderators and the board are not named to the member.
                "by_you": change.by_id == member.pk,
                "reason": change.reason,
                "at": change.created_at,
            }
            for change in idea.history.all()
        ],
    }


def ideas_files(member) -> list:
    """The photo files of the member's ideas, as the export names them."""
    photos = IdeaPhoto.objects.filter(idea__author=member).order_by(
        "idea_id", "position", "id"
    )
    return [(f"ideas/{photo.file.name}", photo.file) for photo in photos]


# --- Erasure ----------------------------------------------------------------------


def _ideas_lock(member) -> dict[int, Idea]:
    """Lock every idea the erasure may touch, in id order, once.

    The member's own ideas and those they support, comment on or co-originate:
    locked together in one ordered pass (after the member row, which the erasure
    holds, as every writer of supports does), so the erasure never waits on a
    merge or a support holding one idea while it holds another.
    """
    ids = set(Idea.objects.filter(author=member).values_list("pk", flat=True))
    for model, field in (
        (IdeaSupport, "member"),
        (IdeaComment, "author"),
        (IdeaOriginator, "member"),
    ):
        ids.update(
            model.objects.filter(**{field: member}).values_list("idea_id", flat=True)
        )
    ideas = Idea.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {idea.pk: idea for idea in ideas}


def _supporters_recount(idea: Idea, *, now: dt.datetime) -> None:
    idea.supporter_count = IdeaSupport.objects.filter(idea=idea).count()
    idea.recent_supporter_count = IdeaSupport.objects.filter(
        idea=idea, created_at__gte=now - dt.timedelta(days=RECENT_DAYS)
    ).count()
    idea.save(update_fields=["supporter_count", "recent_supporter_count", "updated_at"])


def _comments_recount(idea: Idea) -> None:
    idea.comment_count = IdeaComment.objects.filter(
        idea=idea, status=ModerationStatus.PUBLISHED
    ).count()
    idea.save(update_fields=["comment_count", "updated_at"])


def _supports_take_back(member, ideas: dict[int, Idea], *, now: dt.datetime) -> int:
    """Delete the member's supports of ideas that still hold them; recount them."""
    holding = [idea for idea in ideas.values() if idea.state in SUPPORT_HOLDING_STATES]
    taken, _by_model = IdeaSupport.objects.filter(
        member=member, idea__in=holding
    ).delete()
    if taken:
        for idea in holding:
            _supporters_recount(idea, now=now)
            idea_pages_forget(idea)
    return taken


def _originations_drop(member, ideas: dict[int, Idea]) -> int:
    """Drop the member's co-originations of ideas whose shares are not frozen,
    giving each share back to the idea's author (as a declined invitation)."""
    count = 0
    originations = IdeaOriginator.objects.filter(member=member).order_by("pk")
    for origination in originations:
        idea = ideas.get(origination.idea_id)
        if (
            idea is None
            or idea.author_id == member.pk
            or idea.shares_frozen_at is not None
            or idea.state == IdeaState.LAUNCHED
        ):
            continue
        IdeaOriginator.objects.filter(idea=idea, member_id=idea.author_id).update(
            share_bp=F("share_bp") + origination.share_bp
        )
        origination.delete()
        idea_pages_forget(idea)
        count += 1
    return count


def _photos_delete(photos) -> int:
    """Delete idea photos and, once the erasure commits, their files."""
    photos = list(photos)
    for photo in photos:
        storage, name = photo.file.storage, photo.file.name
        if name:
            transaction.on_commit(lambda s=storage, n=name: s.delete(n), robust=True)
    IdeaPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    return len(photos)


def _blanked(idea: Idea) -> bool:
    return idea.status == ModerationStatus.REMOVED and not (
        idea.title or idea.problem or idea.proposal
    )


def _ideas_withdraw(member, ideas: list[Idea], *, now: dt.datetime) -> int:
    """Take the member's ideas off the site and blank their words.

    Moves to withdrawn those the lifecycle lets their author withdraw (draft,
    pending, open), which gives their supports back; an idea the lifecycle keeps
    where it is (in review or on hold, which its author may not withdraw, or one
    already closed) is removed from the site all the same, and the supports it
    still held go back to their members' budgets.
    """
    reason = _("Withdrawn: its author left the site.")
    for idea in ideas:
        # The reasons the member gave (when withdrawing, say) were their words.
        IdeaStateChange.objects.filter(idea=idea, by=member).exclude(reason="").update(
            reason=""
        )
        if idea.state in WITHDRAWABLE_STATES:
            _state_change(idea, IdeaState.WITHDRAWN, by=member, reason=reason, now=now)
        elif idea.state in SUPPORT_HOLDING_STATES:
            IdeaSupport.objects.filter(idea=idea, released_at__isnull=True).update(
                released_at=now
            )
        idea.title = idea.problem = idea.proposal = ""
        idea.status = ModerationStatus.REMOVED
        idea.status_changed_at = now
        idea.save(
            update_fields=[
                "title",
                "problem",
                "proposal",
                "status",
                "status_changed_at",
                "updated_at",
            ]
        )
        idea.tags.clear()
        # Nothing left for a moderator to decide.
        content_withdraw(content=idea)
        idea_pages_forget(idea)
    return len(ideas)


def _comments_remove(
    comments: list[IdeaComment], ideas: dict[int, Idea], *, now: dt.datetime
) -> int:
    """Mark comments removed, blank them, and recount their ideas' comments."""
    if not comments:
        return 0
    for comment in comments:
        content_withdraw(content=comment)
    IdeaComment.objects.filter(pk__in=[comment.pk for comment in comments]).update(
        status=ModerationStatus.REMOVED, status_changed_at=now, body="", updated_at=now
    )
    for idea_id in sorted({comment.idea_id for comment in comments}):
        idea = ideas[idea_id]
        _comments_recount(idea)
        idea_pages_forget(idea)
    return len(comments)


def ideas_erase(member) -> int:
    """Take back supports, drop unfrozen co-originations, delete idea photos and
    withdraw what nobody has seen yet; returns how many rows that changed (see the
    module's policy). Runs in the erasure's transaction, the member row locked."""
    now = timezone.now()
    ideas = _ideas_lock(member)
    changed = _supports_take_back(member, ideas, now=now)
    changed += _originations_drop(member, ideas)
    changed += _photos_delete(IdeaPhoto.objects.filter(idea__author=member))
    unseen = [
        idea
        for idea in ideas.values()
        if idea.author_id == member.pk
        and idea.state in UNSEEN_STATES
        and not _blanked(idea)
    ]
    changed += _ideas_withdraw(member, unseen, now=now)
    pending = list(
        IdeaComment.objects.filter(author=member, status=ModerationStatus.PENDING)
    )
    return changed + _comments_remove(pending, ideas, now=now)


def ideas_delete_public(member) -> int:
    """Remove every comment of the member and withdraw every idea of theirs not
    yet accepted, their words blanked; returns how many. Runs before
    `ideas_erase`, in the erasure's transaction."""
    now = timezone.now()
    ideas = _ideas_lock(member)
    comments = list(
        IdeaComment.objects.filter(author=member).exclude(
            status=ModerationStatus.REMOVED, body=""
        )
    )
    removed = _comments_remove(comments, ideas, now=now)
    # Read under the locks: an idea accepted meanwhile stays.
    to_withdraw = [
        idea
        for idea in ideas.values()
        if idea.author_id == member.pk
        and idea.state not in KEPT_STATES
        and not _blanked(idea)
    ]
    return removed + _ideas_withdraw(member, to_withdraw, now=now)


def ideas_erase_summary(member) -> list[str]:
    """What erasure does to the member's ideas, comments and supports, before
    they confirm."""
    lines = []
    public = Idea.objects.filter(
        author=member,
        status=ModerationStatus.PUBLISHED,
        state__in=PUBLIC_STATES - {IdeaState.MERGED},
    )
    kept = public.filter(state__in=KEPT_STATES).count()
    others = public.exclude(state__in=KEPT_STATES).count()
    if others:
        lines.append(
            ngettext(
                "Your %(count)s public idea stays on the site, signed “former "
                "member”, unless you choose to delete it below.",
                "Your %(count)s public ideas stay on the site, signed “former "
                "member”, unless you choose to delete them below.",
                others,
            )
            % {"count": others}
        )
    if kept:
        lines.append(
            ngettext(
                "Your %(count)s idea that the shop accepted or launched stays in "
                "any case, signed “former member”: a product came from it.",
                "Your %(count)s ideas that the shop accepted or launched stay in "
                "any case, signed “former member”: products came from them.",
                kept,
            )
            % {"count": kept}
        )
    comments = IdeaComment.objects.filter(
        author=member, status=ModerationStatus.PUBLISHED
    ).count()
    if comments:
        lines.append(
            ngettext(
                "Your %(count)s comment on ideas stays in its discussion, signed "
                "“former member”, unless you choose to delete it below.",
                "Your %(count)s comments on ideas stay in their discussions, "
                "signed “former member”, unless you choose to delete them below.",
                comments,
            )
            % {"count": comments}
        )
    photos = IdeaPhoto.objects.filter(idea__author=member).count()
    if photos:
        lines.append(
            ngettext(
                "Your %(count)s idea photo is deleted.",
                "Your %(count)s idea photos are deleted.",
                photos,
            )
            % {"count": photos}
        )
    if (
        Idea.objects.filter(author=member, state__in=UNSEEN_STATES).exists()
        or IdeaComment.objects.filter(
            author=member, status=ModerationStatus.PENDING
        ).exists()
    ):
        lines.append(
            _(
                "Draft ideas, and ideas or comments still waiting for moderation, "
                "are withdrawn."
            )
        )
    supports = IdeaSupport.objects.filter(
        member=member, idea__state__in=SUPPORT_HOLDING_STATES
    ).count()
    if supports:
        lines.append(
            ngettext(
                "Your support of %(count)s idea still gathering support or under "
                "review is taken back.",
                "Your supports of %(count)s ideas still gathering support or under "
                "review are taken back.",
                supports,
            )
            % {"count": supports}
        )
    co_originations = (
        IdeaOriginator.objects.filter(
            member=member, idea__shares_frozen_at__isnull=True
        )
        .exclude(idea__author=member)
        .exclude(idea__state=IdeaState.LAUNCHED)
        .count()
    )
    if co_originations:
        lines.append(
            ngettext(
                "You stop being a co-originator of %(count)s idea not yet "
                "accepted: your share goes back to its author.",
                "You stop being a co-originator of %(count)s ideas not yet "
                "accepted: your shares go back to their authors.",
                co_originations,
            )
            % {"count": co_originations}
        )
    frozen = IdeaOriginator.objects.filter(
        Q(idea__shares_frozen_at__isnull=False) | Q(idea__state=IdeaState.LAUNCHED),
        member=member,
    ).count()
    if frozen:
        lines.append(
            ngettext(
                "Your originator share of %(count)s accepted or launched idea "
                "stays: the rewards programme pays it as its rules say.",
                "Your originator shares of %(count)s accepted or launched ideas "
                "stay: the rewards programme pays them as its rules say.",
                frozen,
            )
            % {"count": frozen}
        )
    return lines
