"""Writes of ideas by members: propose, edit, support, name co-originators.

Every function runs in one transaction and raises ValidationError or
PermissionDenied with a message the member can read; nothing is written when it
raises. Moderation decides pending or published through `content_submit`; the
posting policy (suspensions, first-day limits, links) through
`member_posting_check`, inside the posting transaction. State changes are
`lifecycle.py`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from community.members.models import PostingRecord
from community.moderation.models import ModerationStatus
from community.moderation.posting import (
    member_posting_check,
    member_posting_record,
    member_suspension_check,
)
from community.moderation.registry import moderated_type_of
from community.moderation.services import content_submit
from community.notifications.services import notification_send
from comptoir.uploads import image_uploads_clean, private_media_storage

from . import lifecycle
from .cached_pages import idea_pages_forget
from .models import (
    BASIS_POINTS,
    SUPPORTABLE_STATES,
    Idea,
    IdeaOriginator,
    IdeaPhoto,
    IdeasSettings,
    IdeaState,
    IdeaSupport,
)
from .moderation import IDEA_POSTING_KIND

TITLE_MIN, TITLE_MAX = 3, 120
PROBLEM_MIN, PROBLEM_MAX = 20, 5_000
PROPOSAL_MIN, PROPOSAL_MAX = 20, 10_000
MAX_TAGS, TAG_MAX = 10, 50
MAX_PHOTOS = 6
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
# A review this disappointed may turn into an idea ("Suggest an improvement").
FROM_REVIEW_MAX_RATING = 3
# Originators of one idea, the author included: a royalty split many more ways
# pays nobody anything worth reading on a statement.
MAX_ORIGINATORS = 10
# The window of `recent_supporter_count` (the "trending" sort).
RECENT_SUPPORT_WINDOW = dt.timedelta(days=14)
DAY = dt.timedelta(hours=24)
# The author may change an idea's text while it has not reached the board.
EDITABLE_STATES = frozenset({IdeaState.DRAFT, IdeaState.PENDING, IdeaState.OPEN})
# Co-originators may be named until the shares are frozen, and not on an idea
# that has ended without a product.
NAMING_STATES = frozenset(
    {
        IdeaState.DRAFT,
        IdeaState.PENDING,
        IdeaState.OPEN,
        IdeaState.IN_REVIEW,
        IdeaState.ON_HOLD,
    }
)


# --- Helpers -------------------------------------------------------------------


def _require_member(member, message: str) -> None:
    if member is None or not member.is_authenticated:
        raise PermissionDenied(message)


def _number(n: int) -> str:
    return number_format(n, force_grouping=True)


def _text_clean(value: str, *, field: str, low: int, high: int, errors: dict, short):
    # NUL characters are never text a person typed, and PostgreSQL refuses them.
    text = (value or "").replace("\x00", "").strip()
    if len(text) < low:
        errors[field] = [short % {"min": _number(low)}]
    elif len(text) > high:
        errors[field] = [
            _("This may have %(max)s characters at most (it has %(n)s).")
            % {"max": _number(high), "n": _number(len(text))}
        ]
    return text


def _tags_clean(tags) -> list[str]:
    """Tags lower-cased, trimmed and without repeats; a string is split at commas."""
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned: list[str] = []
    for tag in tags or ():
        name = str(tag).replace("\x00", "").strip().lower()
        if name and name not in cleaned:
            cleaned.append(name)
    too_long = [name for name in cleaned if len(name) > TAG_MAX]
    if too_long:
        raise ValidationError(
            {
                "tags": [
                    _("A tag may have %(max)s characters at most: “%(tag)s…”.")
                    % {"max": TAG_MAX, "tag": too_long[0][:20]}
                ]
            }
        )
    if len(cleaned) > MAX_TAGS:
        raise ValidationError(
            {
                "tags": [
                    _("An idea may have %(max)s tags at most (you gave %(n)s).")
                    % {"max": MAX_TAGS, "n": len(cleaned)}
                ]
            }
        )
    return cleaned


def _fields_clean(*, title: str, problem: str, proposal: str, tags) -> tuple:
    """The idea's texts and tags checked together, so the member sees every
    mistake at once; a ValidationError by field otherwise."""
    errors: dict[str, list[str]] = {}
    title = _text_clean(
        title,
        field="title",
        low=TITLE_MIN,
        high=TITLE_MAX,
        errors=errors,
        short=_("Give your idea a title of at least %(min)s characters."),
    )
    problem = _text_clean(
        problem,
        field="problem",
        low=PROBLEM_MIN,
        high=PROBLEM_MAX,
        errors=errors,
        short=_("Describe the problem in at least %(min)s characters."),
    )
    proposal = _text_clean(
        proposal,
        field="proposal",
        low=PROPOSAL_MIN,
        high=PROPOSAL_MAX,
        errors=errors,
        short=_("Describe your proposal in at least %(min)s characters."),
    )
    try:
        tags = _tags_clean(tags)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return title, problem, proposal, tags


def _photos_clean(photos: Sequence, *, already: int = 0) -> list:
    """Each upload checked and re-encoded before anything is written."""
    return image_uploads_clean(
        photos,
        already=already,
        max_count=MAX_PHOTOS,
        too_many=_("An idea may have %(max)s photos at most.") % {"max": MAX_PHOTOS},
        max_bytes=PHOTO_MAX_BYTES,
        max_pixels=PHOTO_MAX_PIXELS,
        allowed_formats=PHOTO_FORMATS,
    )


def _photos_attach(idea: Idea, cleaned: list, *, start: int) -> None:
    # Always private files: the photo view decides who sees them, by the idea's
    # status, so nothing has to move when moderation decides.
    for offset, content in enumerate(cleaned):
        photo = IdeaPhoto(idea=idea, position=start + offset)
        photo.file.save(content.name, content, save=False)
        photo.save()


def _files_delete_on_commit(names: list[str]) -> None:
    # After commit: a rolled-back transaction still points at these files.
    storage = private_media_storage()

    def delete_idea_photo_files():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete_idea_photo_files, robust=True)


def _photos_keep(idea: Idea, *, remove_photo_ids: Iterable) -> int:
    """Delete the photos the author removed and number the others from 0 again;
    returns how many are kept."""
    remove = set()
    for pk in remove_photo_ids or ():
        try:
            remove.add(int(pk))
        except (TypeError, ValueError):
            continue
    if remove:
        removed = list(idea.photos.filter(pk__in=remove))
        IdeaPhoto.objects.filter(pk__in=[photo.pk for photo in removed]).delete()
        _files_delete_on_commit([photo.file.name for photo in removed])
    kept = list(idea.photos.order_by("position", "id"))
    for position, photo in enumerate(kept):
        if photo.position != position:
            photo.position = position
            photo.save(update_fields=["position"])
    return len(kept)


def member_row_lock(member) -> None:
    """Lock the member's row until the transaction ends: one member's posts and
    supports are put in line, so two sent at once are checked against the limits
    and the budget one after the other."""
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk=member.pk)
        .values_list("pk", flat=True)
    )


def _ideas_per_day_check(*, member, now: dt.datetime) -> None:
    """At most IdeasSettings.ideas_per_day ideas per member in any 24 hours
    (staff exempt; 0 means no limit). The member row is locked by the caller."""
    if member.is_staff:
        return
    limit = IdeasSettings.load().ideas_per_day
    if not limit:
        return
    since = now - DAY
    posted = PostingRecord.objects.filter(
        member=member, kind=IDEA_POSTING_KIND, created_at__gt=since
    ).order_by("created_at")
    if posted.count() < limit:
        return
    oldest = posted.values_list("created_at", flat=True)[0]
    raise PermissionDenied(
        _(
            "You can propose at most %(limit)s ideas in 24 hours. You can propose "
            "another after %(time)s."
        )
        % {
            "limit": limit,
            "time": date_format(timezone.localtime(oldest + DAY), "DATETIME_FORMAT"),
        }
    )


def _idea_send(idea: Idea, *, member, now: dt.datetime) -> None:
    """Send a written or edited idea to moderation and move its state to match.

    Premoderated authors' ideas wait in the queue (a draft becomes pending, and
    moderation's approval opens it); the others' open at once. An open idea that
    is edited stays open whatever moderation decides about the new text.
    """
    content_submit(content=idea)
    if idea.status == ModerationStatus.PUBLISHED:
        if idea.state in (IdeaState.DRAFT, IdeaState.PENDING):
            lifecycle.idea_open(idea=idea, now=now)
    elif idea.state == IdeaState.DRAFT:
        lifecycle.idea_pending(idea=idea, by=member, now=now)
    idea_pages_forget(idea)


def _from_review_check(*, author, review) -> None:
    if review is None:
        return
    if review.author_id != author.pk:
        raise PermissionDenied(
            _("Only the author of a review may turn it into an idea.")
        )
    if review.rating > FROM_REVIEW_MAX_RATING:
        raise ValidationError(
            _("Only a review of %(max)s stars or fewer can suggest an improvement.")
            % {"max": FROM_REVIEW_MAX_RATING}
        )


def _editable_check(idea: Idea) -> None:
    if idea.state not in EDITABLE_STATES:
        raise ValidationError(
            _("This idea is “%(state)s”: it can no longer be edited.")
            % {"state": IdeaState(idea.state).label}
        )
    if idea.status == ModerationStatus.HIDDEN:
        raise ValidationError(
            _(
                "This idea is hidden while a moderator looks at reports about it; "
                "you can edit it after their decision."
            )
        )
    if idea.status == ModerationStatus.REMOVED:
        raise ValidationError(_("This idea was removed; it cannot be edited."))
    if idea.status == ModerationStatus.REJECTED and not moderated_type_of(idea).can_fix(
        idea.rejection_reason
    ):
        raise ValidationError(_("This idea was refused; it cannot be edited."))


def idea_can_edit(idea: Idea) -> bool:
    """Whether the author may still change this idea: a draft, pending or open
    idea that is not hidden, removed or refused for a reason they cannot fix."""
    try:
        _editable_check(idea)
    except ValidationError:
        return False
    return True


# --- Propose, edit, submit -------------------------------------------------------


def idea_create(
    *,
    author,
    title: str,
    problem: str,
    proposal: str,
    tags: Sequence[str] = (),
    photos: Sequence = (),
    from_review=None,
    submit: bool = True,
) -> Idea:
    """A member proposes an idea: checked, saved with its photos and tags, and
    (submit=True) sent to moderation — pending for premoderated members, open at
    once for the others. submit=False keeps it a draft the author can finish.

    Title 3–120 characters, problem 20–5,000, proposal 20–10,000, up to 10 tags
    and 6 photos; the posting policy and IdeasSettings.ideas_per_day apply. The
    author is its originator with the whole share. `from_review`: only the
    review's own author, and only from a review of 3 stars or fewer.
    """
    _require_member(author, _("Log in to propose an idea."))
    title, problem, proposal, tags = _fields_clean(
        title=title, problem=problem, proposal=proposal, tags=tags
    )
    _from_review_check(author=author, review=from_review)
    cleaned_photos = _photos_clean(photos)
    with transaction.atomic():
        # First in the transaction: the posting policy locks a new member's row.
        member_posting_check(
            member=author,
            kind=IDEA_POSTING_KIND,
            text=f"{title}\n{problem}\n{proposal}",
        )
        member_row_lock(author)
        now = timezone.now()
        _ideas_per_day_check(member=author, now=now)
        idea = Idea(
            author=author,
            title=title,
            problem=problem,
            proposal=proposal,
            from_review=from_review,
            state=IdeaState.DRAFT,
            status=ModerationStatus.PENDING,
            created_at=now,
            state_changed_at=now,
        )
        idea.save()
        idea.tags.set(tags)
        _photos_attach(idea, cleaned_photos, start=0)
        IdeaOriginator.objects.create(
            idea=idea,
            member=author,
            share_bp=BASIS_POINTS,
            invited_at=now,
            accepted_at=now,
        )
        if submit:
            _idea_send(idea, member=author, now=now)
            member_posting_record(member=author, kind=IDEA_POSTING_KIND)
    idea.refresh_from_db()
    return idea


def idea_edit(
    *,
    idea: Idea,
    member,
    title: str,
    problem: str,
    proposal: str,
    tags: Sequence[str] = (),
    photos: Sequence = (),
    remove_photo_ids: Sequence[int] = (),
) -> Idea:
    """The author edits a draft, pending or open idea (resubmitted to moderation).

    Only its author; not once hidden after reports, removed, or refused for a
    reason they cannot fix. A draft stays a draft; any other idea goes through
    moderation again as a new one would (its state does not go back).
    """
    _require_member(member, _("Log in to edit your idea."))
    if member.pk != idea.author_id:
        raise PermissionDenied(_("Only its author may edit an idea."))
    _editable_check(idea)
    title, problem, proposal, tags = _fields_clean(
        title=title, problem=problem, proposal=proposal, tags=tags
    )
    with transaction.atomic():
        member_posting_check(
            member=member,
            kind=IDEA_POSTING_KIND,
            text=f"{title}\n{problem}\n{proposal}",
        )
        idea = lifecycle.idea_locked(idea.pk)
        _editable_check(idea)
        kept = _photos_keep(idea, remove_photo_ids=remove_photo_ids)
        cleaned_photos = _photos_clean(photos, already=kept)
        idea.title, idea.problem, idea.proposal = title, problem, proposal
        idea.save(update_fields=["title", "problem", "proposal", "updated_at"])
        idea.tags.set(tags)
        _photos_attach(idea, cleaned_photos, start=kept)
        if idea.state == IdeaState.DRAFT:
            idea_pages_forget(idea)
        else:
            _idea_send(idea, member=member, now=timezone.now())
    idea.refresh_from_db()
    return idea


def idea_submit(*, idea: Idea, member) -> Idea:
    """The author sends a draft to moderation (or opens it, when trusted).

    The posting policy and the ideas-per-day limit are checked now: a draft
    counts as an idea posted when it is sent, not when it is started.
    """
    _require_member(member, _("Log in to send your idea."))
    if member.pk != idea.author_id:
        raise PermissionDenied(_("Only its author may send an idea."))
    if idea.state != IdeaState.DRAFT:
        raise ValidationError(_("This idea has already been sent."))
    with transaction.atomic():
        member_posting_check(
            member=member,
            kind=IDEA_POSTING_KIND,
            text=f"{idea.title}\n{idea.problem}\n{idea.proposal}",
        )
        member_row_lock(member)
        now = timezone.now()
        _ideas_per_day_check(member=member, now=now)
        idea = lifecycle.idea_locked(idea.pk)
        if idea.state != IdeaState.DRAFT:
            raise ValidationError(_("This idea has already been sent."))
        _idea_send(idea, member=member, now=now)
        member_posting_record(member=member, kind=IDEA_POSTING_KIND)
    idea.refresh_from_db()
    return idea


# --- Supports ----------------------------------------------------------------------


def _support_budget() -> int:
    return IdeasSettings.load().support_budget


def _supports_held(member) -> int:
    return IdeaSupport.objects.filter(member=member, released_at__isnull=True).count()


def _support_remove(idea: Idea, support: IdeaSupport, *, now: dt.datetime) -> None:
    """Delete a support and take it off the idea's counts (idea row locked)."""
    recent = support.created_at >= now - RECENT_SUPPORT_WINDOW
    support.delete()
    changes = {"supporter_count": F("supporter_count") - 1}
    if recent:
        # The 14-day count is a recount between refreshes: never below zero.
        changes["recent_supporter_count"] = Greatest(
            F("recent_supporter_count") - 1, Value(0)
        )
    Idea.objects.filter(pk=idea.pk).update(**changes)
    idea_pages_forget(idea)


