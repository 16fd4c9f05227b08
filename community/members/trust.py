"""Trust levels, in the spirit of Discourse's.

0 · New: premoderated, a few posts of each kind on the first day, a pause between
posts, no links. 1 · Basic: after a few approved contributions and days; links
allowed. 2 · Member: after more contributions, days and helpful votes; publishes
without premoderation. 3 and 4 are granted by staff. Promotion is automatic
(`member_trust_refresh`), never demotion. Thresholds come from `TrustSettings`,
editable in the Wagtail admin (Settings → Trust levels).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import PostingRecord, TrustSettings, User

NEW, BASIC, MEMBER, REGULAR, LEADER = 0, 1, 2, 3, 4
# Levels that only staff grant: automatic promotion never reaches or touches them.
STAFF_GRANTED = REGULAR

FIRST_DAY = dt.timedelta(hours=24)

# What a kind of post is called in a sentence, one and many; unknown kinds read as
# "post(s)".
KIND_NAMES = {
    "review": (gettext_lazy("review"), gettext_lazy("reviews")),
    "idea": (gettext_lazy("idea"), gettext_lazy("ideas")),
    "listing": (gettext_lazy("listing"), gettext_lazy("listings")),
    "forum_post": (gettext_lazy("forum post"), gettext_lazy("forum posts")),
    "message": (gettext_lazy("message"), gettext_lazy("messages")),
    "report": (gettext_lazy("report"), gettext_lazy("reports")),
}
POST_NAMES = (gettext_lazy("post"), gettext_lazy("posts"))

# Bare addresses, "www." hosts, Markdown inline and reference links, and autolinks
# (<https://…>, <www.…>, <mailto:…>). Case-insensitive: "HTTPS://" is a link too.
LINK_PATTERN = re.compile(
    r"""
      [a-z][a-z0-9+.\-]*://          # any scheme://, http(s) included
    | \bwww\.                        # www.example.fr
    | \]\(                           # [text](target)
    | \]\[[^\]]*\]                   # [text][ref]
    | ^\s{0,3}\[[^\]]+\]:\s*\S       # [ref]: target
    | <\s*(?:[a-z][a-z0-9+.\-]*:|www\.)[^>\s]*>   # <scheme:…> autolinks
    """,
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)


def trust_settings(request=None) -> TrustSettings:
    """The trust thresholds in force; cached on the request when one is given."""
    return TrustSettings.load(request_or_site=request)


def text_has_link(text: str) -> bool:
    """True when the text holds anything a reader could follow as a link."""
    return bool(LINK_PATTERN.search(text or ""))


def member_active_suspension(*, member):
    """The suspension that stops a member posting now, or None."""
    from community.moderation.models import Suspension

    return (
        Suspension.objects.filter(
            member=member, lifted_at__isnull=True, until__gt=timezone.now()
        )
        .order_by("-until")
        .first()
    )


def member_is_premoderated(*, member) -> bool:
    """Whether a member's posts wait for a moderator: levels 0 and 1, not staff."""
    return member.trust_level < MEMBER and not member.is_staff


def member_posting_check(*, member, kind: str, text: str = "") -> None:
    """Refuse a post the member may not make now; return quietly otherwise.

    A suspended member may not post (PermissionDenied naming the end and the
    reason). Level 0 members (not staff) may post at most N items of each kind in
    the first 24 hours after joining and must wait some seconds between any two
    posts (PermissionDenied), and may not put links in their text
    (ValidationError). Call it in the posting transaction, before writing.
    """
    suspension = member_active_suspension(member=member)
    if suspension is not None:
        until = date_format(timezone.localtime(suspension.until), "DATETIME_FORMAT")
        raise PermissionDenied(
            _(
                "Your account is suspended until %(until)s: %(reason)s. "
                "You can still read the site."
            )
            % {"until": until, "reason": suspension.reason}
        )
    if member.trust_level > NEW or member.is_staff:
        return

    settings = trust_settings()
    if text and not settings.new_links_allowed and text_has_link(text):
        raise ValidationError(
            _(
                "Links are allowed from trust level 1. Please remove the links "
                "(web addresses, www., Markdown links) and post again."
            ),
            code="links_not_allowed",
        )

    if transaction.get_connection().in_atomic_block:
        # Two posts sent at once must not both slip under the limits: the member
        # row is the lock that puts one member's posts in line.
        User.objects.select_for_update().filter(pk=member.pk).exists()
    now = timezone.now()
    records = PostingRecord.objects.filter(member=member)

    wait = settings.new_seconds_between_posts
    last = records.order_by("-created_at").values_list("created_at", flat=True)
    last = last.first()
    if wait and last is not None and now - last < dt.timedelta(seconds=wait):
        left = wait - int((now - last).total_seconds())
        raise PermissionDenied(
            _(
                "New members wait %(wait)s seconds between two posts. "
                "Please try again in %(left)s seconds."
            )
            % {"wait": wait, "left": max(left, 1)}
        )

    first_day_ends = member.date_joined + FIRST_DAY
    limit = settings.new_posts_per_kind_first_day
    if now < first_day_ends:
        posted = records.filter(kind=kind, created_at__gte=member.date_joined).count()
        if posted >= limit:
            raise PermissionDenied(
                _(
                    "New members can post at most %(limit)s %(things)s on their "
                    "first day. You can post again after %(time)s."
                )
                % {
                    "limit": limit,
                    "things": KIND_NAMES.get(kind, POST_NAMES)[0 if limit == 1 else 1],
                    "time": date_format(
                        timezone.localtime(first_day_ends), "DATETIME_FORMAT"
                    ),
                }
            )


