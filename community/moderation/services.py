"""Writes of moderation: submit content, decide, report, suspend.

Content apps call `content_submit` after saving an item (new or edited) and
`content_withdraw` before deleting one. Moderators act through
`moderation_decide`, `member_suspend` and `suspension_lift`; members through
`report_create`. Every decision writes a `ModerationDecision` row; notifications
and the live queue count leave only after the transaction commits.

Each kind of content is a registered `ModeratedType` (registry.py). After each
decision (`ModerationAction.APPROVE`, `REJECT` or `HIDE`) the content's own
`on_moderation_decision(action=…)` is called inside the transaction, and before a
batch is decided its model's `moderation_lock_related(contents)`: both are
documented no-op defaults on `ModeratedContent` that content apps override.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.members.trust import member_trust_refresh, trust_settings
from community.notifications.services import notification_send

from .live import queue_count_broadcast
from .models import (
    ModeratedContent,
    ModerationAction,
    ModerationDecision,
    ModerationStatus,
    QueueEntry,
    QueueReason,
    QueueShortcuts,
    Report,
    Suspension,
)
from .posting import member_is_premoderated
from .registry import RejectionReason, moderated_type_of
from .selectors import queue_open_count, reports_since_last_review

logger = logging.getLogger(__name__)

MODERATE_PERMISSION = "moderation.moderate_content"
# Created by a data migration with that permission and Wagtail admin access.
MODERATORS_GROUP = "Community moderators"
# Only reports from members of this level or above count toward hiding an item.
REPORT_COUNTS_FROM_LEVEL = 1
NOTE_MAX_LENGTH = 1000
# Keys the Wagtail admin already answers on every page (its shortcuts dialog).
WAGTAIL_ADMIN_KEYS = frozenset("?/[]")
# What a moderator decides on content; HIDE is the system's, after reports.
DECISIONS = (ModerationAction.APPROVE, ModerationAction.REJECT)


def user_can_moderate(user) -> bool:
    """True for active users with the moderation permission (superusers have it)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(MODERATE_PERMISSION)
    )


# --- helpers shared by the services -------------------------------------------


def _report_thresholds() -> tuple[int, int]:
    """(reports that hide an item, level whose one report hides a level-0 item)."""
    trust = trust_settings()
    return trust.reports_to_hide, trust.single_report_hide_level


def _notify(*, recipient, kind: str, title: str, body: str = "", url: str = ""):
    # The notifications app writes the row in this transaction and sends the
    # e-mail and live count only once it commits.
    notification_send(
        recipient=recipient, kind=kind, title=title, body=body, url=url, email=True
    )


def _content_url(content) -> str:
    get_url = getattr(content, "get_absolute_url", None)
    return get_url() if get_url else ""


def _content_label(content) -> str:
    return _("%(kind)s “%(title)s”") % {
        "kind": content._meta.verbose_name,
        "title": str(content),
    }


def _broadcast_count_on_commit() -> None:
    def send():
        queue_count_broadcast(count=queue_open_count())

    # robust: a channel layer that is down must not fail a committed decision.
    transaction.on_commit(send, robust=True)


def _queue_open(content: ModeratedContent, *, reason: str) -> QueueEntry:
    """The content's open queue entry, opened now if there is none."""
    content_type = ContentType.objects.get_for_model(content)
    open_entries = QueueEntry.objects.filter(
        content_type=content_type, object_id=content.pk, closed_at__isnull=True
    )
    entry = open_entries.first()
    if entry is not None:
        return entry
    try:
        with transaction.atomic():
            entry = QueueEntry.objects.create(
                content_type=content_type,
                object_id=content.pk,
                author=content.moderation_author,
                reason=reason,
            )
    except IntegrityError:
        # Opened by a concurrent request between our read and our insert.
        return open_entries.get()
    _broadcast_count_on_commit()
    return entry


def _queue_close(contents: Iterable[ModeratedContent]) -> int:
    """Close the open entries of these contents; returns how many were open."""
    by_type = defaultdict(list)
    for content in contents:
        by_type[ContentType.objects.get_for_model(content)].append(content.pk)
    closed = 0
    now = timezone.now()
    for content_type, ids in by_type.items():
        closed += QueueEntry.objects.filter(
            content_type=content_type, object_id__in=ids, closed_at__isnull=True
        ).update(closed_at=now)
    if closed:
        _broadcast_count_on_commit()
    return closed


