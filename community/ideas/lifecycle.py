"""How an idea moves through its life: the one writer of `Idea.state`.

Every change goes through `_state_change`, which writes the state, keeps the
history row (who, when, the public reason), gives supports back to their members'
budgets when the idea leaves the states that hold them, and tells the page cache.
Each public function is one transaction that locks the idea row first
(`select_for_update`), so two moderators, the board and `ideas_refresh` acting on
one idea at once are put in line, and refuses a move the lifecycle does not allow
with a ValidationError in words.

    draft → pending → open → in review → accepted → in development → launched
                        ↘ expired   ↘ on hold ↔ in review        ↘ declined
    withdrawn (by the author, before review) · merged (by a moderator)

Reaching a stage that is not the last keeps the idea open with the next stage's
deadline; it is kept in the history too, as an open → open row whose reason says
which threshold was reached and what comes next.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.moderation.models import ModerationAction

from . import notify
from .cached_pages import idea_pages_forget
from .models import (
    BASIS_POINTS,
    SUPPORT_HOLDING_STATES,
    WITHDRAWABLE_STATES,
    Idea,
    IdeaOriginator,
    IdeasSettings,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
    stage_deadline_after,
)

# Which state may follow which, whoever asks. The functions below add who may.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    IdeaState.DRAFT: frozenset(
        {IdeaState.PENDING, IdeaState.OPEN, IdeaState.WITHDRAWN}
    ),
    IdeaState.PENDING: frozenset({IdeaState.OPEN, IdeaState.WITHDRAWN}),
    IdeaState.OPEN: frozenset(
        {IdeaState.IN_REVIEW, IdeaState.EXPIRED, IdeaState.MERGED, IdeaState.WITHDRAWN}
    ),
    IdeaState.IN_REVIEW: frozenset(
        {IdeaState.ACCEPTED, IdeaState.DECLINED, IdeaState.ON_HOLD, IdeaState.MERGED}
    ),
    IdeaState.ON_HOLD: frozenset(
        {IdeaState.IN_REVIEW, IdeaState.ACCEPTED, IdeaState.DECLINED, IdeaState.MERGED}
    ),
    IdeaState.ACCEPTED: frozenset({IdeaState.IN_DEVELOPMENT, IdeaState.LAUNCHED}),
    IdeaState.IN_DEVELOPMENT: frozenset({IdeaState.LAUNCHED}),
    IdeaState.LAUNCHED: frozenset(),
    IdeaState.DECLINED: frozenset(),
    IdeaState.EXPIRED: frozenset(),
    IdeaState.MERGED: frozenset(),
    IdeaState.WITHDRAWN: frozenset(),
}

DECIDE_PERMISSION = "ideas.decide_ideas"
# What the review board may decide on an idea in review or on hold.
BOARD_DECISIONS = frozenset({IdeaState.ACCEPTED, IdeaState.DECLINED, IdeaState.ON_HOLD})
REASON_MAX_LENGTH = 2_000
# The "trending" window: supports given in the last RECENT_DAYS days.
RECENT_DAYS = 14
# Ideas locked and moved per transaction by ideas_refresh: short transactions
# (SQLite writes one at a time) without one commit per idea.
REFRESH_BATCH = 200
# The part of the original author's share offered to a merged duplicate's author.
MERGE_CO_ORIGINATOR_BP = 1_000

# `idea_open(by=...)` left out: the author opened it (a trusted member's submit).
_AUTHOR = object()

# The fields the lifecycle writes, copied back onto the caller's instance so it
# does not keep showing what the row was before the locked re-read.
_LIFECYCLE_FIELDS = (
    "state",
    "state_changed_at",
    "opened_at",
    "stage",
    "stage_deadline",
    "supporter_count",
    "recent_supporter_count",
    "merged_into_id",
    "product_id",
    "shares_frozen_at",
    "updated_at",
)


def idea_locked(idea_id: int) -> Idea:
    """The idea's row, locked for the rest of the transaction."""
    return Idea.objects.select_for_update().get(pk=idea_id)


