"""Reads of the moderation queue, its history and members' suspensions."""

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.paginator import Page, Paginator
from django.db.models import (
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)

from community.members.trust import APPROVED, trust_facts_sum

from .models import (
    ModerationAction,
    ModerationDecision,
    ModerationStatus,
    QueueEntry,
    QueueReason,
    QueueShortcuts,
    Report,
    Suspension,
)
from .registry import ModeratedType, moderated_type_for, moderated_types

QUEUE_PAGE_SIZE = 50
HISTORY_LIMIT = 100
WAIT_WINDOW = dt.timedelta(days=30)


def moderated_content_types() -> list[tuple[ContentType, ModeratedType]]:
    """The registered types with their content types, by name, for the queue's
    type filter (content types are cached: no query after the first)."""
    pairs = [(t.content_type, t) for t in moderated_types()]
    return sorted(pairs, key=lambda pair: pair[1].name(2))


def content_queryset(moderated_type: ModeratedType) -> QuerySet:
    """How the queue loads one kind of content for its previews.

    Every forward relation is joined and the type's `preview_prefetch` lookups
    (photos…) are prefetched, so previews never query row by row.
    """
    return moderated_type.model._default_manager.select_related().prefetch_related(
        *moderated_type.preview_prefetch
    )


def queue_entries(
    *, content_type_id: int | None = None, reason: str | None = None
) -> QuerySet[QueueEntry]:
    """Open queue entries, oldest first, with their content loaded per type."""
    entries = QueueEntry.objects.filter(closed_at__isnull=True)
    if content_type_id:
        entries = entries.filter(content_type_id=content_type_id)
    if reason:
        entries = entries.filter(reason=reason)
    return (
        entries.select_related("author", "content_type")
        .prefetch_related(
            GenericPrefetch("content", [content_queryset(t) for t in moderated_types()])
        )
        .order_by("opened_at", "id")
    )


def queue_page(
    *,
    content_type_id: int | None = None,
    reason: str | None = None,
    page_number=1,
    per_page: int = QUEUE_PAGE_SIZE,
) -> Page:
    """One page of the queue; a bad or out-of-range page number gives a real page."""
    paginator = Paginator(
        queue_entries(content_type_id=content_type_id, reason=reason), per_page
    )
    return paginator.get_page(page_number)


def queue_open_count() -> int:
    """How many items wait for a moderator."""
    return QueueEntry.objects.filter(closed_at__isnull=True).count()


def queue_entries_by_ids(*, entry_ids) -> list[QueueEntry]:
    """The open entries among `entry_ids`, with their content, oldest first."""
    return list(queue_entries().filter(pk__in=list(entry_ids)))


def queue_entry_open_for(*, content) -> QueueEntry | None:
    """The content's open queue entry, if any."""
    return QueueEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(content),
        object_id=content.pk,
        closed_at__isnull=True,
    ).first()


def content_get(*, content_type_id: int, object_id: int):
    """A moderated item by its content type and id, or None if unknown."""
    moderated_type = moderated_type_for(content_type_id)
    if moderated_type is None:
        return None
    return content_queryset(moderated_type).filter(pk=object_id).first()


def content_decisions(*, content) -> QuerySet[ModerationDecision]:
    """Every decision on one item, newest first."""
    return ModerationDecision.objects.filter(
        content_type=ContentType.objects.get_for_model(content), object_id=content.pk
    ).select_related("moderator", "author")


def content_reports(*, content) -> QuerySet[Report]:
    """Every report on one item, newest first."""
    return (
        Report.objects.filter(
            content_type=ContentType.objects.get_for_model(content),
            object_id=content.pk,
        )
        .select_related("reporter")
        .order_by("-created_at", "-id")
    )


def member_decisions(*, member) -> QuerySet[ModerationDecision]:
    """Decisions about a member's content or account, newest first."""
    return ModerationDecision.objects.filter(author=member).select_related(
        "moderator", "content_type"
    )


def member_reports_received(*, member) -> QuerySet[Report]:
    """Reports on any of a member's content, newest first."""
    conditions = [
        Q(
            content_type=moderated_type.content_type,
            object_id__in=moderated_type.authored_by(member).values("pk"),
        )
        for moderated_type in moderated_types()
    ]
    if not conditions:
        return Report.objects.none()
    return (
        Report.objects.filter(reduce(or_, conditions))
        .select_related("reporter", "content_type")
        .order_by("-created_at", "-id")
    )


def member_reports_made(*, member) -> QuerySet[Report]:
    """Reports a member made, newest first (to spot someone reporting in bulk)."""
    return (
        Report.objects.filter(reporter=member)
        .select_related("content_type")
        .order_by("-created_at", "-id")
    )


def member_suspensions(*, member) -> QuerySet[Suspension]:
    """Every suspension of a member, newest first."""
    return (
        Suspension.objects.filter(member=member)
        .select_related("moderator")
        .order_by("-created_at", "-id")
    )