def idea_support(*, idea: Idea, member) -> IdeaSupport:
    """A member supports an open idea: one support per member and idea, never
    one's own, within the member's support budget. A second click is the same
    support, not an error. Locks the member row then the idea row."""
    _require_member(member, _("Log in to support ideas."))
    if member.pk == idea.author_id:
        raise PermissionDenied(_("You cannot support your own idea."))
    # A suspended member reads but takes no part, supports included.
    member_suspension_check(member=member)
    with transaction.atomic():
        # Member first (their budget), then the idea (its counts): every support
        # takes the two locks in this order, so none waits on another in a circle.
        member_row_lock(member)
        idea = lifecycle.idea_locked(idea.pk)
        existing = IdeaSupport.objects.filter(idea=idea, member=member).first()
        if existing is not None:
            return existing
        if IdeaOriginator.objects.filter(idea=idea, member=member).exists():
            raise PermissionDenied(
                _("You are one of this idea's originators: you cannot support it.")
            )
        if idea.state not in SUPPORTABLE_STATES or not idea.is_published:
            raise ValidationError(
                _("This idea is “%(state)s”: it no longer gathers support.")
                % {"state": IdeaState(idea.state).label}
                if idea.is_published
                else _("This idea is not open to support.")
            )
        budget = _support_budget()
        if _supports_held(member) >= budget:
            raise ValidationError(
                _(
                    "You already support %(budget)s ideas, as many as you may at "
                    "once. A support comes back when one of those ideas is "
                    "launched, declined, expired or merged, or when you withdraw "
                    "it."
                )
                % {"budget": budget}
            )
        now = timezone.now()
        support = IdeaSupport.objects.create(idea=idea, member=member, created_at=now)
        Idea.objects.filter(pk=idea.pk).update(
            supporter_count=F("supporter_count") + 1,
            recent_supporter_count=F("recent_supporter_count") + 1,
        )
        idea_pages_forget(idea)
        # Reaching a stage moves the idea on at once when the lifecycle offers
        # it; the daily refresh does it otherwise.
        stage_check = getattr(lifecycle, "idea_stage_check", None)
        if stage_check is not None:
            idea.refresh_from_db(fields=["supporter_count", "recent_supporter_count"])
            stage_check(idea=idea, now=now)
    return support


