"""A moderator account and reported reviews, so the moderation queue is not empty.

Reports go through the real service, so the thresholds decide what is hidden: a
few reviews are reported once (queued, still shown), one is hidden by three
reports from trusted members, one by a single report from a regular on a new
member's review, and a moderator has already weighed one reported review.
Runs on whatever published reviews exist, and does nothing without any.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from community.moderation.models import ModerationStatus, Report
from community.moderation.registry import ReportReason
from community.moderation.services import (
    MODERATORS_GROUP,
    moderation_decide,
    report_create,
)
from community.reviews.models import Review, ReviewReportReason
from comptoir.progress import Progress

from .members import MEMBER_PASSWORD, _email_verified

MODERATOR_EMAIL = "moderation@comptoir.example"
MODERATOR_NAME = "Modération Comptoir"

NOTES = {
    ReportReason.SPAM: "Lien vers un autre site marchand à la fin du texte.",
    ReviewReportReason.OFF_TOPIC: (
        "Parle surtout du retard de livraison, pas du produit."
    ),
    ReportReason.PERSONAL_DATA: "Donne le nom complet d'un vendeur du magasin.",
    ReviewReportReason.FAKE: "Même texte que sur un autre produit.",
}


def moderator_build():
    """The demo moderator: Wagtail admin access and the queue, nothing editorial."""
    User = get_user_model()
    moderator, created = User.objects.get_or_create(
        email=MODERATOR_EMAIL,
        defaults={
            "first_name": "Modération",
            "last_name": "Comptoir",
            "display_name": MODERATOR_NAME,
            "slug": "moderation-comptoir",
            "is_staff": True,
            "trust_level": 4,
            "password": make_password(MEMBER_PASSWORD),
        },
    )
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    _email_verified(moderator)
    return moderator


def _reporters(
    author, *, min_level: int, count: int, rng: random.Random, max_level: int = 4
):
    candidates = list(
        get_user_model()
        .objects.filter(
            trust_level__gte=min_level, trust_level__lte=max_level, is_staff=False
        )
        .exclude(pk=author.pk)
        .order_by("id")
    )
    rng.shuffle(candidates)
    return candidates[:count]


def _report(reporter, review, reason, *, when) -> None:
    report = report_create(
        reporter=reporter, content=review, reason=reason, note=NOTES.get(reason, "")
    )
    # Reports arrived over the last days, not all this second.
    Report.objects.filter(pk=report.pk).update(created_at=when)


def moderation_build(*, progress: Progress) -> int:
    """Create the moderator and the reports; returns how many reports were made."""
    rng = random.Random(7)
    moderator = moderator_build()
    published = list(
        Review.objects.filter(status=ModerationStatus.PUBLISHED)
        .exclude(author=moderator)
        .select_related("author")
        .order_by("id")
    )
    step = progress.step("Moderation", 6)
    if not published:
        step.done("no reviews to report")
        return 0
    if Report.objects.exists():
        # An earlier, interrupted run made them: the demo adds only what is missing.
        step.done("already there")
        return 0
    rng.shuffle(published)
    now = timezone.now()
    reports = 0

    # Reported once by a trusted member: queued as reported, still shown.
    for days, review in enumerate(published[:3], start=1):
        # Below level 3, so a single report never hides a new member's review.
        reporter = _reporters(review.author, min_level=1, max_level=2, count=1, rng=rng)
        if reporter:
            reasons = [
                ReviewReportReason.OFF_TOPIC,
                ReviewReportReason.FAKE,
                ReportReason.SPAM,
            ]
            reason = reasons[days - 1]
            _report(reporter[0], review, reason, when=now - dt.timedelta(days=days))
            reports += 1
        step.advance()

    # Three reports from trusted members: hidden until a moderator decides.
    if len(published) > 3:
        review = published[3]
        for hours, reporter in enumerate(
            _reporters(review.author, min_level=1, max_level=2, count=3, rng=rng),
            start=1,
        ):
            _report(
                reporter,
                review,
                ReportReason.SPAM,
                when=now - dt.timedelta(hours=hours),
            )
            reports += 1
    step.advance()

    # A regular reports a new member's review: hidden at once.
    newcomers_review = next(
        (r for r in published[4:] if r.author.trust_level == 0), None
    )
    if newcomers_review is not None:
        regular = _reporters(newcomers_review.author, min_level=3, count=1, rng=rng)
        if regular:
            _report(
                regular[0],
                newcomers_review,
                ReportReason.PERSONAL_DATA,
                when=now - dt.timedelta(hours=5),
            )
            reports += 1
    step.advance()

    # A report the moderator already weighed: the review was fine.
    weighed = published[-1] if len(published) > 6 else None
    if weighed is not None and weighed is not newcomers_review:
        reporter = _reporters(
            weighed.author, min_level=1, max_level=2, count=1, rng=rng
        )
        if reporter:
            _report(
                reporter[0],
                weighed,
                ReportReason.OFFENSIVE,
                when=now - dt.timedelta(days=4),
            )
            moderation_decide(
                moderator=moderator,
                entries_or_contents=[weighed],
                action="approve",
                note="Critique franche mais courtoise : rien à retirer.",
            )
            reports += 1
    step.advance()
    step.done(f"{reports} reports")
    return reports
