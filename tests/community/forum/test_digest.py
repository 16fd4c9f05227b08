"""The forum's e-mail digest: `manage.py forum_digest` (community/forum/digest.py).

The suite's clock stands on Monday 2026-11-23 09:00 UTC (ISO week 48): the topic
fixture is published then; runs pass `--now`, never the real clock.
"""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from community.forum import digest
from community.forum.models import DigestSent, ForumCategory, Post, Watch
from community.forum.services import (
    digest_frequency_set,
    post_reply,
    topic_start,
    watch_set,
)
from community.members.member_data import erased_email
from community.moderation.models import ModerationStatus
from community.notifications.services import email_preferences_update
from comptoir.background import email_deliver
from comptoir.models import BackgroundJob
from tests.community.reviews.conftest import with_retry

from .core_fixtures import *  # noqa: F403
from .core_fixtures import BODY, REPLY, member
from .test_services_concurrency import run_at_once

UTC = dt.UTC
TUESDAY = "2026-11-24T07:00:00+00:00"
WEDNESDAY = "2026-11-25T07:00:00+00:00"


def at(moment: dt.datetime):
    """Content written at a given moment (moderation stamps it with the clock)."""
    return time_machine.travel(moment, tick=False)


def run(django_capture_on_commit_callbacks, *args) -> str:
    out = StringIO()
    # The e-mail leaves from a job once the command's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("forum_digest", *args, stdout=out)
    return out.getvalue()


def digests(to=None) -> list:
    return [
        message
        for message in mail.outbox
        if "forum digest" in message.subject
        and (to is None or message.to == [to.email])
    ]


@pytest.fixture
def reader(db):
    return member(2, "Lucie")


def test_run_twice_sends_one_email_with_links_on_the_site(
    reader, category, topic, django_capture_on_commit_callbacks, settings
):
    # Given Lucie watches the category where Elise opened a topic on Monday
    watch_set(member=reader, category=category, watching=True)

    # When the digest runs twice on Tuesday
    first = run(django_capture_on_commit_callbacks, "--now", TUESDAY)
    second = run(django_capture_on_commit_callbacks, "--now", TUESDAY)

    # Then Lucie got one e-mail, her weekly digest, with the topic and its link
    [message] = digests(reader)
    assert message.subject == "Comptoir · Your weekly forum digest"
    assert "« Tailler les rosiers » — Jardinage" in message.body
    assert "New topic by Elise" in message.body
    assert f"{settings.SITE_BASE_URL}{topic.get_absolute_url()}" in message.body
    assert "/me/forum/#digest" in message.body
    assert message.extra_headers["List-Unsubscribe"]
    assert DigestSent.objects.get(member=reader).period == "2026-W48"
    assert "1 sent" in first
    assert "0 sent, 1 already sent" in second


def test_nothing_new_sends_nothing(
    reader, category, topic, django_capture_on_commit_callbacks
):
    # Given Lucie watches a category whose only topic is weeks old
    watch_set(member=reader, category=category, watching=True)

    # When the digest runs in December
    out = run(django_capture_on_commit_callbacks, "--now", "2026-12-21T07:00")

    # Then no e-mail, and no period recorded as sent
    assert digests() == []
    assert not DigestSent.objects.exists()
    assert "0 sent" in out


def test_own_posts_are_left_out(
    author, replier, topic, django_capture_on_commit_callbacks
):
    # Given Elise watches her topic (she started it) and so does Paul, who replies
    watch_set(member=replier, topic=topic, watching=True)
    with at(dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC)):
        post_reply(author=replier, topic=topic, body=REPLY)

    # When the digest runs
    run(django_capture_on_commit_callbacks, "--now", TUESDAY)

    # Then Elise hears of Paul's reply, not of her own topic; Paul of nothing
    [message] = digests(author)
    assert "1 new reply" in message.body
    assert "New topic by" not in message.body
    assert f"{topic.get_absolute_url()}?post=2#post-2" in message.body
    assert digests(replier) == []


def test_hidden_posts_and_the_staff_room_stay_out(
    reader,
    replier,
    category,
    staff_room,
    topic,
    staff,
    moderator,
    django_capture_on_commit_callbacks,
):
    # Given Lucie watches the category and the topic, and the staff's room too
    # (watched before it became staff-only), where the staff opened a topic
    watch_set(member=reader, category=category, watching=True)
    watch_set(member=reader, topic=topic, watching=True)
    watch_set(member=moderator, category=staff_room, watching=True)
    Watch.objects.create(member=reader, category=staff_room)
    with at(dt.datetime(2026, 11, 23, 10, 0, tzinfo=UTC)):
        topic_start(
            author=staff,
            category=staff_room,
            title="Planning des inventaires",
            body="Inventaire samedi matin, tout le monde est là ?",
        )
        # and Paul's reply was hidden after reports
        reply = post_reply(author=replier, topic=topic, body=REPLY)
    Post.objects.filter(pk=reply.pk).update(status=ModerationStatus.HIDDEN)

    # When the digest runs
    run(django_capture_on_commit_callbacks, "--now", TUESDAY)

    # Then Lucie reads of the public topic only, without the hidden reply
    [message] = digests(reader)
    assert "Tailler les rosiers" in message.body
    assert "new repl" not in message.body
    assert "Planning des inventaires" not in message.body
    # and the moderator, who may read the staff's room, reads of it
    [staff_message] = digests(moderator)
    assert "Planning des inventaires" in staff_message.body