def idea_support_withdraw(*, idea: Idea, member) -> bool:
    """A member takes back a support of an open idea; False if there was none."""
    _require_member(member, _("Log in to support ideas."))
    member_suspension_check(member=member)
    with transaction.atomic():
        member_row_lock(member)
        idea = lifecycle.idea_locked(idea.pk)
        support = IdeaSupport.objects.filter(idea=idea, member=member).first()
        if support is None:
            return False
        if idea.state not in SUPPORTABLE_STATES:
            raise ValidationError(
                _(
                    "This idea is “%(state)s”: supports can only be withdrawn while "
                    "it gathers support."
                )
                % {"state": IdeaState(idea.state).label}
            )
        _support_remove(idea, support, now=timezone.now())
    return True


def member_supports_left(*, member) -> int:
    """How many more ideas the member may support now (the budget minus the
    supports not yet given back)."""
    if member is None or not member.is_authenticated:
        return 0
    return max(_support_budget() - _supports_held(member), 0)


# --- Co-originators ------------------------------------------------------------


def _percent(share_bp: int) -> str:
    # 2,500 bp → "25 %", 1,250 bp → "12.5 %" (in the reader's locale).
    percent = Decimal(share_bp) / 100
    places = 0 if share_bp % 100 == 0 else (1 if share_bp % 10 == 0 else 2)
    return f"{number_format(percent, decimal_pos=places)} %"