def _status_set(content: ModeratedContent, status: str, *, now) -> None:
    content.status = status
    content.status_changed_at = now
    if status == ModerationStatus.PUBLISHED and content.published_at is None:
        content.published_at = now
    if status != ModerationStatus.REJECTED:
        content.rejection_reason = ""
        content.rejection_note = ""
    content.save(
        update_fields=[
            "status",
            "status_changed_at",
            "published_at",
            "rejection_reason",
            "rejection_note",
        ]
    )


def _decision_log(
    content,
    *,
    moderator,
    action: ModerationAction,
    status_before: str,
    reason: str = "",
    note: str = "",
    now,
) -> ModerationDecision:
    return ModerationDecision.objects.create(
        content_type=ContentType.objects.get_for_model(content),
        object_id=content.pk,
        author=content.moderation_author,
        moderator=moderator,
        action=action,
        reason=reason,
        note=note,
        status_before=status_before,
        status_after=content.status,
        decided_at=now,
    )


def _content_app_lock(contents: list) -> None:
    by_model = defaultdict(list)
    for content in contents:
        by_model[type(content)].append(content)
    for model, items in by_model.items():
        model.moderation_lock_related(items)


# --- content apps ---------------------------------------------------------------


def content_submit(*, content: ModeratedContent) -> ModeratedContent:
    """Decide whether new or edited content waits in the queue or is published.

    Authors below trust level 2 (staff apart) are premoderated: the item becomes
    pending with an open queue entry (the existing one if it is already queued).
    Others publish at once. An edit never unhides an item hidden by reports (it
    stays hidden for the moderator), and an item rejected for a reason the author
    cannot fix (spam, offensive, duplicate) cannot be resubmitted. Called by
    content apps inside their own transaction after saving the content; suspension
    and rate limits are checked before, by `member_posting_check`.
    """
    moderated_type = moderated_type_of(content)
    if (
        content.status == ModerationStatus.REJECTED
        and content.rejection_reason
        and not moderated_type.can_fix(content.rejection_reason)
    ):
        raise ValidationError(
            _("This was rejected as “%(reason)s” and cannot be resubmitted.")
            % {"reason": moderated_type.rejection_label(content.rejection_reason)}
        )
    with transaction.atomic():
        now = timezone.now()
        if content.status == ModerationStatus.HIDDEN:
            _queue_open(content, reason=QueueReason.FLAGGED)
            return content
        if member_is_premoderated(member=content.moderation_author):
            _status_set(content, ModerationStatus.PENDING, now=now)
            _queue_open(content, reason=QueueReason.PENDING)
        else:
            _status_set(content, ModerationStatus.PUBLISHED, now=now)
            # A premoderated item whose author was promoted meanwhile needs no
            # moderator any more; a reported one still does.
            closed = QueueEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(content),
                object_id=content.pk,
                closed_at__isnull=True,
                reason=QueueReason.PENDING,
            ).update(closed_at=now)
            if closed:
                _broadcast_count_on_commit()
    return content


def content_withdraw(*, content: ModeratedContent) -> int:
    """Take content out of the queue because its author removed or deleted it.

    Call it before deleting the row (the queue points at content by id and would
    otherwise keep an entry for nothing). Returns how many entries were closed.
    """
    with transaction.atomic():
        return _queue_close([content])


# --- moderators -----------------------------------------------------------------


def _contents_to_decide(entries_or_contents) -> tuple[list, set]:
    """The content items, and the keys of those that were given as queue entries
    (they are skipped if their entry was closed by another moderator meanwhile)."""
    contents, from_entries = [], set()
    for item in entries_or_contents:
        if isinstance(item, QueueEntry):
            if item.content is None:
                continue
            contents.append(item.content)
            from_entries.add((item.content_type_id, item.object_id))
        else:
            contents.append(item)
    return contents, from_entries


def _lock(contents: list) -> list:
    """The same items re-read under a row lock, in the order given, deduplicated."""
    by_model = defaultdict(list)
    for content in contents:
        by_model[type(content)].append(content.pk)
    locked = {}
    for model, ids in by_model.items():
        rows = (
            model._default_manager.select_for_update(of=("self",))
            .select_related(moderated_type_of(model).author_field)
            .filter(pk__in=ids)
        )
        for row in rows:
            locked[(model, row.pk)] = row
    ordered, seen = [], set()
    for content in contents:
        key = (type(content), content.pk)
        if key in locked and key not in seen:
            seen.add(key)
            ordered.append(locked[key])
    return ordered