def _copy_back(target: Idea, source: Idea) -> Idea:
    if target is not source:
        for name in _LIFECYCLE_FIELDS:
            setattr(target, name, getattr(source, name))
    return target


def _state_change(
    idea: Idea, to_state: str, *, by=None, reason: str = "", now: dt.datetime
) -> IdeaStateChange:
    """Move a locked idea to `to_state` and keep the history row.

    Refuses a move ALLOWED_MOVES does not list. Leaving the states that hold
    supports gives every support back to its member's budget (`released_at`).
    """
    from_state = idea.state
    if to_state not in ALLOWED_MOVES[from_state]:
        raise ValidationError(
            _("An idea that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": IdeaState(from_state).label,
                "to": IdeaState(to_state).label,
            }
        )
    idea.state = to_state
    idea.state_changed_at = now
    idea.save(update_fields=["state", "state_changed_at", "updated_at"])
    if from_state in SUPPORT_HOLDING_STATES and to_state not in SUPPORT_HOLDING_STATES:
        IdeaSupport.objects.filter(idea=idea, released_at__isnull=True).update(
            released_at=now
        )
    idea_pages_forget(idea)
    return _history_write(
        idea, from_state=from_state, to_state=to_state, by=by, reason=reason, now=now
    )


def _history_write(
    idea: Idea, *, from_state: str, to_state: str, by, reason: str, now
) -> IdeaStateChange:
    return IdeaStateChange.objects.create(
        idea=idea,
        from_state=from_state,
        to_state=to_state,
        by=by if getattr(by, "pk", None) else None,
        reason=(reason or "").strip()[:REASON_MAX_LENGTH],
        created_at=now,
    )


def _day(moment: dt.datetime | dt.date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment)
    return date_format(moment, "DATE_FORMAT")