def _shares_clean(*, idea: Idea, shares: dict) -> dict[int, int]:
    """{member id: basis points}, each positive, adding up to 10,000, the author
    included; a ValidationError in words otherwise."""
    error = ValidationError
    cleaned: dict[int, int] = {}
    for who, share in (shares or {}).items():
        member_id = getattr(who, "pk", who)
        try:
            member_id, share = int(member_id), int(share)
        except (TypeError, ValueError):
            raise error(
                {"shares": [_("Give each originator a share as a whole number.")]}
            ) from None
        if share <= 0:
            raise error({"shares": [_("Every originator's share must be positive.")]})
        cleaned[member_id] = cleaned.get(member_id, 0) + share
    if idea.author_id not in cleaned:
        raise error({"shares": [_("Keep a share for yourself, the idea's author.")]})
    if len(cleaned) > MAX_ORIGINATORS:
        raise error(
            {
                "shares": [
                    _("An idea may have %(max)s originators at most.")
                    % {"max": MAX_ORIGINATORS}
                ]
            }
        )
    total = sum(cleaned.values())
    if total != BASIS_POINTS:
        raise error(
            {
                "shares": [
                    _("The shares must add up to 100 %% (they add up to %(total)s).")
                    % {"total": _percent(total)}
                ]
            }
        )
    return cleaned


