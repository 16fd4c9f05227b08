"""Plug-in point: the kinds of member content that go through moderation.

A content app whose model inherits `ModeratedContent` registers one
`ModeratedType` in its `wagtail_hooks.py`::

    @hooks.register(MODERATED_TYPE_HOOK)
    def register_idea_moderated_type():
        return ModeratedType(model=Idea, posting_kind="idea", names=(...), ...)

The queue, its type filter, item histories, report and rejection forms, reports
received by a member and trust counting all read this registry. Registering a
type again for the same model replaces the earlier registration (the last one in
hook order wins), so a project or a test can reword an app's reasons.

The decision and lock callbacks are the model's own methods,
`ModeratedContent.on_moderation_decision` and `moderation_lock_related`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import ModeratedContent

MODERATED_TYPE_HOOK = "register_moderated_type"


class RejectionReason(models.TextChoices):
    """Why a moderator may reject any kind of content; types add their own."""

    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive")
    PERSONAL_DATA = "personal_data", _("Personal data")
    DUPLICATE = "duplicate", _("Duplicate")
    OTHER = "other", _("Other")


class ReportReason(models.TextChoices):
    """Why a member may report any kind of content; types add their own."""

    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or hateful")
    PERSONAL_DATA = "personal_data", _("Shares personal data")
    OTHER = "other", _("Something else")


# A type's own reasons come before these catch-alls, which always close the list.
_LAST_REJECTION_REASONS = (RejectionReason.DUPLICATE, RejectionReason.OTHER)
_LAST_REPORT_REASONS = (ReportReason.OTHER,)
# Shared reasons where the author can fix the content (edit it and resubmit).
SHARED_FIXABLE_REASONS = frozenset(
    {RejectionReason.PERSONAL_DATA, RejectionReason.OTHER}
)

Choices = tuple[tuple[str, str | Promise], ...]
TrustFactsFunction = Callable[[object], dict[str, int]]


def _shared_with_own(shared, own: Choices, last) -> list[tuple[str, str | Promise]]:
    first = [(code, label) for code, label in shared.choices if code not in last]
    closing = [(code, label) for code, label in shared.choices if code in last]
    return [*first, *own, *closing]


@dataclass(frozen=True)
class ModeratedType:
    """One kind of member content in the moderation queue.

    `model` inherits `ModeratedContent`; `author_field` names its author foreign
    key. `posting_kind` is what the posting limits count (`PostingRecord.kind`)
    and `names` how a sentence calls one and many of it (lazy translations).
    `preview_template` shows an item in the queue (it gets `content`) and
    `preview_prefetch` lists the lookups that template follows (e.g.
    `("photos__image__renditions",)`), so the queue loads them once per page;
    forward relations are joined without being listed. `rejection_reasons` and
    `report_reasons` are the type's own (code, label) pairs, shown with the shared
    ones; `fixable_reasons` the codes, shared or own, for which the author gets the
    item back to edit. `trust_facts` counts what this content earns its author
    toward trust levels, as {fact name: int} (e.g. helpful votes received).
    """

    model: type[ModeratedContent]
    posting_kind: str
    names: tuple[str | Promise, str | Promise]
    author_field: str = "author"
    preview_template: str = ""
    preview_prefetch: tuple[str, ...] = ()
    rejection_reasons: Choices = ()
    report_reasons: Choices = ()
    fixable_reasons: frozenset[str] = SHARED_FIXABLE_REASONS
    trust_facts: TrustFactsFunction | None = None

    def __post_init__(self):
        # Lists (TextChoices.choices) are accepted; stored as tuples, as frozen.
        object.__setattr__(self, "preview_prefetch", tuple(self.preview_prefetch))
        for name in ("rejection_reasons", "report_reasons"):
            pairs = tuple((code, label) for code, label in getattr(self, name))
            object.__setattr__(self, name, pairs)
        object.__setattr__(self, "fixable_reasons", frozenset(self.fixable_reasons))

    @property
    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)

    def name(self, count: int = 1) -> str:
        """What a sentence calls `count` items of this kind ("review", "reviews")."""
        return str(self.names[0 if count == 1 else 1])

    def rejection_choices(self) -> list[tuple[str, str | Promise]]:
        """Every reason a moderator may give when rejecting an item of this kind."""
        return _shared_with_own(
            RejectionReason, self.rejection_reasons, _LAST_REJECTION_REASONS
        )

    def report_choices(self) -> list[tuple[str, str | Promise]]:
        """Every reason a member may give when reporting an item of this kind."""
        return _shared_with_own(ReportReason, self.report_reasons, _LAST_REPORT_REASONS)

    def rejection_label(self, code: str) -> str:
        return str(dict(self.rejection_choices()).get(code, code))

    def can_fix(self, reason: str) -> bool:
        """Whether an item rejected for `reason` goes back to its author to edit."""
        return reason in self.fixable_reasons

    def authored_by(self, member) -> QuerySet:
        """Every item of this kind that `member` wrote, whatever its status."""
        return self.model._default_manager.filter(**{self.author_field: member})


def moderated_types() -> list[ModeratedType]:
    """The registered types, one per model (the last registration of a model wins)."""
    by_model: dict[type, ModeratedType] = {}
    for register in hooks.get_hooks(MODERATED_TYPE_HOOK):
        moderated_type = register()
        by_model[moderated_type.model] = moderated_type
    return list(by_model.values())


def moderated_type_for(
    model_or_content_type_id: type[models.Model] | models.Model | int,
) -> ModeratedType | None:
    """The registration of a model (class or instance) or content type id, or None."""
    target = model_or_content_type_id
    if isinstance(target, int):
        try:
            target = ContentType.objects.get_for_id(target).model_class()
        except ContentType.DoesNotExist:
            return None
    elif isinstance(target, models.Model):
        target = type(target)
    for moderated_type in moderated_types():
        if moderated_type.model is target:
            return moderated_type
    return None


def moderated_type_of(content: models.Model) -> ModeratedType:
    """The registration of a content item's model; its absence is a programming
    error (the content app forgot to register), not something a user did."""
    moderated_type = moderated_type_for(content)
    if moderated_type is None:
        raise ImproperlyConfigured(
            f"{type(content).__name__} inherits ModeratedContent but no "
            f"ModeratedType is registered for it at {MODERATED_TYPE_HOOK!r}."
        )
    return moderated_type


def _union(choice_lists: Iterable[list]) -> list[tuple[str, str | Promise]]:
    seen: dict[str, str | Promise] = {}
    for choices in choice_lists:
        for code, label in choices:
            seen.setdefault(code, label)
    return list(seen.items())


def rejection_reason_choices() -> list[tuple[str, str | Promise]]:
    """Every registered type's rejection reasons: the stored codes' labels.

    The model fields' `choices` (a callable, so a new type needs no migration).
    """
    return _union(
        [*(t.rejection_choices() for t in moderated_types()), RejectionReason.choices]
    )


def report_reason_choices() -> list[tuple[str, str | Promise]]:
    """Every registered type's report reasons: the stored codes' labels."""
    return _union(
        [*(t.report_choices() for t in moderated_types()), ReportReason.choices]
    )