def test_daily_and_weekly_periods(
    reader, replier, author, category, topic, django_capture_on_commit_callbacks
):
    # Given Lucie wants a daily digest, Paul keeps the weekly default
    digest_frequency_set(member=reader, frequency="daily")
    watch_set(member=reader, category=category, watching=True)
    watch_set(member=replier, category=category, watching=True)

    # When the digest runs on Tuesday, Elise posts again, and it runs on Wednesday
    run(django_capture_on_commit_callbacks, "--now", TUESDAY)
    with at(dt.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)):
        post_reply(author=author, topic=topic, body="Merci, je testerai ce week-end.")
    run(django_capture_on_commit_callbacks, "--now", WEDNESDAY)

    # Then Lucie got one digest a day, the second with the new reply only
    daily = digests(reader)
    assert [m.subject for m in daily] == ["Comptoir · Your daily forum digest"] * 2
    assert "New topic by Elise" in daily[0].body
    assert "New topic by" not in daily[1].body
    assert "1 new reply" in daily[1].body
    # and Paul one for the week
    assert len(digests(replier)) == 1
    assert set(
        DigestSent.objects.filter(member=reader).values_list("period", flat=True)
    ) == {"2026-11-24", "2026-11-25"}
    assert list(
        DigestSent.objects.filter(member=replier).values_list("period", flat=True)
    ) == ["2026-W48"]


def test_frequency_option_sends_only_those_digests(
    reader, replier, category, topic, django_capture_on_commit_callbacks
):
    digest_frequency_set(member=reader, frequency="daily")
    watch_set(member=reader, category=category, watching=True)
    watch_set(member=replier, category=category, watching=True)

    run(django_capture_on_commit_callbacks, "--frequency", "daily", "--now", TUESDAY)

    assert len(digests(reader)) == 1
    assert digests(replier) == []


def test_refused_digests_never_and_closed_accounts_get_nothing(
    reader, replier, basic, newcomer, category, topic,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    for someone in (reader, replier, basic, newcomer):
        watch_set(member=someone, category=category, watching=True)
    # Lucie turned digests off, Paul chose never, Basile left, Nouveau was erased
    email_preferences_update(member=reader, choices={"digests": False})
    digest_frequency_set(member=replier, frequency="never")
    basic.is_active = False
    basic.save(update_fields=["is_active"])
    newcomer.email = erased_email(newcomer)
    newcomer.save(update_fields=["email"])

    run(django_capture_on_commit_callbacks, "--now", TUESDAY)

    assert digests() == []
    assert not DigestSent.objects.exists()


def test_a_bad_moment_is_refused_in_words(db):
    with pytest.raises(CommandError, match="Write --now as an ISO date"):
        call_command("forum_digest", "--now", "mardi", stdout=StringIO())


def test_a_run_that_loses_the_race_for_the_period_sends_nothing(
    reader, category, topic, django_capture_on_commit_callbacks, monkeypatch
):
    # Given another run records Lucie's digest while this one gathers it
    watch_set(member=reader, category=category, watching=True)
    gather = digest.digest_entries

    def gathered_while_another_run_sends(**kwargs):
        entries = gather(**kwargs)
        if kwargs["member"] == reader:
            DigestSent.objects.create(member=reader, period="2026-W48")
        return entries

    monkeypatch.setattr(digest, "digest_entries", gathered_while_another_run_sends)

    # When this run tries to record it too
    out = run(django_capture_on_commit_callbacks, "--now", TUESDAY)

    # Then it sends nothing and leaves the other run's row alone
    assert digests() == []
    assert DigestSent.objects.filter(member=reader).count() == 1
    assert "1 already sent" in out


@pytest.mark.django_db(transaction=True)
def test_runs_started_at_once_send_one_digest():
    category = ForumCategory.objects.create(name="Jardinage", slug="jardinage")
    author, reader = member(2, "Elise"), member(2, "Lucie")
    watch_set(member=reader, category=category, watching=True)
    topic_start(
        author=author, category=category, title="Tailler les rosiers", body=BODY
    )
    mail.outbox = []

    def one_run():
        with_retry(
            lambda: call_command("forum_digest", "--now", TUESDAY, stdout=StringIO())
        )

    failures = run_at_once([one_run] * 4)

    # One period recorded, one e-mail queued with it. (Whether this in-memory
    # SQLite lets each thread's job start at once is another matter: a job whose
    # hand-over failed is handed over again by jobs_recover.)
    assert failures == []
    assert DigestSent.objects.filter(member=reader).count() == 1
    assert (
        BackgroundJob.objects.filter(
            task_path=email_deliver.path, summary__contains="forum digest"
        ).count()
        == 1
    )
    assert len(digests(reader)) <= 1