def _shares_frozen_check(idea: Idea) -> None:
    if idea.shares_frozen_at is not None:
        raise ValidationError(
            _("The originators' shares were frozen when the idea was accepted.")
        )


def _co_originator_invite(idea: Idea, *, member, share_bp: int) -> None:
    notification_send(
        recipient=member,
        kind="idea_co_originator",
        title=_("%(author)s names you co-originator of the idea “%(title)s”")
        % {"author": idea.author.public_name, "title": idea.title},
        body=_(
            "Your share would be %(share)s of the royalty its originators earn if "
            "the idea becomes a product. Accept or decline on your ideas page."
        )
        % {"share": _percent(share_bp)},
        url=reverse("ideas:mine"),
        email=True,
        email_category="decisions",
    )


def idea_originators_set(*, idea: Idea, member, shares: dict) -> list[IdeaOriginator]:
    """The author names co-originators: member → share in basis points, the
    author's own share included, adding up to 10,000. New names are invited and
    must accept; refused once the shares are frozen (the idea was accepted).

    Keys are members or their ids, each an active member. A co-originator whose
    share changes is asked again; one left out loses their share; each invited
    member is notified.
    """
    _require_member(member, _("Log in to name co-originators."))
    if member.pk != idea.author_id:
        raise PermissionDenied(_("Only its author may name an idea's originators."))
    _shares_frozen_check(idea)
    cleaned = _shares_clean(idea=idea, shares=shares)
    members = {
        user.pk: user
        for user in get_user_model().objects.filter(pk__in=cleaned, is_active=True)
    }
    if set(cleaned) - set(members):
        raise ValidationError(
            {"shares": [_("Name only members who have an active account.")]}
        )
    with transaction.atomic():
        idea = lifecycle.idea_locked(idea.pk)
        _shares_frozen_check(idea)
        if idea.state not in NAMING_STATES:
            raise ValidationError(
                _("This idea is “%(state)s”: its originators can no longer change.")
                % {"state": IdeaState(idea.state).label}
            )
        now = timezone.now()
        existing = {
            row.member_id: row for row in IdeaOriginator.objects.filter(idea=idea)
        }
        IdeaOriginator.objects.filter(idea=idea).exclude(
            member_id__in=list(cleaned)
        ).delete()
        for member_id, share_bp in cleaned.items():
            row = existing.get(member_id)
            is_author = member_id == idea.author_id
            if row is not None and row.share_bp == share_bp:
                continue
            if row is None:
                row = IdeaOriginator(idea=idea, member_id=member_id)
            row.share_bp = share_bp
            if is_author:
                row.accepted_at = row.accepted_at or now
            else:
                # A new share is a new offer: asked (again) and answered.
                row.invited_at, row.accepted_at = now, None
            row.save()
            if not is_author:
                _co_originator_invite(
                    idea, member=members[member_id], share_bp=share_bp
                )
        idea_pages_forget(idea)
    return list(IdeaOriginator.objects.filter(idea=idea).select_related("member"))


