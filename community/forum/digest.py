"""The forum's e-mail digest: what is new in what a member watches.

`manage.py forum_digest` runs `digests_send` (daily, say at dawn). Each member
who watches a topic or a category and chose a daily or weekly digest (weekly
until they choose: `DigestPreference`'s default) gets at most one e-mail per
period — the day ("2026-12-03") or the ISO week ("2026-W49") of the run, in
the site's time zone. It lists the topics published and the replies published
since their last digest (a period's length at most), in the topics and
categories they watch: published content only, never their own posts, never a
staff-only category unless they are staff, never a topic merged away.

Idempotent and safe to run twice at once: `DigestSent(member, period)` is
inserted under its unique constraint in the same transaction that queues the
e-mail (the background outbox, `member_email_send`): a second run, or a
concurrent one, finds the row or fails to insert it and sends nothing. Nothing
new, no e-mail and no row (a later run of the period may still send one).
Members who turned off "Digests of what is new", inactive and erased accounts
get nothing.

`digests_send_later` (`manage.py forum_digest --background`) leaves the run to
a background worker, `forum_digests_job`: asked for once per day and frequency,
its progress shows in the admin's "Background tasks", and an attempt run again
after a failure or a lost worker sends only the digests the earlier one did not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community.members.member_data import ERASED_EMAIL_DOMAIN
from community.moderation.models import ModerationStatus
from community.notifications.email_categories import EmailCategory
from community.notifications.models import EmailPreference
from community.notifications.services import member_email_send
from comptoir.background import JobProgress, background_task
from comptoir.site_address import site_url

from .models import (
    DigestFrequency,
    DigestPreference,
    DigestSent,
    Post,
    Topic,
    Watch,
)
from .permissions import is_staff

PERIOD_LENGTH = {
    DigestFrequency.DAILY: dt.timedelta(days=1),
    DigestFrequency.WEEKLY: dt.timedelta(days=7),
}
# An e-mail, not the forum: past this many topics it says how many more.
MAX_TOPICS = 30


@dataclass
class DigestEntry:
    """One topic of a digest: new itself, or with new replies (or both)."""

    topic: Topic
    is_new: bool
    reply_count: int
    first_number: int | None

    @property
    def url(self) -> str:
        if self.is_new or not self.first_number:
            return site_url(self.topic.get_absolute_url())
        number = self.first_number
        return site_url(f"{self.topic.get_absolute_url()}?post={number}#post-{number}")


def digest_period(frequency: str, now: dt.datetime) -> str:
    """The period a run at `now` sends for: "2026-12-03" daily, "2026-W49" weekly."""
    day = timezone.localdate(now)
    if frequency == DigestFrequency.DAILY:
        return day.isoformat()
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_recipients(*, frequency: str | None = None) -> QuerySet:
    """Members who may get a digest, with `digest_frequency` annotated: active,
    not erased, watching something, not "never", and not refusing digests."""
    default = DigestPreference._meta.get_field("frequency").default
    members = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .exclude(email__iendswith=f"@{ERASED_EMAIL_DOMAIN}")
        .filter(Exists(Watch.objects.filter(member=OuterRef("pk"))))
        .exclude(
            Exists(
                EmailPreference.objects.filter(
                    member=OuterRef("pk"),
                    category=EmailCategory.DIGESTS,
                    enabled=False,
                )
            )
        )
        .annotate(digest_frequency=Coalesce("forum_digest__frequency", Value(default)))
        .exclude(digest_frequency=DigestFrequency.NEVER)
        .select_related("wagtail_userprofile")
        .order_by("pk")
    )
    if frequency:
        members = members.filter(digest_frequency=frequency)
    return members


def digest_entries(*, member, since: dt.datetime, until: dt.datetime) -> list:
    """What is new for `member` in what they watch, published in (since, until]:
    one entry per topic, in the forum's order of categories, latest first."""
    watched_topics = Watch.objects.filter(member=member, topic__isnull=False).values(
        "topic_id"
    )
    watched_categories = Watch.objects.filter(
        member=member, category__isnull=False
    ).values("category_id")
    readable = Q(status=ModerationStatus.PUBLISHED, merged_into__isnull=True)
    if not is_staff(member):
        readable &= Q(category__staff_only=False)
    window = Q(published_at__gt=since, published_at__lte=until)

    new_topics = set(
        Topic.objects.filter(readable, window, category_id__in=watched_categories)
        .exclude(author=member)
        .values_list("pk", flat=True)
    )
    readable_topics = Topic.objects.filter(readable).filter(
        Q(pk__in=watched_topics) | Q(category_id__in=watched_categories)
    )
    replies = {
        row["topic_id"]: row
        for row in Post.objects.filter(
            window,
            status=ModerationStatus.PUBLISHED,
            number__gt=1,
            topic__in=readable_topics,
        )
        .exclude(author=member)
        .values("topic_id")
        .annotate(count=Count("pk"), first=Min("number"))
        .order_by()
    }
    topics = (
        Topic.objects.filter(pk__in=new_topics | set(replies))
        .select_related("category", "author")
        .order_by("category__position", "category__name", "-last_posted_at", "-pk")
    )
    return [
        DigestEntry(
            topic=topic,
            is_new=topic.pk in new_topics,
            reply_count=replies.get(topic.pk, {}).get("count", 0),
            first_number=replies.get(topic.pk, {}).get("first"),
        )
        for topic in topics
    ]


def _language(member) -> str | None:
    profile = getattr(member, "wagtail_userprofile", None)
    return (profile.preferred_language if profile else "") or None


