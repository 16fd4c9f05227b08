"""The daily `ideas_refresh`: ideas move on, expire, are recounted — once, even
when it runs twice or twice at once."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.ideas import lifecycle
from community.ideas.models import (
    Idea,
    IdeasSettings,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
)
from community.notifications.models import Notification
from comptoir.progress import Progress
from tests.factories import MemberFactory
from tests.rewards.conftest import threads_db  # noqa: F401  (fixture)

from .conftest import make_idea, members, with_retry
from .test_lifecycle import small_stages

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=11)  # past the 10-day deadline of stage 1


@pytest.fixture
def stages(db):
    return small_stages()


def rows(idea, crowd, *, days_ago=0):
    """Supports written as rows and counts, as a support leaves them, without the
    stage check a support makes (settings changed since, or a refresh missed)."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    IdeaSupport.objects.bulk_create(
        [IdeaSupport(idea=idea, member=m, created_at=when) for m in crowd]
    )
    Idea.objects.filter(pk=idea.pk).update(
        supporter_count=F("supporter_count") + len(crowd)
    )
    idea.refresh_from_db()
    return idea


def states(*ideas):
    for idea in ideas:
        idea.refresh_from_db()
    return [(idea.state, idea.stage) for idea in ideas]


@pytest.mark.django_db
def test_reached_ideas_move_on_late_ones_expire_others_wait(
    author, stages, django_capture_on_commit_callbacks
):
    # given four open ideas, opened now with 10 days for stage 1 (2 supporters)
    reached = rows(make_idea(author, title="A", days_left=10), members(2, prefix="a"))
    last = rows(
        make_idea(author, title="B", days_left=10, stage=2), members(4, prefix="b")
    )
    late = rows(make_idea(author, title="C", days_left=10), members(1, prefix="c"))
    waiting = make_idea(author, title="D", days_left=30)
    # when the refresh runs 11 days later
    with django_capture_on_commit_callbacks(execute=True):
        counts = lifecycle.ideas_refresh(now=LATER)
    # then A moves to stage 2, B goes to review, C expires, D waits
    assert counts == {"advanced": 1, "in_review": 1, "expired": 1, "recounted": 4}
    assert states(reached, last, late, waiting) == [
        (IdeaState.OPEN, 1),
        (IdeaState.IN_REVIEW, 3),
        (IdeaState.EXPIRED, 0),
        (IdeaState.OPEN, 0),
    ]
    # A's next deadline counts from the refresh; C's supports are given back
    assert reached.stage_deadline == LATER + dt.timedelta(days=20)
    assert not IdeaSupport.objects.filter(idea=late, released_at__isnull=True).exists()
    assert (
        IdeaStateChange.objects.filter(idea=late)
        .get()
        .reason.startswith("Did not reach 2 supporters by ")
    )
    # made by the refresh, nobody's hand
    assert IdeaStateChange.objects.filter(by__isnull=False).count() == 0
    # C's supporter and its author hear of it
    supporter = IdeaSupport.objects.get(idea=late).member
    assert Notification.objects.filter(
        recipient=supporter, kind="idea_expired"
    ).exists()
    assert Notification.objects.filter(recipient=author, kind="idea_expired").exists()


@pytest.mark.django_db
def test_running_it_twice_changes_nothing_more(author, stages):
    ideas = [
        rows(make_idea(author, title=f"I{n}", days_left=10), members(n, prefix=f"p{n}"))
        for n in range(4)
    ]
    first = lifecycle.ideas_refresh(now=LATER)
    after_first = (states(*ideas), IdeaStateChange.objects.count())
    second = lifecycle.ideas_refresh(now=LATER)
    assert first["expired"] == 2  # 0 and 1 supporters
    assert first["advanced"] == 2  # 2 supporters; 3, past two stages at once
    assert states(*ideas)[3] == (IdeaState.OPEN, 2)
    # the 2 open ones, and the expired one whose support is under 14 days old
    assert second == {"advanced": 0, "in_review": 0, "expired": 0, "recounted": 3}
    assert (states(*ideas), IdeaStateChange.objects.count()) == after_first


@pytest.mark.django_db
def test_the_fourteen_day_count_is_recounted_and_decays(author, stages):
    # given an open idea with 1 support of 3 days ago and 2 of 20 days ago
    idea = make_idea(author, days_left=30)
    rows(idea, members(1, prefix="new"), days_ago=3)
    rows(idea, members(2, prefix="old"), days_ago=20)
    Idea.objects.filter(pk=idea.pk).update(recent_supporter_count=3)
    # and an idea in review whose supports are all older than 14 days
    review = make_idea(author, title="En revue", state=IdeaState.IN_REVIEW, stage=3)
    rows(review, members(1, prefix="rev"), days_ago=15)
    Idea.objects.filter(pk=review.pk).update(recent_supporter_count=1)
    # when the refresh runs
    lifecycle.ideas_refresh(now=timezone.now())
    # then only the support of the last 14 days counts, for both
    idea.refresh_from_db()
    review.refresh_from_db()
    assert idea.recent_supporter_count == 1
    assert review.recent_supporter_count == 0
    assert idea.supporter_count == 3


