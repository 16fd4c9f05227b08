"""E-mails and fan-outs leave from background jobs, after commit, and only once."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from community.notifications import services
from community.notifications.models import Notification
from community.notifications.services import (
    member_email_send,
    notifications_send_many,
)
from comptoir.models import BackgroundJob, JobStatus
from tests.comptoir.test_background import (  # noqa: F401  (a fixture)
    WorkerKilled,
    database_tasks,
    run_worker,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_members_email_is_rendered_now_and_sent_by_a_job(member):
    sent = member_email_send(
        recipient=member, category="decisions", subject="Avis publié", lines=["Merci"]
    )

    assert sent is True
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "List-Unsubscribe" in message.extra_headers
    job = BackgroundJob.objects.get()
    assert job.label == "E-mail"
    assert job.status == JobStatus.SUCCEEDED
    assert job.kwargs == {}  # the unsubscribe link does not stay in the database


def test_with_the_worker_the_request_only_leaves_the_email_waiting(
    member,
    database_tasks,  # noqa: F811
):
    member_email_send(
        recipient=member, category="decisions", subject="Avis publié", lines=["Merci"]
    )

    assert mail.outbox == []
    assert DBTaskResult.objects.get().status == "READY"
    run_worker()
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_an_email_asked_for_in_a_rolled_back_transaction_never_leaves(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            member_email_send(
                recipient=member, category="decisions", subject="Non", lines=["x"]
            )
            transaction.set_rollback(True)

    assert mail.outbox == []
    assert not BackgroundJob.objects.exists()


def test_signup_mail_goes_through_a_job(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "lucie@example.com",
            "display_name": "Lucie Jardine",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )

    assert [m.to for m in mail.outbox] == [["lucie@example.com"]]
    job = BackgroundJob.objects.get()
    assert job.summary.startswith("→ 1 · Comptoir · ")
    assert job.kwargs == {}  # the verification link is not kept


@pytest.fixture
def members(db):
    return [MemberFactory() for _ in range(5)]


def test_notifying_many_members_runs_in_batches_with_progress(
    members, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "FAN_OUT_BATCH", 2)
    inactive = MemberFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        job = notifications_send_many(
            recipient_ids=[m.pk for m in members] + [inactive.pk, members[0].pk],
            kind="content_approved",
            title="Votre idée est lancée",
            url="/ideas/1/",
            email=True,
        )

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total) == (6, 6)
    notified = Notification.objects.values_list("recipient_id", flat=True)
    assert sorted(notified) == sorted(m.pk for m in members)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)


def test_an_unknown_kind_with_email_fails_in_the_caller(members):
    with pytest.raises(ValueError, match="no category"):
        notifications_send_many(
            recipient_ids=[members[0].pk], kind="mystery", title="x", email=True
        )
    assert not BackgroundJob.objects.exists()


def test_a_fan_out_whose_worker_dies_mid_way_notifies_nobody_twice(
    members,
    monkeypatch,
    database_tasks,  # noqa: F811
):
    monkeypatch.setattr(services, "FAN_OUT_BATCH", 2)
    real_batch = services._notify_batch
    batches = []

    def dies_on_the_second_batch(member_ids, **notification):
        batches.append(member_ids)
        if len(batches) == 2:
            raise WorkerKilled
        return real_batch(member_ids, **notification)

    def died(self, exc):  # the process is gone: it records nothing more
        raise exc

    real_set_failed = DBTaskResult.set_failed
    monkeypatch.setattr(services, "_notify_batch", dies_on_the_second_batch)
    monkeypatch.setattr(DBTaskResult, "set_failed", died)
    job = notifications_send_many(
        recipient_ids=[m.pk for m in members], kind="content_approved", title="Lancée"
    )

    with pytest.raises(WorkerKilled):
        run_worker()
    assert Notification.objects.count() == 2
    monkeypatch.setattr(DBTaskResult, "set_failed", real_set_failed)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11), tick=True):
        call_command("tasks_recover", verbosity=0)
        run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    notified = list(Notification.objects.values_list("recipient_id", flat=True))
    assert sorted(notified) == sorted(m.pk for m in members)
