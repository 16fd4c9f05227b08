"""Trust levels, in the spirit of Discourse's.

0 · New: premoderated, a few posts of each kind on the first day, a pause between
posts, no links. 1 · Basic: after a few approved contributions and days; links
allowed. 2 · Member: after more contributions, days and helpful votes; publishes
without premoderation. 3 and 4 are granted by staff. Promotion is automatic
(`member_trust_refresh`), never demotion. Thresholds come from `TrustSettings`,
editable in the Wagtail admin (Settings → Trust levels).

Members count nothing themselves: the facts the rules read (approved
contributions, helpful votes…) come from functions registered at
`TRUST_FACTS_HOOK`. The level 0 limits and premoderation are applied by the
moderation app's posting policy, which reads the thresholds here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from community.notifications.services import notification_send

from .models import TrustSettings, User

NEW, BASIC, MEMBER, REGULAR, LEADER = 0, 1, 2, 3, 4
# Levels that only staff grant: automatic promotion never reaches or touches them.
STAFF_GRANTED = REGULAR

# Plug-in point: a registration returns a function member → {fact name: int}.
# Moderation registers one that counts approved contributions and asks each
# moderated type for its own facts (helpful votes received on reviews…).
TRUST_FACTS_HOOK = "register_trust_facts"
TrustFacts = dict[str, int]

# The facts the promotion rules read; a fact nobody registers counts 0.
APPROVED = "approved"
DAYS = "days"
HELPFUL_VOTES = "helpful_votes"


def trust_settings(request=None) -> TrustSettings:
    """The trust thresholds in force; cached on the request when one is given."""
    return TrustSettings.load(request_or_site=request)


# --- Promotion ---------------------------------------------------------------


def trust_fact_providers() -> list[Callable[[User], TrustFacts]]:
    """The registered functions that count a member's trust facts."""
    return [register() for register in hooks.get_hooks(TRUST_FACTS_HOOK)]


def trust_facts_sum(parts: Iterable[TrustFacts]) -> TrustFacts:
    """Facts of several sources added up, fact by fact."""
    total: TrustFacts = {}
    for facts in parts:
        for fact, value in facts.items():
            total[fact] = total.get(fact, 0) + value
    return total


def member_trust_facts(*, member) -> TrustFacts:
    """What the promotion rules look at: the registered facts, summed, plus the
    whole days since the member joined."""
    facts = trust_facts_sum(provider(member) for provider in trust_fact_providers())
    facts[DAYS] = max((timezone.now() - member.date_joined).days, 0)
    return facts


@dataclass(frozen=True)
class Requirement:
    label: str
    have: int
    need: int

    @property
    def met(self) -> bool:
        return self.have >= self.need


# What a requirement is called on the member's profile page.
FACT_LABELS = {
    APPROVED: gettext_lazy("approved contributions"),
    DAYS: gettext_lazy("days since joining"),
    HELPFUL_VOTES: gettext_lazy("helpful votes received"),
}


def level_thresholds(level: int, settings: TrustSettings) -> dict[str, int]:
    """What reaching `level` (1 or 2) asks, fact by fact."""
    if level == BASIC:
        return {
            APPROVED: settings.level1_min_approved,
            DAYS: settings.level1_min_days,
        }
    if level == MEMBER:
        return {
            APPROVED: settings.level2_min_approved,
            DAYS: settings.level2_min_days,
            HELPFUL_VOTES: settings.level2_min_helpful_votes,
        }
    return {}


def level_requirements(
    level: int, facts: TrustFacts, settings: TrustSettings
) -> list[Requirement]:
    """What reaching `level` (1 or 2) asks, next to what the member has."""
    return [
        Requirement(str(FACT_LABELS[fact]), facts.get(fact, 0), need)
        for fact, need in level_thresholds(level, settings).items()
    ]


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