def idea_origination_answer(
    *, origination: IdeaOriginator, member, accept: bool
) -> IdeaOriginator | None:
    """An invited member accepts or declines being a co-originator; declining
    gives the share back to the author.

    Only the invited member, and not once the shares are frozen. Accepting twice
    is one answer. A co-originator who supported the idea gets that support back
    (nobody supports their own idea). Declining after accepting leaves the idea.
    Returns the origination, or None once declined.
    """
    _require_member(member, _("Log in to answer the invitation."))
    if member.pk != origination.member_id:
        raise PermissionDenied(_("This invitation is addressed to someone else."))
    with transaction.atomic():
        idea = lifecycle.idea_locked(origination.idea_id)
        _shares_frozen_check(idea)
        row = (
            IdeaOriginator.objects.select_for_update().filter(pk=origination.pk).first()
        )
        if row is None:
            raise ValidationError(_("The author has withdrawn this invitation."))
        if row.member_id == idea.author_id:
            raise ValidationError(_("The author of an idea is always its originator."))
        now = timezone.now()
        if accept:
            if row.accepted_at is None:
                row.accepted_at = now
                row.save(update_fields=["accepted_at"])
                support = IdeaSupport.objects.filter(idea=idea, member=member).first()
                if support is not None:
                    _support_remove(idea, support, now=now)
            answer = row
            title = _("%(member)s accepted to be co-originator of “%(title)s”")
        else:
            share_bp = row.share_bp
            row.delete()
            IdeaOriginator.objects.filter(idea=idea, member_id=idea.author_id).update(
                share_bp=F("share_bp") + share_bp
            )
            answer = None
            title = _("%(member)s declined to be co-originator of “%(title)s”")
        notification_send(
            recipient=idea.author,
            kind="idea_co_originator",
            title=title % {"member": member.public_name, "title": idea.title},
            url=idea.get_absolute_url(),
            email=True,
            email_category="decisions",
        )
        idea_pages_forget(idea)
    return answer