def reports_since_last_review(*, content, min_reporter_trust: int) -> int:
    """Reports on an item since a moderator last looked at it, from members of at
    least `min_reporter_trust`. Reports a moderator already weighed do not count
    again, so an approved item is not hidden by its old reports."""
    content_type = ContentType.objects.get_for_model(content)
    reports = Report.objects.filter(
        content_type=content_type,
        object_id=content.pk,
        reporter__trust_level__gte=min_reporter_trust,
    )
    last_review = (
        ModerationDecision.objects.filter(
            content_type=content_type,
            object_id=content.pk,
            moderator__isnull=False,
        )
        .order_by("-decided_at", "-id")
        .values_list("decided_at", flat=True)
        .first()
    )
    if last_review is not None:
        reports = reports.filter(created_at__gt=last_review)
    return reports.count()


def member_approved_contributions(*, member) -> int:
    """How many of a member's items were approved, of every registered type.

    An approved contribution is an item a moderator approved, or one that went
    straight to publication; an item approved twice (after an edit) counts once.
    """
    items = set(
        ModerationDecision.objects.filter(
            author=member,
            action=ModerationAction.APPROVE,
            content_type__isnull=False,
        )
        .values_list("content_type_id", "object_id")
        .distinct()
    )
    for moderated_type in moderated_types():
        published = moderated_type.authored_by(member).filter(
            status=ModerationStatus.PUBLISHED
        )
        content_type_id = moderated_type.content_type.pk
        items.update(
            (content_type_id, pk) for pk in published.values_list("pk", flat=True)
        )
    return len(items)


def member_content_trust_facts(member) -> dict[str, int]:
    """The trust facts a member's content earns: approved contributions, plus
    each registered type's own facts (helpful votes on reviews…), summed."""
    return trust_facts_sum(
        [
            {APPROVED: member_approved_contributions(member=member)},
            *(t.trust_facts(member) for t in moderated_types() if t.trust_facts),
        ]
    )


def queue_shortcuts_for(*, moderator) -> QueueShortcuts:
    """The moderator's queue shortcuts, or the defaults (unsaved) if never set."""
    shortcuts = QueueShortcuts.objects.filter(moderator=moderator).first()
    return shortcuts or QueueShortcuts(moderator=moderator)


def queue_focus_entry_id(*, page_entries: list, after_entry_id: int | None):
    """Which item of this queue page takes the focus after a decision on
    `after_entry_id`: the item itself if it is still open here (the decision was
    refused), else the first item that was queued after it, else the last one.
    None when the page is empty or nothing was decided."""
    if not page_entries or after_entry_id is None:
        return None
    ids = [entry.pk for entry in page_entries]
    if after_entry_id in ids:
        return after_entry_id
    decided = (
        QueueEntry.objects.filter(pk=after_entry_id)
        .values_list("opened_at", "id")
        .first()
    )
    if decided is None:
        return None
    for entry in page_entries:
        if (entry.opened_at, entry.pk) > decided:
            return entry.pk
    return page_entries[-1].pk


# --- How long items wait: the clock authors see ------------------------------------


@dataclass(frozen=True)
class ModerationWait:
    """The median wait of the items decided in a window, and how many there were."""

    median: dt.timedelta
    decided: int
    window: dt.timedelta = WAIT_WINDOW


def median_wait(
    *, kind: str | None = None, now: dt.datetime, window: dt.timedelta = WAIT_WINDOW
) -> ModerationWait | None:
    """The median time from submission to a moderator's decision over `window`
    before `now`, for one posting kind ("review", "idea") or every kind; None
    when no such decision was recorded in the window.

    An item counts once its premoderation entry is closed by a recorded decision
    (approval or rejection by a moderator): entries closed because the author
    withdrew the item or was promoted meanwhile waited for nobody. Two queries
    whatever the number of decisions; the median is read in SQL from the sorted
    waits, never by loading them.
    """
    entries = QueueEntry.objects.filter(
        reason=QueueReason.PENDING,
        closed_at__gt=now - window,
        closed_at__lte=now,
    )
    if kind is not None:
        content_types = [
            t.content_type for t in moderated_types() if t.posting_kind == kind
        ]
        if not content_types:
            return None
        entries = entries.filter(content_type__in=content_types)
    decided = ModerationDecision.objects.filter(
        content_type_id=OuterRef("content_type_id"),
        object_id=OuterRef("object_id"),
        moderator__isnull=False,
        action__in=[ModerationAction.APPROVE, ModerationAction.REJECT],
        status_before=ModerationStatus.PENDING,
        decided_at__gte=OuterRef("opened_at"),
        decided_at__lte=OuterRef("closed_at"),
    )
    waits = (
        entries.filter(Exists(decided))
        .annotate(
            wait=ExpressionWrapper(
                F("closed_at") - F("opened_at"), output_field=DurationField()
            )
        )
        .order_by("wait", "id")
        .values_list("wait", flat=True)
    )
    count = waits.count()
    if not count:
        return None
    # The middle wait, or the mean of the two middle ones for an even count.
    middle = list(waits[(count - 1) // 2 : count // 2 + 1])
    median = sum(middle, dt.timedelta()) / len(middle)
    return ModerationWait(median=median, decided=count, window=window)
