"""The posting policy: who may post what, now.

Moderation owns it because it owns suspensions: a suspended member reads but does
not post; new members (trust level 0, not staff) are rate-limited and may not put
links in their text; levels 0 and 1 are premoderated. The thresholds are the trust
settings of community.members.

A content service, in its posting transaction: `member_posting_check` before
writing, then saves, calls `content_submit`, and `member_posting_record`.
"""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.members.models import PostingRecord, User
from community.members.trust import MEMBER, NEW, trust_settings

from .models import Suspension
from .registry import moderated_types

FIRST_DAY = dt.timedelta(hours=24)

# Moderation's own posting kind; content kinds are named by their ModeratedType.
REPORT_POSTING_KIND = "report"
OWN_KIND_NAMES = {
    REPORT_POSTING_KIND: (gettext_lazy("report"), gettext_lazy("reports")),
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


def text_has_link(text: str) -> bool:
    """True when the text holds anything a reader could follow as a link."""
    return bool(LINK_PATTERN.search(text or ""))


def posting_kind_names(kind: str) -> tuple[str, str]:
    """What a sentence calls one and many posts of `kind` ("review", "reviews").

    Content kinds are named by their registered type; unknown kinds read "post(s)".
    """
    for moderated_type in moderated_types():
        if moderated_type.posting_kind == kind:
            return moderated_type.names
    return OWN_KIND_NAMES.get(kind, POST_NAMES)


def member_active_suspension(*, member) -> Suspension | None:
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


def member_is_premoderated(*, member) -> bool:
    """Whether a member's posts wait for a moderator: levels 0 and 1, not staff."""
    return member.trust_level < MEMBER and not member.is_staff


def member_suspension_check(*, member) -> None:
    """Refuse anything but reading to a suspended member (PermissionDenied naming
    the end and the reason); return quietly otherwise."""
    suspension = member_active_suspension(member=member)
    if suspension is None:
        return
    until = date_format(timezone.localtime(suspension.until), "DATETIME_FORMAT")
    raise PermissionDenied(
        _(
            "Your account is suspended until %(until)s: %(reason)s. "
            "You can still read the site."
        )
        % {"until": until, "reason": suspension.reason}
    )


def member_posting_check(*, member, kind: str, text: str = "") -> None:
    """Refuse a post the member may not make now; return quietly otherwise.

    A suspended member may not post (PermissionDenied naming the end and the
    reason). Level 0 members (not staff) may post at most N items of each kind in
    the first 24 hours after joining and must wait some seconds between any two
    posts (PermissionDenied), and may not put links in their text
    (ValidationError). Call it in the posting transaction, before writing: the
    member row is locked there, so two posts sent at once are checked one after
    the other.
    """
    member_suspension_check(member=member)
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
    _pause_check(member=member, now=now, wait=settings.new_seconds_between_posts)
    _first_day_check(
        member=member,
        kind=kind,
        now=now,
        limit=settings.new_posts_per_kind_first_day,
    )


def _pause_check(*, member, now: dt.datetime, wait: int) -> None:
    last = (
        PostingRecord.objects.filter(member=member)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if wait and last is not None and now - last < dt.timedelta(seconds=wait):
        left = wait - int((now - last).total_seconds())
        raise PermissionDenied(
            _(
                "New members wait %(wait)s seconds between two posts. "
                "Please try again in %(left)s seconds."
            )
            % {"wait": wait, "left": max(left, 1)}
        )


def _first_day_check(*, member, kind: str, now: dt.datetime, limit: int) -> None:
    first_day_ends = member.date_joined + FIRST_DAY
    if now >= first_day_ends:
        return
    posted = PostingRecord.objects.filter(
        member=member, kind=kind, created_at__gte=member.date_joined
    ).count()
    if posted >= limit:
        raise PermissionDenied(
            _(
                "New members can post at most %(limit)s %(things)s on their "
                "first day. You can post again after %(time)s."
            )
            % {
                "limit": limit,
                "things": posting_kind_names(kind)[0 if limit == 1 else 1],
                "time": date_format(
                    timezone.localtime(first_day_ends), "DATETIME_FORMAT"
                ),
            }
        )


def member_posting_record(*, member, kind: str) -> PostingRecord:
    """Note that a member just posted something of this kind.

    Content services call it after a successful post, in the same transaction,
    so a rolled-back post does not count against the member.
    """
    return PostingRecord.objects.create(member=member, kind=kind)
