"""Reads of the moderation queue, its history and members' suspensions."""

from functools import reduce
from operator import or_

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import (
    ModeratedContent,
    ModerationDecision,
    QueueEntry,
    Report,
    Suspension,
)

QUEUE_PAGE_SIZE = 50
HISTORY_LIMIT = 100


def moderated_models() -> list[type[ModeratedContent]]:
    """Every concrete model whose rows go through moderation."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ModeratedContent) and not model._meta.abstract
    ]


def moderated_content_types() -> list[ContentType]:
    """Content types of moderated models, for the queue's type filter (cached)."""
    by_model = ContentType.objects.get_for_models(*moderated_models())
    return sorted(
        by_model.values(), key=lambda ct: str(ct.model_class()._meta.verbose_name)
    )


def moderated_model_for(content_type_id: int) -> type[ModeratedContent] | None:
    """The moderated model of a content type id, or None if it is not one."""
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        return None
    model = content_type.model_class()
    if model is None or model not in moderated_models():
        return None
    return model


def content_queryset(model: type[ModeratedContent]) -> QuerySet:
    """How the queue loads one kind of content for its previews.

    Every forward relation is joined and the model's `moderation_preview_prefetch`
    lookups (photos…) are prefetched, so previews never query row by row.
    """
    return model._default_manager.select_related().prefetch_related(
        *model.moderation_preview_prefetch
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
            GenericPrefetch(
                "content", [content_queryset(model) for model in moderated_models()]
            )
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
    model = moderated_model_for(content_type_id)
    if model is None:
        return None
    return content_queryset(model).filter(pk=object_id).first()


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
    conditions = []
    for model in moderated_models():
        authored = model._default_manager.filter(
            **{model.moderation_author_field: member}
        ).values("pk")
        conditions.append(
            Q(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=authored,
            )
        )
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


def member_active_suspension(member) -> Suspension | None:
    """The suspension in force for a member now (the one ending last), or None."""
    if member is None or not getattr(member, "pk", None):
        return None
    return (
        Suspension.objects.filter(
            member=member, lifted_at__isnull=True, until__gt=timezone.now()
        )
        .order_by("-until", "-id")
        .first()
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