def _open_entry_keys(contents: list) -> set:
    by_type = defaultdict(list)
    for content in contents:
        by_type[ContentType.objects.get_for_model(content)].append(content.pk)
    keys = set()
    for content_type, ids in by_type.items():
        keys.update(
            QueueEntry.objects.select_for_update()
            .filter(
                content_type=content_type,
                object_id__in=ids,
                closed_at__isnull=True,
            )
            .values_list("content_type_id", "object_id")
        )
    return keys


def moderation_decide(
    *,
    moderator,
    entries_or_contents,
    action: ModerationAction,
    reason: str | None = None,
    note: str = "",
) -> list[ModerationDecision]:
    """Approve or reject one or many items at once; returns the decisions written.

    Only members with the moderation permission may decide, never on their own
    content. Rejecting needs a reason code of each item's type, and "other" needs
    a note to the author. Approving publishes (a hidden item is restored);
    rejecting takes the item down, and for fixable reasons the author may edit
    and resubmit. Each item's open queue entry is closed and a decision row keeps
    who, what, when, why and the status before and after; the author is notified
    (and e-mailed) once it commits. An item given as a queue entry that another
    moderator closed meanwhile is skipped rather than decided twice.
    """
    if not user_can_moderate(moderator):
        raise PermissionDenied(_("You are not allowed to moderate content."))
    action, reason, note = _decision_clean(action=action, reason=reason, note=note)
    contents, from_entries = _contents_to_decide(entries_or_contents)
    if not contents:
        raise ValidationError(_("Select at least one item."))
    if action == ModerationAction.REJECT:
        _reason_check(contents, reason=reason)

    decisions = []
    with transaction.atomic():
        now = timezone.now()
        locked = _lock(contents)
        _content_app_lock(locked)
        open_keys = _open_entry_keys(locked)
        for content in locked:
            if content.moderation_author.pk == moderator.pk:
                raise PermissionDenied(_("You cannot moderate your own content."))
            key = (ContentType.objects.get_for_model(content).pk, content.pk)
            if key in from_entries and key not in open_keys:
                continue
            if content.status == ModerationStatus.REMOVED:
                continue
            decisions.append(
                _decide_one(
                    content,
                    moderator=moderator,
                    action=action,
                    reason=reason,
                    note=note,
                    now=now,
                )
            )
        _queue_close(locked)
    return decisions


def _decision_clean(
    *, action, reason: str | None, note: str
) -> tuple[ModerationAction, str, str]:
    """The action as an enum, the reason (none when approving) and the note
    tidied, or a ValidationError saying what is missing."""
    if action not in DECISIONS:
        raise ValidationError(_("Choose to approve or to reject."))
    action = ModerationAction(action)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("The note is too long (at most %(max)s characters).")
            % {"max": NOTE_MAX_LENGTH}
        )
    if action == ModerationAction.APPROVE:
        return action, "", note
    if not reason:
        raise ValidationError(_("Choose a reason for the rejection."))
    if reason == RejectionReason.OTHER and not note:
        raise ValidationError(
            _("Say in the note what is wrong when the reason is “Other”.")
        )
    return action, reason, note


def _reason_check(contents: list, *, reason: str) -> None:
    """Every item's type must know the rejection reason (a bulk rejection may mix
    kinds of content, each with reasons of its own)."""
    for content in contents:
        moderated_type = moderated_type_of(content)
        if reason not in dict(moderated_type.rejection_choices()):
            raise ValidationError(
                _("Choose a reason for the rejection that applies to %(kind)s.")
                % {"kind": moderated_type.name(2)}
            )


def _decide_one(
    content, *, moderator, action: ModerationAction, reason: str, note: str, now
) -> ModerationDecision:
    """Apply one decision to one locked item, log it and tell its author."""
    before = content.status
    if action == ModerationAction.APPROVE:
        _status_set(content, ModerationStatus.PUBLISHED, now=now)
    else:
        content.rejection_reason = reason
        content.rejection_note = note
        content.status = ModerationStatus.REJECTED
        content.status_changed_at = now
        content.save(
            update_fields=[
                "status",
                "status_changed_at",
                "rejection_reason",
                "rejection_note",
            ]
        )
    decision = _decision_log(
        content,
        moderator=moderator,
        action=action,
        status_before=before,
        reason=reason,
        note=note,
        now=now,
    )
    content.on_moderation_decision(action=action)
    if action == ModerationAction.REJECT:
        _author_notify(
            content,
            kind="content_rejected",
            title=_("Your %(item)s was not accepted"),
            body=_rejection_body(content),
        )
        return decision
    if before != ModerationStatus.PUBLISHED:
        _author_notify(
            content,
            kind="content_approved",
            title=_("Your %(item)s is published"),
            url=_content_url(content),
        )
    member_trust_refresh(member=content.moderation_author)
    return decision


