"""The forum's digests sent by a background job (community/forum/digest.py:
`digests_send_later`, `forum_digests_job`, `manage.py forum_digest --background`).

The suite's clock stands on Monday 2026-11-23 09:00 UTC, when the topic fixture
is published; the site's time zone is Europe/Paris. The test settings' immediate
backend runs a job as soon as it is asked for outside a transaction, and the
digests' e-mails once the job's transactions commit (hence
`django_capture_on_commit_callbacks`).
"""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from community.forum import digest
from community.forum.digest import digests_send_later, forum_digests_job
from community.forum.models import DigestSent
from community.forum.services import digest_frequency_set, watch_set
from comptoir.models import BackgroundJob, JobStatus

from .core_fixtures import *  # noqa: F403
from .core_fixtures import member

UTC = dt.UTC
TUESDAY = dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


def digests(to=None) -> list:
    return [
        message
        for message in mail.outbox
        if "forum digest" in message.subject
        and (to is None or message.to == [to.email])
    ]


def digest_jobs():
    return BackgroundJob.objects.filter(task_path=forum_digests_job.path)


@pytest.fixture
def reader(db):
    return member(2, "Lucie")


@pytest.fixture
def watchers(reader, replier, category, topic):
    """Lucie wants a daily digest, Paul keeps the weekly one; both watch the
    category where Elise opened a topic on Monday."""
    digest_frequency_set(member=reader, frequency="daily")
    watch_set(member=reader, category=category, watching=True)
    watch_set(member=replier, category=category, watching=True)
    return reader, replier


def test_asking_twice_the_same_day_and_frequency_queues_one_job(db):
    # Given the digests of Tuesday were asked for at dawn
    first = digests_send_later(now=TUESDAY)

    # When they are asked for again that evening (Paris), and daily ones apart
    again = digests_send_later(now=TUESDAY.replace(hour=20))
    daily = digests_send_later(now=TUESDAY, frequency="daily")
    # and at 23:30 UTC, already Wednesday in Paris
    wednesday = digests_send_later(now=TUESDAY.replace(hour=23, minute=30))

    # Then the evening's asking is the dawn's job, the others are jobs of their own
    assert again.pk == first.pk
    assert len({first.pk, daily.pk, wednesday.pk}) == 3
    assert digest_jobs().count() == 3
    assert first.label == "Forum digests"
    assert (first.summary, daily.summary) == ("2026-11-24", "2026-11-24 daily")
    assert wednesday.summary == "2026-11-25"
    # and the job runs as of the moment first asked for, given as JSON text
    assert first.kwargs == {"now": "2026-11-24T07:00:00+00:00", "frequency": None}


def test_a_bad_frequency_or_a_naive_moment_is_refused_before_any_job(db):
    with pytest.raises(ValueError, match="daily or weekly"):
        digests_send_later(now=TUESDAY, frequency="monthly")
    with pytest.raises(ValueError, match="time zone"):
        digests_send_later(now=TUESDAY.replace(tzinfo=None))
    assert not digest_jobs().exists()


def test_the_job_sends_each_due_digest_once_and_a_second_run_nothing(
    watchers, django_capture_on_commit_callbacks
):
    reader, replier = watchers

    # When the digests of Tuesday run in the background
    with django_capture_on_commit_callbacks(execute=True):
        job = digests_send_later(now=TUESDAY)

    # Then each of them got their digest, and the job shows it went through all
    # three watchers (Elise watches her own topic, with nothing new for her)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.attempts, job.done, job.total) == (1, 3, 3)
    assert job.progress_label == "Digests"
    assert [m.subject for m in digests(reader)] == [
        "Comptoir · Your daily forum digest"
    ]
    assert [m.subject for m in digests(replier)] == [
        "Comptoir · Your weekly forum digest"
    ]

    # When another job runs for the same moment (a second worker, a catch-up)
    with django_capture_on_commit_callbacks(execute=True):
        second = forum_digests_job.enqueue(now=TUESDAY.isoformat())

    # Then it succeeds and sends nothing more
    second.refresh_from_db()
    assert second.status == JobStatus.SUCCEEDED, second.error
    assert len(digests()) == 2
    assert DigestSent.objects.count() == 2


def test_an_attempt_that_fails_is_recorded_and_the_next_sends_only_the_rest(
    watchers, django_capture_on_commit_callbacks, monkeypatch
):
    reader, replier = watchers
    # Given the mail queue fails once, on the second member of the first attempt
    send = digest.digest_send
    failures = {"left": 1}
    outcomes = {reader.pk: [], replier.pk: []}

    def flaky_send(*, member, **kwargs):
        if member == replier and failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("outbox away")
        outcome = send(member=member, **kwargs)
        outcomes.get(member.pk, []).append(outcome)
        return outcome

    monkeypatch.setattr(digest, "digest_send", flaky_send)

    # When the digests run in the background
    with django_capture_on_commit_callbacks(execute=True):
        job = digests_send_later(now=TUESDAY)

    # Then the second attempt finished the job and its first one's error is kept
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2
    assert "ConnectionError: outbox away" in job.error
    # and Lucie, whose digest went in the first attempt, did not get it twice
    assert outcomes == {reader.pk: ["sent", "already"], replier.pk: ["sent"]}
    assert len(digests(reader)) == 1
    assert len(digests(replier)) == 1
    assert DigestSent.objects.count() == 2


def test_an_attempt_failing_every_time_leaves_the_job_failed(
    watchers, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(**kwargs):
        raise ConnectionError("outbox away")

    monkeypatch.setattr(digest, "digest_send", broken)

    with django_capture_on_commit_callbacks(execute=True):
        job = digests_send_later(now=TUESDAY)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == job.max_attempts == 2
    assert job.error_line == "ConnectionError: outbox away"
    assert digests() == []


def test_the_command_in_the_background_queues_the_job_and_prints_it(
    watchers, django_capture_on_commit_callbacks
):
    reader, replier = watchers

    def ask() -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "forum_digest",
                "--background",
                "--frequency",
                "weekly",
                "--now",
                "2026-11-24T08:00",
                stdout=out,
            )
        return out.getvalue()

    # When the weekly digests are asked for in the background, twice
    first = ask()
    second = ask()

    # Then one job, named in both answers, sent Paul's weekly digest only
    job = digest_jobs().get()
    assert first == second
    assert first.strip() == (
        f"Forum digests of 2026-11-24 weekly asked for: background job {job.pk}."
    )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert len(digests(replier)) == 1
    assert digests(reader) == []


def test_the_command_refuses_a_bad_moment_before_any_job(db):
    with pytest.raises(CommandError, match="Write --now as an ISO date"):
        call_command("forum_digest", "--background", "--now", "mardi")
    assert not digest_jobs().exists()