def originator_shares_freeze(*, idea: Idea, now: dt.datetime) -> dict[int, int]:
    """Freeze an idea's originators' shares (the board accepted it); returns
    {member id: basis points}, adding up to 10,000.

    Invitations not accepted by now are dropped and their shares go back to the
    author. Called by the lifecycle inside its transaction, the idea row locked;
    calling it again on a frozen idea changes nothing and returns the same shares.
    """
    with transaction.atomic():
        rows = list(IdeaOriginator.objects.select_for_update().filter(idea=idea))
        if idea.shares_frozen_at is None:
            dropped = [
                row.pk
                for row in rows
                if row.accepted_at is None and row.member_id != idea.author_id
            ]
            IdeaOriginator.objects.filter(pk__in=dropped).delete()
            rows = [row for row in rows if row.pk not in dropped]
            others = sum(
                row.share_bp for row in rows if row.member_id != idea.author_id
            )
            author_share = BASIS_POINTS - others
            if author_share <= 0:
                # Only rows written around the services could get here.
                raise ValidationError(
                    _(
                        "The co-originators' shares leave nothing to the author; "
                        "the author must set the shares again."
                    )
                )
            author_row = next(
                (row for row in rows if row.member_id == idea.author_id), None
            )
            if author_row is None:
                author_row = IdeaOriginator(idea=idea, member_id=idea.author_id)
                rows.append(author_row)
            author_row.share_bp = author_share
            author_row.accepted_at = author_row.accepted_at or now
            author_row.save()
            idea.shares_frozen_at = now
            idea.save(update_fields=["shares_frozen_at", "updated_at"])
            idea_pages_forget(idea)
        return {row.member_id: row.share_bp for row in rows}