def _entry_lines(entry: DigestEntry) -> list[str]:
    topic = entry.topic
    lines = [f"« {topic.title} » — {topic.category.name}"]
    if entry.is_new:
        lines.append(
            "  " + _("New topic by %(name)s") % {"name": topic.author.public_name}
        )
    if entry.reply_count:
        lines.append(
            "  "
            + ngettext(
                "%(count)s new reply", "%(count)s new replies", entry.reply_count
            )
            % {"count": entry.reply_count}
        )
    lines.append(f"  {entry.url}")
    return lines


def _digest_lines(member, entries: list, *, since: dt.datetime) -> list[str]:
    lines = [
        _("Hello %(name)s,") % {"name": member.public_name},
        "",
        _("What is new since %(date)s in the topics and categories you watch:")
        % {"date": date_format(timezone.localtime(since), "DATETIME_FORMAT")},
    ]
    for entry in entries[:MAX_TOPICS]:
        lines += ["", *_entry_lines(entry)]
    more = len(entries) - MAX_TOPICS
    if more > 0:
        lines += [
            "",
            ngettext(
                "…and %(count)s more topic: %(link)s",
                "…and %(count)s more topics: %(link)s",
                more,
            )
            % {"count": more, "link": site_url(reverse("forum:index"))},
        ]
    lines += [
        "",
        _("Choose how often this digest comes, or stop it: %(link)s")
        % {"link": site_url(reverse("forum:mine") + "#digest")},
    ]
    return lines


def _subject(frequency: str) -> str:
    if frequency == DigestFrequency.DAILY:
        return _("Comptoir · Your daily forum digest")
    return _("Comptoir · Your weekly forum digest")


class _NotSent(Exception):
    """The outbox declined the e-mail: the period's row goes with it."""


def digest_send(*, member, frequency: str, now: dt.datetime) -> str:
    """Send one member their digest for the period of `now`, at most once.

    Returns "sent", "already" (this period's digest went, maybe from a run at
    the same moment) or "nothing" (nothing new, or no e-mail possible).
    """
    period = digest_period(frequency, now)
    with transaction.atomic():
        if DigestSent.objects.filter(member=member, period=period).exists():
            return "already"
        since = now - PERIOD_LENGTH[frequency]
        last = (
            DigestSent.objects.filter(member=member)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
        if last is not None and last > since:
            since = last
        entries = digest_entries(member=member, since=since, until=now)
        if not entries:
            return "nothing"
        try:
            # Inserted before the e-mail is queued, in the same transaction: a
            # concurrent run waits on the unique index and then sends nothing.
            with transaction.atomic():
                DigestSent.objects.create(
                    member=member,
                    period=period,
                    sent_at=now,
                    topic_count=len(entries),
                )
                with translation.override(_language(member)):
                    sent = member_email_send(
                        recipient=member,
                        category=EmailCategory.DIGESTS,
                        subject=_subject(frequency),
                        lines=_digest_lines(member, entries, since=since),
                    )
                if not sent:
                    raise _NotSent
        except IntegrityError:
            return "already"
        except _NotSent:
            return "nothing"
    return "sent"


def digests_send(
    *, now: dt.datetime | None = None, frequency: str | None = None, progress=None
) -> dict[str, int]:
    """Send every due digest for the period of `now` (daily and weekly ones, or
    only `frequency`'s); returns how many were sent, already sent, or had
    nothing new. `progress` is a comptoir.progress.Progress (or None)."""
    now = now or timezone.now()
    members = digest_recipients(frequency=frequency)
    counts = {"sent": 0, "already": 0, "nothing": 0}
    step = progress.step(_("Digests"), members.count()) if progress else None
    for member in members.iterator(chunk_size=500):
        outcome = digest_send(member=member, frequency=member.digest_frequency, now=now)
        counts[outcome] += 1
        if step:
            step.advance()
    if step:
        step.done(
            _("%(sent)s sent, %(already)s already sent, %(nothing)s with nothing new")
            % counts
        )
    return counts


@background_task(label=gettext_lazy("Forum digests"), attempts=2, lease_seconds=1800)
def forum_digests_job(*, now: str, frequency: str | None = None) -> str:
    """Send the digests due at `now` (ISO text) from a worker; `digest_send`
    sends each member's digest once per period, so an attempt run again after a
    failure or a lost worker sends only those the earlier attempt did not."""
    counts = digests_send(
        now=dt.datetime.fromisoformat(now), frequency=frequency, progress=JobProgress()
    )
    return "{sent} sent, {already} already sent, {nothing} with nothing new".format(
        **counts
    )


def digests_send_later(*, now: dt.datetime, frequency: str | None = None):
    """Ask a background worker to send the digests due at `now` (daily and weekly,
    or only `frequency`'s); returns the job. Asking twice for one day (in the
    site's time zone) and frequency starts one job, the first one asked for."""
    if frequency is not None and frequency not in PERIOD_LENGTH:
        raise ValueError(
            f"A digest's frequency is {' or '.join(PERIOD_LENGTH)}, not {frequency!r}."
        )
    if timezone.is_naive(now):
        raise ValueError("Give the moment of a digest run with its time zone.")
    day = timezone.localdate(now).isoformat()
    summary = f"{day} {frequency}" if frequency else day
    return forum_digests_job.enqueue(
        key=f"forum-digests-{day}-{frequency or 'all'}",
        summary=summary,
        now=now.isoformat(),
        frequency=frequency,
    )