def _reason_clean(reason: str, *, required: bool) -> str:
    """The public reason tidied, or a ValidationError saying what is wrong."""
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(_("Give the public reason for this decision."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason is too long (at most %(max)s characters).")
            % {"max": REASON_MAX_LENGTH}
        )
    return reason


def _board_check(user) -> None:
    """Only active members with the review board's permission (superusers have it)
    decide, develop and launch ideas."""
    if not (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(DECIDE_PERMISSION)
    ):
        raise PermissionDenied(_("Only the review board may decide on ideas."))


# --- stages ----------------------------------------------------------------------


def _stages() -> list[tuple[int, int]]:
    return IdeasSettings.load().stages()


def _is_reached(idea: Idea, stages: list[tuple[int, int]]) -> bool:
    """Whether an open idea's supporters reached its stage (or it has none left,
    after the stages were cut down in the settings)."""
    if idea.stage >= len(stages):
        return True
    return idea.supporter_count >= stages[idea.stage][0]


def _is_late(idea: Idea, now: dt.datetime) -> bool:
    return idea.stage_deadline is not None and idea.stage_deadline < now


def _advance(idea: Idea, *, stages: list[tuple[int, int]], now) -> str:
    """Move a locked open idea past every stage its supporters reached: to the next
    stage with a new deadline from now, or into review past the last one.

    Returns "in_review", "advanced" or "" when nothing was reached.
    """
    if not _is_reached(idea, stages):
        return ""
    reached = idea.supporter_count
    while idea.stage < len(stages) and idea.supporter_count >= stages[idea.stage][0]:
        reached = stages[idea.stage][0]
        idea.stage += 1
    if idea.stage >= len(stages):
        idea.stage = len(stages)
        idea.save(update_fields=["stage", "updated_at"])
        reason = _("Reached %(count)s supporters.") % {"count": reached}
        _state_change(idea, IdeaState.IN_REVIEW, reason=reason, now=now)
        notify.idea_in_review_notify(idea, reason=reason)
        return "in_review"
    next_supporters, next_days = stages[idea.stage]
    idea.stage_deadline = stage_deadline_after(now, next_days)
    idea.save(update_fields=["stage", "stage_deadline", "updated_at"])
    reason = _(
        "Reached %(count)s supporters. Next stage: %(next)s supporters by %(date)s."
    ) % {"count": reached, "next": next_supporters, "date": _day(idea.stage_deadline)}
    # Not a change of state, but a step of the idea's life the page shows.
    _history_write(
        idea,
        from_state=IdeaState.OPEN,
        to_state=IdeaState.OPEN,
        by=None,
        reason=reason,
        now=now,
    )
    idea_pages_forget(idea)
    notify.idea_advanced_notify(idea, reached=reached, reason=reason)
    return "advanced"


def _expire(idea: Idea, *, stages: list[tuple[int, int]], now) -> None:
    """A locked open idea missed its stage's deadline: it expires and its supports
    go back to their members."""
    wanted = stages[idea.stage][0] if idea.stage < len(stages) else 0
    reason = _("Did not reach %(count)s supporters by %(date)s.") % {
        "count": wanted,
        "date": _day(idea.stage_deadline),
    }
    _state_change(idea, IdeaState.EXPIRED, reason=reason, now=now)
    notify.idea_expired_notify(idea, reason=reason)


# --- the functions other modules call (docstrings are the contract) -----------


def idea_pending(*, idea: Idea, by=None, now: dt.datetime | None = None) -> Idea:
    """A draft sent to moderation waits there (draft → pending), for members
    whose trust level requires it. Called by the submitting service."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = idea_locked(idea.pk)
        if locked.state != IdeaState.PENDING:
            _state_change(locked, IdeaState.PENDING, by=by or locked.author, now=now)
    return _copy_back(idea, locked)


def idea_open(
    *,
    idea: Idea,
    now: dt.datetime | None = None,
    by=_AUTHOR,
    notify_author: bool = True,
) -> Idea:
    """A draft or pending idea opens to support: stage 0 and its deadline from the
    programme's stages (IdeasSettings). Called when a trusted member submits and
    when moderation approves a pending idea; opening an open idea changes nothing.
    The author is told, unless moderation already told them (`notify_author`)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = idea_locked(idea.pk)
        if locked.state == IdeaState.OPEN:
            return _copy_back(idea, locked)
        stages = _stages()
        locked.opened_at = now
        locked.stage = 0
        locked.stage_deadline = (
            stage_deadline_after(now, stages[0][1]) if stages else None
        )
        locked.save(
            update_fields=["opened_at", "stage", "stage_deadline", "updated_at"]
        )
        _state_change(
            locked,
            IdeaState.OPEN,
            by=locked.author if by is _AUTHOR else by,
            reason=_("Open for support."),
            now=now,
        )
        if notify_author:
            notify.idea_opened_notify(locked, stages=stages)
        # No stage at all (every threshold set to 0): straight to review.
        _advance(locked, stages=stages, now=now)
    return _copy_back(idea, locked)


def idea_stage_check(*, idea: Idea, now: dt.datetime | None = None) -> Idea:
    """After a support (inside its transaction, the idea row locked): if the idea's
    supporters reached its stage it moves to the next one, with a deadline from
    now, or into review past the last stage; supporters and originators are told.
    Anything but an open idea is left as it is."""
    now = now or timezone.now()
    with transaction.atomic():
        # Re-read under the lock: the caller's instance may hold an F() update.
        locked = idea_locked(idea.pk)
        if locked.state == IdeaState.OPEN:
            _advance(locked, stages=_stages(), now=now)
    return _copy_back(idea, locked)


def idea_moderated(*, idea: Idea, action: ModerationAction) -> None:
    """Called by moderation after a decision on the idea (in its transaction).

    Approved while pending: the idea opens (opened_at, stage 0 and its deadline
    from IdeasSettings) and the page cache is told; moderation itself tells the
    author it is published. Rejected or hidden: it leaves the lists; the state is
    kept so an edit can resubmit it.
    """
    if action == ModerationAction.APPROVE and idea.state in (
        IdeaState.DRAFT,
        IdeaState.PENDING,
    ):
        # Moderation tells the author it is published; one message is enough.
        idea_open(idea=idea, now=timezone.now(), by=None, notify_author=False)
        return
    idea_pages_forget(idea)


def idea_withdraw(*, idea: Idea, member, reason: str = "") -> Idea:
    """The author takes back an idea that is a draft, pending or open.

    Its queue entry is closed, its supports go back to their members (who are
    told), and it leaves every public list. Nobody but the author may, and not
    once the review board has it.
    """
    from community.moderation.services import content_withdraw

    reason = _reason_clean(reason, required=False)
    now = timezone.now()
    with transaction.atomic():
        locked = idea_locked(idea.pk)
        if member is None or locked.author_id != getattr(member, "pk", None):
            raise PermissionDenied(_("Only its author may withdraw an idea."))
        if locked.state not in WITHDRAWABLE_STATES:
            raise ValidationError(
                _(
                    "An idea that is “%(state)s” can no longer be withdrawn: only "
                    "before it goes to the review board."
                )
                % {"state": IdeaState(locked.state).label}
            )
        was_open = locked.state == IdeaState.OPEN
        _state_change(
            locked,
            IdeaState.WITHDRAWN,
            by=member,
            reason=reason or _("Withdrawn by its author."),
            now=now,
        )
        content_withdraw(content=locked)
        if was_open:
            notify.idea_withdrawn_notify(locked)
    return _copy_back(idea, locked)


def idea_review_decide(*, idea: Idea, by, decision: str, reason: str) -> Idea:
    """The review board decides an idea in review or on hold: `decision` is
    accepted, declined or on_hold, always with a public reason. Accepting freezes
    the originators' shares. Supporters and originators are notified."""
    from . import services

    _board_check(by)
    if decision not in BOARD_DECISIONS:
        raise ValidationError(_("Choose to accept, decline or put the idea on hold."))
    reason = _reason_clean(reason, required=True)
    now = timezone.now()
    with transaction.atomic():
        locked = idea_locked(idea.pk)
        if locked.state not in (IdeaState.IN_REVIEW, IdeaState.ON_HOLD):
            raise ValidationError(
                _(
                    "The review board decides ideas in review or on hold, not "
                    "“%(state)s”."
                )
                % {"state": IdeaState(locked.state).label}
            )
        if decision == locked.state:
            raise ValidationError(
                _("This idea is already “%(state)s”.")
                % {"state": IdeaState(locked.state).label}
            )
        if decision == IdeaState.ACCEPTED:
            # Invitations not accepted by now are dropped, their shares back to
            # the author: what a launch will pay is settled from here on.
            services.originator_shares_freeze(idea=locked, now=now)
            locked.refresh_from_db(fields=["shares_frozen_at"])
        _state_change(locked, decision, by=by, reason=reason, now=now)
        notify.idea_decided_notify(locked, reason=reason)
    return _copy_back(idea, locked)


def idea_development_start(*, idea: Idea, by, reason: str = "") -> Idea:
    """An accepted idea goes into development (the review board's step); its
    originators are told."""
    _board_check(by)
    reason = _reason_clean(reason, required=False)
    now = timezone.now()
    with transaction.atomic():
        locked = idea_locked(idea.pk)
        if locked.state != IdeaState.ACCEPTED:
            raise ValidationError(
                _("Only an accepted idea goes into development, not “%(state)s”.")
                % {"state": IdeaState(locked.state).label}
            )
        reason = reason or _("The product team is developing it.")
        _state_change(locked, IdeaState.IN_DEVELOPMENT, by=by, reason=reason, now=now)
        notify.idea_development_notify(locked, reason=reason)
    return _copy_back(idea, locked)


def _launch_shares(idea: Idea) -> dict[int, int]:
    """member id → share of the idea's accepted originators; they must add up."""
    shares = dict(
        IdeaOriginator.objects.filter(idea=idea, accepted_at__isnull=False)
        .order_by("pk")
        .values_list("member_id", "share_bp")
    )
    if not shares:
        # Written by hand in the data at worst: the author alone.
        shares = {idea.author_id: BASIS_POINTS}
    if sum(shares.values()) != BASIS_POINTS:
        raise ValidationError(
            _(
                "The originators' accepted shares add up to %(total)s basis points, "
                "not 10,000: settle the co-originators' invitations first."
            )
            % {"total": sum(shares.values())}
        )
    return shares


def idea_launch(*, idea: Idea, by, sku: str, reason: str = "") -> Idea:
    """An accepted or in-development idea becomes the catalog product `sku`.

    Creates the product's originators in rewards from the frozen shares through
    `rewards.services.product_originators_set` (the only place originators are
    written), so the next monthly close pays them. Unknown SKU, a product that
    already has originators from elsewhere: ValidationError in words.
    """
    from django.contrib.auth import get_user_model

    from marketplace.catalog.models import Product
    from rewards.models import ProductOriginator
    from rewards.services import product_originators_set

    _board_check(by)
    reason = _reason_clean(reason, required=False)
    sku = (sku or "").strip()
    if not sku:
        raise ValidationError(_("Give the SKU of the catalog product it became."))
    now = timezone.now()
    with transaction.atomic():
        locked = idea_locked(idea.pk)
        if locked.state == IdeaState.LAUNCHED:
            raise ValidationError(
                _("This idea is already launched, as “%(product)s”.")
                % {"product": locked.product.name if locked.product else "?"}
            )
        if locked.state not in (IdeaState.ACCEPTED, IdeaState.IN_DEVELOPMENT):
            raise ValidationError(
                _("Only an accepted idea can be launched, not one “%(state)s”.")
                % {"state": IdeaState(locked.state).label}
            )
        # Locked so that two launches naming one product are put in line.
        product = Product.objects.select_for_update().filter(sku=sku).first()
        if product is None:
            raise ValidationError(
                _("No product of the catalog has the SKU “%(sku)s”.") % {"sku": sku}
            )
        other = Idea.objects.filter(product=product).exclude(pk=locked.pk).first()
        if other is not None:
            raise ValidationError(
                _("“%(product)s” is already the product of the idea “%(idea)s”.")
                % {"product": product.name, "idea": other.title}
            )
        if ProductOriginator.objects.filter(origin__product=product).exists():
            raise ValidationError(
                _(
                    "“%(product)s” already has originators, named in the rewards "
                    "admin: it cannot also be this idea's product."
                )
                % {"product": product.name}
            )
        shares = _launch_shares(locked)
        members = get_user_model().objects.in_bulk(list(shares))
        product_originators_set(
            product=product,
            shares={members[pk]: share for pk, share in shares.items()},
            note=f"Idea #{locked.pk}: {locked.title}"[:200],
        )
        locked.product = product
        locked.save(update_fields=["product", "updated_at"])
        reason = reason or _("On sale as “%(product)s”.") % {"product": product.name}
        _state_change(locked, IdeaState.LAUNCHED, by=by, reason=reason, now=now)
        notify.idea_launched_notify(locked, product=product, reason=reason)
    return _copy_back(idea, locked)


def _merge_check(duplicate: Idea, original: Idea) -> None:
    if original.pk == duplicate.pk:
        raise ValidationError(_("An idea cannot be merged into itself."))
    if not original.is_public or original.state in (
        IdeaState.MERGED,
        IdeaState.WITHDRAWN,
    ):
        raise ValidationError(
            _(
                "Merge into a public idea that is itself neither merged nor "
                "withdrawn; “%(title)s” is “%(state)s”."
            )
            % {"title": original.title, "state": IdeaState(original.state).label}
        )
    if IdeaState.MERGED not in ALLOWED_MOVES[duplicate.state]:
        raise ValidationError(
            _(
                "Only an idea gathering support, in review or on hold can be merged; "
                "“%(title)s” is “%(state)s”."
            )
            % {"title": duplicate.title, "state": IdeaState(duplicate.state).label}
        )
    if original.merged_into_id == duplicate.pk:
        raise ValidationError(_("The original was merged into this idea already."))


def _supports_move(duplicate: Idea, original: Idea, *, now) -> int:
    """Move the duplicate's supports to the original; returns how many moved.

    A member who supported both, and the original's author (never a supporter of
    their own idea), keep one support: the duplicate's is deleted, so it is back
    in their budget. Moved supports are given back at once when the original no
    longer holds supports (it was launched, declined or expired).
    """
    already = IdeaSupport.objects.filter(idea=original).values("member_id")
    doubles = IdeaSupport.objects.filter(idea=duplicate).filter(
        Q(member_id__in=already) | Q(member_id=original.author_id)
    )
    doubles.delete()
    rest = IdeaSupport.objects.filter(idea=duplicate)
    if original.state in SUPPORT_HOLDING_STATES:
        return rest.update(idea=original)
    return rest.update(idea=original, released_at=now)


def _counts_recount(idea_ids: list[int], *, now) -> int:
    """Supporter counts of these ideas set from their rows, in one UPDATE."""
    supports = IdeaSupport.objects.filter(idea=OuterRef("pk")).order_by()
    total = supports.values("idea").annotate(n=Count("pk")).values("n")
    recent = (
        supports.filter(created_at__gte=now - dt.timedelta(days=RECENT_DAYS))
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Idea.objects.filter(pk__in=idea_ids).update(
        supporter_count=Coalesce(Subquery(total), 0),
        recent_supporter_count=Coalesce(Subquery(recent), 0),
    )


def _co_originator_invite(original: Idea, member) -> IdeaOriginator | None:
    """Invite the duplicate's author as a co-originator of the original with
    MERGE_CO_ORIGINATOR_BP taken from the original author's share."""
    if original.shares_frozen_at is not None:
        raise ValidationError(
            _(
                "The original's shares were frozen when it was accepted: its "
                "author cannot share them any more."
            )
        )
    if IdeaOriginator.objects.filter(idea=original, member=member).exists():
        return None
    author_share = (
        IdeaOriginator.objects.select_for_update()
        .filter(idea=original, member_id=original.author_id)
        .first()
    )
    if author_share is None or author_share.share_bp <= MERGE_CO_ORIGINATOR_BP:
        raise ValidationError(
            _(
                "The original's author keeps too small a share to give %(share)s "
                "to a co-originator."
            )
            % {"share": f"{MERGE_CO_ORIGINATOR_BP // 100} %"}
        )
    author_share.share_bp -= MERGE_CO_ORIGINATOR_BP
    author_share.save(update_fields=["share_bp"])
    return IdeaOriginator.objects.create(
        idea=original, member=member, share_bp=MERGE_CO_ORIGINATOR_BP
    )


def idea_merge(
    *,
    duplicate: Idea,
    original: Idea,
    by,
    reason: str = "",
    add_co_originator: bool = False,
) -> Idea:
    """A moderator merges a duplicate into its original.

    Supports move to the original; a member who supported both keeps one and gets
    the other back. The duplicate becomes merged (its URL redirects to the
    original); both authors are notified; optionally the duplicate's author is
    invited as a co-originator of the original.
    """
    from community.moderation.services import user_can_moderate

    if not user_can_moderate(by):
        raise PermissionDenied(_("Only moderators may merge ideas."))
    reason = _reason_clean(reason, required=False)
    now = timezone.now()
    with transaction.atomic():
        # Both rows locked in id order: two merges of the same pair cannot
        # deadlock, whichever way round they name it.
        locked = {
            row.pk: row
            for row in Idea.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, original.pk])
            .order_by("pk")
        }
        dup, orig = locked.get(duplicate.pk), locked.get(original.pk)
        if dup is None or orig is None:
            raise ValidationError(_("This idea no longer exists."))
        _merge_check(dup, orig)
        supporter_ids = list(
            IdeaSupport.objects.filter(idea=dup).values_list("member_id", flat=True)
        )
        _supports_move(dup, orig, now=now)
        _counts_recount([dup.pk, orig.pk], now=now)
        for row in (dup, orig):
            row.refresh_from_db(fields=["supporter_count", "recent_supporter_count"])
        dup.merged_into = orig
        dup.save(update_fields=["merged_into", "updated_at"])
        # Ideas merged into the duplicate before now point at the original: one
        # redirect, never a chain.
        Idea.objects.filter(merged_into=dup).update(merged_into=orig)
        _state_change(
            dup,
            IdeaState.MERGED,
            by=by,
            reason=reason
            or _("Merged into “%(title)s”, which says the same.")
            % {"title": orig.title},
            now=now,
        )
        invited = None
        if add_co_originator and dup.author_id != orig.author_id:
            invited = _co_originator_invite(orig, dup.author)
        idea_pages_forget(orig)
        notify.idea_merged_notify(
            dup,
            original=orig,
            supporter_ids=supporter_ids,
            invited=invited,
        )
        if orig.state == IdeaState.OPEN:
            # The moved supports may carry the original past its stage.
            _advance(orig, stages=_stages(), now=now)
    _copy_back(original, orig)
    return _copy_back(duplicate, dup)


