"""member_posting_check: suspended members, and the limits of trust level 0."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.members.models import PostingRecord
from community.members.trust import trust_settings
from community.moderation.models import Suspension
from community.moderation.posting import member_posting_check, member_posting_record
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    """A level 0 member who joined an hour ago."""
    return MemberFactory(
        trust_level=0, date_joined=timezone.now() - dt.timedelta(hours=1)
    )


def posted(member, kind="review", ago=dt.timedelta(minutes=5)):
    return PostingRecord.objects.create(
        member=member, kind=kind, created_at=timezone.now() - ago
    )


# --- Suspension ------------------------------------------------------------------


def test_suspended_member_is_told_until_when_and_why(newcomer):
    until = dt.datetime(2031, 5, 17, 12, 0, tzinfo=dt.UTC)
    Suspension.objects.create(member=newcomer, until=until, reason="Repeated spam")

    with pytest.raises(PermissionDenied) as refused:
        member_posting_check(member=newcomer, kind="review", text="Fine text")

    message = str(refused.value)
    assert "suspended until May 17, 2031" in message
    assert "Repeated spam" in message
    assert "You can still read the site." in message


def test_suspension_applies_at_every_trust_level():
    trusted = MemberFactory(trust_level=4)
    Suspension.objects.create(
        member=trusted,
        until=timezone.now() + dt.timedelta(days=2),
        reason="Heated argument",
    )

    with pytest.raises(PermissionDenied, match="Heated argument"):
        member_posting_check(member=trusted, kind="review")


@pytest.mark.parametrize("which", ["ended", "lifted"])
def test_ended_or_lifted_suspension_no_longer_stops_posting(newcomer, which):
    now = timezone.now()
    Suspension.objects.create(
        member=newcomer,
        until=now - dt.timedelta(minutes=1)
        if which == "ended"
        else now + dt.timedelta(days=3),
        lifted_at=now if which == "lifted" else None,
        reason="Spam",
    )

    member_posting_check(member=newcomer, kind="review")


# --- Level 0 limits ----------------------------------------------------------------


def test_newcomer_posts_three_reviews_on_the_first_day_not_four(newcomer):
    for minutes in (50, 40, 30):
        member_posting_check(member=newcomer, kind="review")
        posted(newcomer, ago=dt.timedelta(minutes=minutes))

    with pytest.raises(PermissionDenied) as refused:
        member_posting_check(member=newcomer, kind="review")

    assert "at most 3 reviews on their first day" in str(refused.value)


def test_first_day_limit_counts_each_kind_apart(newcomer):
    for minutes in (50, 40, 30):
        posted(newcomer, kind="review", ago=dt.timedelta(minutes=minutes))

    member_posting_check(member=newcomer, kind="idea")


def test_after_the_first_day_the_daily_limit_is_gone():
    member = MemberFactory(
        trust_level=0, date_joined=timezone.now() - dt.timedelta(days=2)
    )
    for hours in (47, 46, 45):
        posted(member, ago=dt.timedelta(hours=hours))

    member_posting_check(member=member, kind="review")


def test_newcomer_waits_thirty_seconds_between_two_posts(newcomer):
    posted(newcomer, kind="idea", ago=dt.timedelta(seconds=5))

    with pytest.raises(PermissionDenied, match="wait 30 seconds between two posts"):
        member_posting_check(member=newcomer, kind="review")


def test_newcomer_may_post_again_once_the_pause_is_over(newcomer):
    posted(newcomer, ago=dt.timedelta(seconds=45))

    member_posting_check(member=newcomer, kind="review")


def test_limits_follow_the_settings_edited_in_the_admin(newcomer):
    settings = trust_settings()
    settings.new_posts_per_kind_first_day = 1
    settings.new_seconds_between_posts = 0
    settings.save()
    posted(newcomer, ago=dt.timedelta(seconds=1))

    with pytest.raises(PermissionDenied, match="at most 1 review on"):
        member_posting_check(member=newcomer, kind="review")


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_limits_stop_at_trust_level_one(level):
    member = MemberFactory(
        trust_level=level, date_joined=timezone.now() - dt.timedelta(hours=1)
    )
    for seconds in (20, 10, 5):
        posted(member, ago=dt.timedelta(seconds=seconds))

    member_posting_check(member=member, kind="review", text="See https://a.fr")


def test_staff_are_not_held_to_new_member_limits():
    staff = MemberFactory(is_staff=True, trust_level=0)
    posted(staff, ago=dt.timedelta(seconds=1))

    member_posting_check(member=staff, kind="review", text="https://comptoir.fr")


def test_posting_record_counts_toward_the_limits(newcomer):
    member_posting_record(member=newcomer, kind="review")

    assert PostingRecord.objects.filter(member=newcomer, kind="review").count() == 1
    with pytest.raises(PermissionDenied):
        member_posting_check(member=newcomer, kind="review")


# --- Links -------------------------------------------------------------------------

LINKS = [
    "Great, see http://example.com for more",
    "Cheaper at HTTPS://shop.example/deal",
    "Visit www.example.fr today",
    "A [good deal](https://example.com)",
    "A [good deal](/relative/path)",
    "A [good deal][1]\n\n[1]: https://example.com",
    "Autolink <https://example.com>",
    "Mail me <mailto:me@example.com>",
    "Sneaky [x](javascript:alert(1))",
    "ftp://files.example.com/a.zip",
]


@pytest.mark.parametrize("text", LINKS)
def test_links_are_refused_at_level_zero(newcomer, text):
    with pytest.raises(ValidationError) as refused:
        member_posting_check(member=newcomer, kind="review", text=text)

    assert "Links are allowed from trust level 1" in " ".join(refused.value.messages)


@pytest.mark.parametrize("text", LINKS)
def test_links_are_allowed_from_level_one(text):
    member = MemberFactory(trust_level=1)

    member_posting_check(member=member, kind="review", text=text)


@pytest.mark.parametrize(
    "text",
    [
        "Solid watering can, 10 L, e.g. for a small garden.",
        "Rated 4.5/5 [update] (after a month): still fine.",
        "Bought it at 12h30 <3",
    ],
)
def test_plain_text_passes_at_level_zero(newcomer, text):
    member_posting_check(member=newcomer, kind="review", text=text)


def test_links_at_level_zero_can_be_allowed_in_the_settings(newcomer):
    settings = trust_settings()
    settings.new_links_allowed = True
    settings.save()

    member_posting_check(member=newcomer, kind="review", text="www.example.fr")