def _author_notify(
    content, *, kind: str, title: str, body: str = "", url: str = ""
) -> None:
    """Tell the author about their item; `title` has an `%(item)s` placeholder."""
    _notify(
        recipient=content.moderation_author,
        kind=kind,
        title=title % {"item": _content_label(content)},
        body=body,
        url=url,
    )


def _rejection_body(content) -> str:
    moderated_type = moderated_type_of(content)
    lines = [
        _("Reason: %(reason)s")
        % {"reason": moderated_type.rejection_label(content.rejection_reason)}
    ]
    if content.rejection_note:
        lines.append(_("Moderator's note: %(note)s") % {"note": content.rejection_note})
    if moderated_type.can_fix(content.rejection_reason):
        lines.append(_("You can edit it and submit it again."))
    else:
        lines.append(_("It cannot be submitted again."))
    return "\n".join(lines)


# --- members' reports -----------------------------------------------------------


def report_create(
    *, reporter, content: ModeratedContent, reason: str, note: str = ""
) -> Report:
    """Record a member's report on published content and hide it at the thresholds.

    Refused for one's own content, for a second report by the same member and
    for content that is not published. Every report puts the item in the queue
    as "reported" so moderators see it; it is hidden (until a moderator decides)
    when members of trust level 1 or more have made three reports since a
    moderator last looked at it, or at once when a member of trust level 3 or
    more reports an item by a level 0 member (both thresholds editable in the
    trust settings). The author is told when their item is hidden.
    """
    if reporter is None or not reporter.is_authenticated:
        raise PermissionDenied(_("Log in to report content."))
    if reason not in dict(moderated_type_of(content).report_choices()):
        raise ValidationError(_("Choose why you are reporting this."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("The details are too long (at most %(max)s characters).")
            % {"max": NOTE_MAX_LENGTH}
        )
    author = content.moderation_author
    if author.pk == reporter.pk:
        raise ValidationError(_("You cannot report your own content."))
    content_type = ContentType.objects.get_for_model(content)
    with transaction.atomic():
        locked = _lock([content])
        content = locked[0] if locked else None
        if content is None or content.status != ModerationStatus.PUBLISHED:
            raise ValidationError(_("Only published content can be reported."))
        already = _("You have already reported this; a moderator will look at it.")
        if Report.objects.filter(
            content_type=content_type, object_id=content.pk, reporter=reporter
        ).exists():
            raise ValidationError(already)
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    content_type=content_type,
                    object_id=content.pk,
                    reporter=reporter,
                    reason=reason,
                    note=note,
                )
        except IntegrityError:
            raise ValidationError(already) from None
        _queue_open(content, reason=QueueReason.FLAGGED)
        if _reports_hide(content, reporter=reporter, author=author):
            _content_hide(content)
    return report


def _reports_hide(content, *, reporter, author) -> bool:
    """Whether the item is to be hidden now that `reporter` reported it."""
    reports_to_hide, single_report_level = _report_thresholds()
    if reporter.trust_level >= single_report_level and author.trust_level == 0:
        return True
    if reporter.trust_level < REPORT_COUNTS_FROM_LEVEL:
        return False
    counted = reports_since_last_review(
        content=content, min_reporter_trust=REPORT_COUNTS_FROM_LEVEL
    )
    return counted >= reports_to_hide


def _content_hide(content: ModeratedContent) -> None:
    now = timezone.now()
    before = content.status
    _status_set(content, ModerationStatus.HIDDEN, now=now)
    _decision_log(
        content,
        moderator=None,
        action=ModerationAction.HIDE,
        status_before=before,
        note=_("Hidden automatically after reports from members."),
        now=now,
    )
    content.on_moderation_decision(action=ModerationAction.HIDE)
    _author_notify(
        content,
        kind="content_hidden",
        title=_("Your %(item)s is hidden until a moderator reviews it"),
        body=_(
            "Members reported it. A moderator will look at it soon and either "
            "publish it again or tell you why not."
        ),
    )