def member_posting_record(*, member, kind: str) -> None:
    """Note that a member just posted something of this kind.

    Content services call it after a successful post, in the same transaction,
    so a rolled-back post does not count against the member.
    """
    PostingRecord.objects.create(member=member, kind=kind)


# --- Promotion ---------------------------------------------------------------


@dataclass(frozen=True)
class TrustFacts:
    """What the promotion rules look at, for one member."""

    approved: int
    days: int
    helpful_votes: int


def _moderated_models():
    from community.moderation.models import ModeratedContent

    return [
        model
        for model in apps.get_models()
        if issubclass(model, ModeratedContent) and not model._meta.abstract
    ]


def member_trust_facts(*, member) -> TrustFacts:
    """Approved contributions, days since joining and helpful votes received.

    An approved contribution is an item a moderator approved, or one that went
    straight to publication; an item approved twice (after an edit) counts once.
    """
    from community.moderation.models import (
        ModerationAction,
        ModerationDecision,
        ModerationStatus,
    )
    from community.reviews.models import Review

    items = set(
        ModerationDecision.objects.filter(
            author=member,
            action=ModerationAction.APPROVE,
            content_type__isnull=False,
        )
        .values_list("content_type_id", "object_id")
        .distinct()
    )
    for model in _moderated_models():
        content_type = ContentType.objects.get_for_model(model)
        published = model._default_manager.filter(
            **{model.moderation_author_field: member},
            status=ModerationStatus.PUBLISHED,
        ).values_list("pk", flat=True)
        items.update((content_type.pk, pk) for pk in published)

    helpful = Review.objects.filter(
        author=member, status=ModerationStatus.PUBLISHED
    ).aggregate(total=Sum("helpful_count"))["total"]
    days = (timezone.now() - member.date_joined).days
    return TrustFacts(
        approved=len(items), days=max(days, 0), helpful_votes=helpful or 0
    )


@dataclass(frozen=True)
class Requirement:
    label: str
    have: int
    need: int

    @property
    def met(self) -> bool:
        return self.have >= self.need


def level_requirements(
    level: int, facts: TrustFacts, settings: TrustSettings
) -> list[Requirement]:
    """What reaching `level` (1 or 2) asks, next to what the member has."""
    if level == BASIC:
        return [
            Requirement(
                _("approved contributions"),
                facts.approved,
                settings.level1_min_approved,
            ),
            Requirement(_("days since joining"), facts.days, settings.level1_min_days),
        ]
    if level == MEMBER:
        return [
            Requirement(
                _("approved contributions"),
                facts.approved,
                settings.level2_min_approved,
            ),
            Requirement(_("days since joining"), facts.days, settings.level2_min_days),
            Requirement(
                _("helpful votes received"),
                facts.helpful_votes,
                settings.level2_min_helpful_votes,
            ),
        ]
    return []


def trust_level_earned(facts: TrustFacts, settings: TrustSettings) -> int:
    """The highest automatic level (0–2) these facts reach."""
    for level in (MEMBER, BASIC):
        if all(r.met for r in level_requirements(level, facts, settings)):
            return level
    return NEW


def trust_level_label(level: int) -> str:
    return str(dict(User._meta.get_field("trust_level").choices).get(level, level))


@dataclass(frozen=True)
class TrustProgress:
    """A member's level and, when it is automatic, what the next one needs."""

    level: int
    label: str
    next_level: int | None
    next_label: str
    requirements: list[Requirement]


def member_trust_progress(*, member, request=None) -> TrustProgress:
    """The member's level and their progress toward the next automatic one."""
    level = member.trust_level
    if level >= MEMBER:
        return TrustProgress(level, trust_level_label(level), None, "", [])
    facts = member_trust_facts(member=member)
    settings = trust_settings(request)
    return TrustProgress(
        level,
        trust_level_label(level),
        level + 1,
        trust_level_label(level + 1),
        level_requirements(level + 1, facts, settings),
    )


PROMOTION_BODIES = {
    BASIC: gettext_lazy(
        "Thank you for your contributions. You can now put links in what you "
        "write, and the new-member limits no longer apply."
    ),
    MEMBER: gettext_lazy(
        "Your contributions have helped other members. What you post is now "
        "published at once, without waiting for a moderator."
    ),
}


def member_trust_refresh(*, member) -> int:
    """Promote a member to the automatic level they have earned; return the level.

    Levels only go up (0 → 1 → 2) here; 3 and 4 are granted by staff and never
    touched. The member is notified of a promotion after commit.
    """
    from community.notifications.services import notification_send

    if member.trust_level >= MEMBER:
        return member.trust_level
    earned = trust_level_earned(member_trust_facts(member=member), trust_settings())
    if earned <= member.trust_level:
        return member.trust_level
    with transaction.atomic():
        # The condition keeps a concurrent staff grant or promotion from being
        # lowered by this one.
        promoted = User.objects.filter(pk=member.pk, trust_level__lt=earned).update(
            trust_level=earned
        )
        if not promoted:
            member.refresh_from_db(fields=["trust_level"])
            return member.trust_level
        member.trust_level = earned
        notification_send(
            recipient=member,
            kind="trust_promoted",
            title=_("You are now at trust level %(level)s")
            % {"level": trust_level_label(earned)},
            body=str(PROMOTION_BODIES[earned]),
            url=reverse("members:profile_edit"),
        )
    return earned