@pytest.mark.django_db
def test_lowered_thresholds_move_ideas_on_at_the_next_refresh(author, stages):
    idea = rows(make_idea(author, days_left=30), members(3))
    settings = IdeasSettings.load()
    settings.stage1_supporters = 1
    settings.stage2_supporters = 2
    settings.stage3_supporters = 3
    settings.save()
    lifecycle.ideas_refresh(now=NOW)
    assert states(idea) == [(IdeaState.IN_REVIEW, 3)]


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_the_ideas_it_leaves_alone(author, stages):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            lifecycle.ideas_refresh(now=NOW)
        return len(captured)

    for n in range(5):
        make_idea(author, title=f"Petit {n}", days_left=30)
    few = queries()
    for n in range(40):
        make_idea(author, title=f"Grand {n}", days_left=30)
    assert queries() == few


@pytest.mark.django_db
def test_the_command_shows_progress_and_takes_now(author, stages):
    for n in range(3):
        make_idea(author, title=f"Idée {n}", days_left=10)
    out = io.StringIO()
    call_command("ideas_refresh", "--now", "2026-12-05T09:00", stdout=out)
    text = out.getvalue()
    assert "Ideas" in text and "3/3" in text
    assert "0 advanced a stage, 0 in review, 3 expired, 3 recounted." in text
    assert Idea.objects.filter(state=IdeaState.EXPIRED).count() == 3
    # the second run finds nothing left to do
    out = io.StringIO()
    call_command("ideas_refresh", "--now", "2026-12-05T09:00", stdout=out)
    assert "0 expired, 0 recounted." in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_a_bad_date_in_words():
    with pytest.raises(CommandError, match="ISO date and time"):
        call_command("ideas_refresh", "--now", "mardi prochain", stdout=io.StringIO())


@pytest.mark.django_db
def test_progress_is_reported_in_steps(author, stages):
    for n in range(3):
        make_idea(author, title=f"Idée {n}", days_left=30)
    out = io.StringIO()
    lifecycle.ideas_refresh(now=NOW, progress=Progress(out))
    assert out.getvalue().startswith("Ideas            3/3")


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_move_each_idea_once(threads_db):  # noqa: F811
    # given 12 ideas past their deadline and 12 that reached their stage
    settings = IdeasSettings.load()
    settings.stage1_supporters, settings.stage1_days = 2, 10
    settings.save()
    author = MemberFactory(trust_level=2)
    crowd = members(2, prefix="crowd")
    late = [make_idea(author, title=f"L{n}", days_left=10) for n in range(12)]
    reached = [
        rows(make_idea(author, title=f"R{n}", days_left=30), crowd) for n in range(12)
    ]
    lifecycle.REFRESH_BATCH, batch = 5, lifecycle.REFRESH_BATCH
    try:
        # when two refreshes run at the same moment
        results, failures = threads_db(
            [
                lambda: with_retry(lambda: lifecycle.ideas_refresh(now=LATER)),
                lambda: with_retry(lambda: lifecycle.ideas_refresh(now=LATER)),
            ]
        )
    finally:
        lifecycle.REFRESH_BATCH = batch
    # then between them every idea moved exactly once
    assert failures == []
    assert sum(r["expired"] for r in results) == 12
    assert sum(r["advanced"] for r in results) == 12

    def written():
        return (
            Idea.objects.filter(pk__in=[i.pk for i in late], state="expired").count(),
            Idea.objects.filter(pk__in=[i.pk for i in reached], stage=1).count(),
            IdeaStateChange.objects.count(),
            IdeaSupport.objects.filter(released_at__isnull=True).count(),
        )

    # one history row per idea, the reached ideas' supports still held
    assert threads_db.read(written) == (12, 12, 24, 24)


@pytest.mark.django_db(transaction=True)
def test_supports_at_once_cross_each_stage_once(threads_db):  # noqa: F811
    # given stages of 2, 3 and 4 supporters and 6 members supporting at once
    from django.core.exceptions import ValidationError

    from community.ideas.services import idea_support

    settings = IdeasSettings.load()
    settings.stage1_supporters, settings.stage2_supporters = 2, 3
    settings.stage3_supporters, settings.support_budget = 4, 5
    settings.save()
    idea = make_idea(MemberFactory(trust_level=2), days_left=10)
    crowd = members(6, prefix="rush")

    def supporting(member):
        def run():
            try:
                return with_retry(lambda: idea_support(idea=idea, member=member))
            except ValidationError:
                return None  # in review before their turn came

        return run

    # when they all click at the same moment
    results, failures = threads_db([supporting(m) for m in crowd])
    assert failures == []

    def written():
        row = Idea.objects.get(pk=idea.pk)
        return (
            row.state,
            row.supporter_count,
            IdeaSupport.objects.filter(idea=idea).count(),
            list(
                IdeaStateChange.objects.filter(idea=idea).values_list(
                    "to_state", flat=True
                )
            ),
        )

    # then it went to review once, at exactly 4, each stage in its history once
    assert threads_db.read(written) == (
        IdeaState.IN_REVIEW,
        4,
        4,
        [IdeaState.OPEN, IdeaState.OPEN, IdeaState.IN_REVIEW],
    )
    assert sum(r is not None for r in results) == 4