# --- suspensions ----------------------------------------------------------------


def _as_end_of_day(until) -> dt.datetime:
    if isinstance(until, dt.datetime):
        return until if timezone.is_aware(until) else timezone.make_aware(until)
    return timezone.make_aware(dt.datetime.combine(until, dt.time(23, 59, 59)))


def member_suspend(*, moderator, member, until, reason: str) -> Suspension:
    """Suspend a member until a date, for a reason they are told.

    A suspended member may read but not post. Only moderators may suspend, never
    themselves, and the end must be in the future; a date means the end of that
    day. The suspension is logged as a decision and the member is notified (and
    e-mailed) with the reason and end date.
    """
    if not user_can_moderate(moderator):
        raise PermissionDenied(_("You are not allowed to suspend members."))
    if member.pk == moderator.pk:
        raise ValidationError(_("You cannot suspend yourself."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why: the member is shown the reason."))
    until = _as_end_of_day(until)
    if until <= timezone.now():
        raise ValidationError(_("The end of the suspension must be in the future."))
    with transaction.atomic():
        now = timezone.now()
        suspension = Suspension.objects.create(
            member=member, until=until, reason=reason, moderator=moderator
        )
        ModerationDecision.objects.create(
            author=member,
            moderator=moderator,
            action=ModerationAction.SUSPEND,
            note=reason,
            decided_at=now,
        )
        _notify(
            recipient=member,
            kind="suspended",
            title=_("Your account is suspended until %(until)s")
            % {"until": date_format(timezone.localtime(until), "DATETIME_FORMAT")},
            body=_(
                "You can still read the site but not post until then. Reason: "
                "%(reason)s"
            )
            % {"reason": reason},
        )
    return suspension


def suspension_lift(*, moderator, suspension: Suspension, note: str = "") -> Suspension:
    """End a suspension now; logged as a decision and the member is told.

    Only moderators may lift; a suspension already lifted or over stays as it is.
    """
    if not user_can_moderate(moderator):
        raise PermissionDenied(_("You are not allowed to lift suspensions."))
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
        now = timezone.now()
        if suspension.lifted_at is not None or suspension.until <= now:
            raise ValidationError(_("This suspension is already over."))
        suspension.lifted_at = now
        suspension.save(update_fields=["lifted_at"])
        ModerationDecision.objects.create(
            author=suspension.member,
            moderator=moderator,
            action=ModerationAction.LIFT_SUSPENSION,
            note=(note or "").strip(),
            decided_at=now,
        )
        _notify(
            recipient=suspension.member,
            kind="suspension_lifted",
            title=_("Your suspension is lifted: you can post again"),
        )
    return suspension


# --- a moderator's keyboard shortcuts on the queue ------------------------------


def queue_shortcuts_save(
    *, moderator, enabled: bool, keys: dict[str, str]
) -> QueueShortcuts:
    """Turn a moderator's single-key queue shortcuts on or off and choose the keys.

    Each action gets one visible character, no two actions the same key, and none
    of the keys the Wagtail admin already uses on every page. Letters are kept in
    lower case: the queue answers the key with or without Shift.
    """
    if not user_can_moderate(moderator):
        raise PermissionDenied(_("Only moderators may open the moderation queue."))
    cleaned = {}
    for action in QueueShortcuts.ACTIONS:
        key = (keys.get(action) or "").lower()
        if len(key) != 1 or key.isspace() or not key.isprintable():
            raise ValidationError(_("Each shortcut is one visible character."))
        if key in WAGTAIL_ADMIN_KEYS:
            raise ValidationError(
                _("“%(key)s” is a shortcut of the Wagtail admin; choose another key.")
                % {"key": key}
            )
        if key in cleaned.values():
            raise ValidationError(
                _("“%(key)s” is chosen twice; give each action its own key.")
                % {"key": key}
            )
        cleaned[action] = key
    with transaction.atomic():
        shortcuts, _created = QueueShortcuts.objects.select_for_update().get_or_create(
            moderator=moderator
        )
        shortcuts.enabled = bool(enabled)
        for action, key in cleaned.items():
            setattr(shortcuts, f"{action}_key", key)
        shortcuts.save(
            update_fields=[
                "enabled",
                *(f"{action}_key" for action in QueueShortcuts.ACTIONS),
                "updated_at",
            ]
        )
    return shortcuts