# --- the daily refresh -------------------------------------------------------------


def _refresh_scope():
    """Ideas the refresh looks at: open ones, and any whose 14-day count has not
    yet fallen back to zero (it decays after the idea left open)."""
    return Idea.objects.filter(
        Q(state=IdeaState.OPEN) | Q(recent_supporter_count__gt=0)
    ).order_by("pk")


def _recent_recount(idea_ids: list[int], *, now) -> int:
    """Each idea's supports of the last RECENT_DAYS days, in one UPDATE."""
    recent = (
        IdeaSupport.objects.filter(
            idea=OuterRef("pk"),
            created_at__gte=now - dt.timedelta(days=RECENT_DAYS),
        )
        .order_by()
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Idea.objects.filter(pk__in=idea_ids).update(
        recent_supporter_count=Coalesce(Subquery(recent), 0)
    )


def _refresh_batch(ids: list[int], *, stages, now, counts: dict[str, int]) -> None:
    """One transaction: lock the batch's ideas in id order, re-read them, move
    those due, recount their 14-day supporters."""
    with transaction.atomic():
        rows = list(Idea.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        for idea in rows:
            # Re-read under the lock: another refresh, a support or the board may
            # have moved it since the batch was listed.
            if idea.state != IdeaState.OPEN:
                continue
            moved = _advance(idea, stages=stages, now=now)
            if moved:
                counts[moved] += 1
            elif _is_late(idea, now):
                _expire(idea, stages=stages, now=now)
                counts["expired"] += 1
        counts["recounted"] += _recent_recount([idea.pk for idea in rows], now=now)


def ideas_refresh(*, now: dt.datetime | None = None, progress=None) -> dict[str, int]:
    """The daily pass (`manage.py ideas_refresh`): ideas whose supporters reached
    their stage move on (the last stage puts them in review), ideas past their
    stage's deadline expire, and every open idea's 14-day supporter count is
    recounted. Idempotent and safe to run twice at once (each idea is locked and
    re-read before it moves). Returns counts by what happened."""
    now = now or timezone.now()
    stages = _stages()
    counts = {"advanced": 0, "in_review": 0, "expired": 0, "recounted": 0}
    scope = _refresh_scope()
    # Progress lines are the operator's, in English like every command's.
    step = progress.step("Ideas", scope.count()) if progress is not None else None
    last_id = 0
    while True:
        # Keyset over ids: each batch is read fresh, so ideas moved by a
        # concurrent run are seen as they are now.
        ids = list(
            scope.filter(pk__gt=last_id).values_list("pk", flat=True)[:REFRESH_BATCH]
        )
        if not ids:
            break
        _refresh_batch(ids, stages=stages, now=now, counts=counts)
        last_id = ids[-1]
        if step is not None:
            step.advance(len(ids))
    if step is not None:
        step.done(
            "{advanced} advanced, {in_review} in review, {expired} expired".format(
                **counts
            )
        )
    return counts
