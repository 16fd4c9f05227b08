"""Background jobs (comptoir/background.py): after commit, retried, recorded, shown,
and done once even when a worker is killed in the middle.

The immediate backend (the suite's default) runs a job as soon as it is handed
over; the tests marked "database" switch to django-tasks-db's backend and run its
worker in this process for the tasks waiting, as `manage.py tasks_worker` would.
"""

import datetime as dt
import logging

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from comptoir import background
from comptoir.background import (
    JobProgress,
    background_task,
    email_send_later,
    jobs_recover,
    once,
    progress,
)
from comptoir.models import BackgroundJob, BackgroundJobStep, JobStatus
from comptoir.settings.base import tasks_setting

pytestmark = pytest.mark.django_db

# What a job of these tests did, in order (module state: each test clears it).
CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()
    FLAKY["failures_left"] = 0


FLAKY = {"failures_left": 0}


@background_task(label=gettext_lazy("Test job"), attempts=3, backoff_seconds=10)
def note(*, word: str) -> None:
    CALLS.append(word)


@background_task(label=gettext_lazy("Flaky test job"), attempts=3, backoff_seconds=10)
def flaky(*, word: str) -> None:
    if FLAKY["failures_left"] > 0:
        FLAKY["failures_left"] -= 1
        raise ConnectionRefusedError("server away")
    CALLS.append(word)


@background_task(label=gettext_lazy("Long test job"), attempts=1)
def counting(*, items: int) -> None:
    step = JobProgress().step("Items", items)
    for _ in range(items):
        step.advance()
    step.done()


@background_task(label=gettext_lazy("Steps test job"), attempts=2)
def two_steps(*, fail_between: bool) -> None:
    once("first", lambda: CALLS.append("first"))
    if fail_between and FLAKY["failures_left"] > 0:
        FLAKY["failures_left"] -= 1
        raise RuntimeError("between the steps")
    once("second", lambda: CALLS.append("second"))


class WorkerKilled(BaseException):
    """A kill -9 of the worker: nothing after it runs in that process."""


@pytest.fixture
def database_tasks(settings, monkeypatch):
    """The database backend, as in production; `run_worker()` drains its queue."""
    settings.TASKS = tasks_setting("database")
    # The worker checks for stale connections between tasks, which would close
    # the test's own transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker(max_tasks=None) -> None:
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def later(**delta):
    return time_machine.travel(timezone.now() + dt.timedelta(**delta), tick=True)


# --- Immediate backend --------------------------------------------------------------


def test_a_job_asked_for_outside_a_transaction_runs_at_once():
    job = note.enqueue(word="bonjour")

    job.refresh_from_db()
    assert CALLS == ["bonjour"]
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 1
    assert job.label == "Test job"


def test_a_job_waits_for_the_commit_and_a_rollback_asks_for_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            note.enqueue(word="kept")
            assert CALLS == []
        with transaction.atomic():
            note.enqueue(word="rolled back")
            transaction.set_rollback(True)

    assert CALLS == ["kept"]
    assert BackgroundJob.objects.count() == 1


def test_the_same_key_twice_is_one_job():
    first = note.enqueue(key="welcome:42", word="once")
    second = note.enqueue(key="welcome:42", word="twice")

    assert second.pk == first.pk
    assert CALLS == ["once"]


def test_arguments_must_be_json():
    with pytest.raises(TypeError, match="must be JSON"):
        note.enqueue(word=object())
    assert not BackgroundJob.objects.exists()


def test_a_failing_job_is_tried_again_and_succeeds():
    FLAKY["failures_left"] = 2

    job = flaky.enqueue(word="enfin")

    job.refresh_from_db()
    assert CALLS == ["enfin"]
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 3


def test_after_its_last_attempt_a_job_stays_failed_and_is_logged(caplog):
    FLAKY["failures_left"] = 5

    with caplog.at_level(logging.ERROR, logger="comptoir.background"):
        job = flaky.enqueue(word="jamais")

    job.refresh_from_db()
    assert CALLS == []
    assert job.status == JobStatus.FAILED
    assert job.attempts == 3
    assert job.error_line == "ConnectionRefusedError: server away"
    assert any("failed for good" in r.getMessage() for r in caplog.records)


def test_a_failed_job_may_be_tried_once_more(django_capture_on_commit_callbacks):
    FLAKY["failures_left"] = 3
    job = flaky.enqueue(word="retour")

    with django_capture_on_commit_callbacks(execute=True):
        background.job_retry(job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 4
    assert CALLS == ["retour"]


def test_progress_of_a_long_job_is_recorded():
    job = counting.enqueue(items=250)

    job.refresh_from_db()
    assert (job.done, job.total, job.progress_label) == (250, 250, "Items")
    assert job.percent == 100


def test_outside_a_job_progress_and_once_simply_run():
    progress(done=1, total=2)
    assert once("x", lambda: "ran") == "ran"
    assert counting(items=3) is None  # calling the task runs it here


def test_a_new_attempt_skips_the_steps_an_earlier_one_did():
    FLAKY["failures_left"] = 1

    job = two_steps.enqueue(fail_between=True)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2
    assert CALLS == ["first", "second"]
    assert BackgroundJobStep.objects.filter(job=job).count() == 2


def test_an_email_keeps_its_headers_and_html_and_its_text_is_erased_once_sent():
    message = EmailMultiAlternatives(
        subject="Votre avis est publié",
        body="Merci !",
        to=["marie@example.com"],
        headers={"List-Unsubscribe": "<https://comptoir.example/u/1>"},
    )
    message.attach_alternative("<p>Merci !</p>", "text/html")

    job = email_send_later(message)

    (sent,) = mail.outbox
    assert sent.subject == "Votre avis est publié"
    assert sent.to == ["marie@example.com"]
    assert sent.extra_headers["List-Unsubscribe"] == "<https://comptoir.example/u/1>"
    assert sent.alternatives[0][1] == "text/html"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.kwargs == {}
    # the journal names no address: it outlives the mail
    assert job.summary == "→ 1 · Votre avis est publié"


def test_a_mail_server_that_refuses_fails_the_job_not_the_request(monkeypatch):
    def refused(self, fail_silently=False):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailMessage, "send", refused)

    job = email_send_later(EmailMessage("Sujet", "Texte", to=["a@example.com"]))

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 5
    assert "smtp down" in job.error
    assert job.kwargs  # kept, so that it can be tried again


def test_tasks_backend_setting_refuses_an_unknown_name():
    from django.core.exceptions import ImproperlyConfigured

    assert tasks_setting("database")["default"]["BACKEND"] == (
        "django_tasks_db.DatabaseBackend"
    )
    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND"):
        tasks_setting("celery")


# --- Database backend ---------------------------------------------------------------


def test_with_the_database_backend_a_job_waits_for_the_worker(database_tasks):
    job = note.enqueue(word="plus tard")

    assert CALLS == []
    result = DBTaskResult.objects.get()
    assert result.status == "READY"
    assert result.args_kwargs == {"args": [str(job.pk)], "kwargs": {}}

    run_worker()

    job.refresh_from_db()
    result.refresh_from_db()
    assert CALLS == ["plus tard"]
    assert job.status == JobStatus.SUCCEEDED
    assert result.status == "SUCCESSFUL"
    assert job.task_result_id == str(result.id)


def test_with_the_database_backend_a_retry_waits_for_its_backoff(database_tasks):
    FLAKY["failures_left"] = 1
    job = flaky.enqueue(word="patience")

    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.RETRYING
    assert job.attempts == 1
    first, second = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED"
    assert second.status == "READY"
    assert second.run_after == job.next_attempt_at
    assert dt.timedelta(seconds=9) < job.next_attempt_at - timezone.now()
    run_worker()  # too early: nothing runs
    assert CALLS == []

    with later(seconds=11):
        run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2
    assert CALLS == ["patience"]


def kill_before_the_mail_leaves(monkeypatch):
    real_send = EmailMessage.send

    def send_then_restore(self, fail_silently=False):
        monkeypatch.setattr(EmailMessage, "send", real_send)
        raise WorkerKilled

    monkeypatch.setattr(EmailMessage, "send", send_then_restore)


def kill_after_the_mail_left(monkeypatch):
    real_succeeded = background._job_succeeded

    def killed_then_restore(job, task_):
        monkeypatch.setattr(background, "_job_succeeded", real_succeeded)
        raise WorkerKilled

    monkeypatch.setattr(background, "_job_succeeded", killed_then_restore)


@pytest.mark.parametrize(
    "kill",
    [kill_before_the_mail_leaves, kill_after_the_mail_left],
    ids=lambda f: f.__name__,
)
def test_a_worker_killed_mid_task_the_job_runs_again_and_mails_once(
    database_tasks, monkeypatch, kill
):
    # given an e-mail waiting for the worker, and a worker that dies in the middle
    job = email_send_later(EmailMessage("Bienvenue", "Bonjour !", to=["l@example.com"]))
    kill(monkeypatch)

    def died(self, exc):  # the process is gone: it records nothing more
        raise exc

    monkeypatch.setattr(DBTaskResult, "set_failed", died)
    with pytest.raises(WorkerKilled):
        run_worker()
    monkeypatch.undo()
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert DBTaskResult.objects.get().status == "RUNNING"

    # when its lease has run out, the jobs of lost workers are recovered
    call_command("tasks_recover", verbosity=0)  # too early: still leased
    assert DBTaskResult.objects.count() == 1
    with later(minutes=11):
        call_command("tasks_recover", verbosity=0)
        run_worker()

    # then the job ran again and the e-mail left exactly once
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2
    assert [m.to for m in mail.outbox] == [["l@example.com"]]
    lost, again = DBTaskResult.objects.order_by("enqueued_at")
    assert lost.status == "FAILED"
    assert lost.exception_class_path == "comptoir.background.WorkerLost"
    assert again.status == "SUCCESSFUL"


def test_a_job_whose_hand_over_was_lost_is_handed_over_again(database_tasks):
    job = note.enqueue(word="perdu")
    DBTaskResult.objects.all().delete()  # the process died right after the commit
    BackgroundJob.objects.filter(pk=job.pk).update(task_result_id="")

    assert jobs_recover() == 0  # within the grace minute
    with later(minutes=2):
        assert jobs_recover() == 1
        run_worker()

    assert CALLS == ["perdu"]


def test_a_lost_worker_on_the_last_attempt_fails_the_job(database_tasks):
    job = note.enqueue(word="x")
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        attempts=3,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )

    assert jobs_recover() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "stopped before it finished" in job.error


def test_rewards_close_in_the_background_waits_for_the_worker(database_tasks):
    from rewards.models import Period

    call_command("rewards_close", "2026-10", "--background", stdout=None)

    job = BackgroundJob.objects.get()
    assert job.summary == "2026-10"
    assert not Period.objects.exists()
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Period.objects.filter(month=dt.date(2026, 10, 1)).exists()


def test_rewards_close_in_the_background_refuses_a_bad_month():
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("rewards_close", "octobre", "--background")


# --- The admin page -----------------------------------------------------------------

PAGE = "/admin/background-tasks/"


@pytest.fixture
def superuser_client(client):
    admin = get_user_model().objects.create_superuser(
        email="admin@comptoir.example", password="x"
    )
    client.force_login(admin)
    return client


def test_admin_page_lists_jobs_with_status_attempts_progress_and_error(
    superuser_client,
):
    counting.enqueue(items=4)
    FLAKY["failures_left"] = 9
    flaky.enqueue(word="non")

    response = superuser_client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Long test job" in html
    assert '<progress value="4" max="4">' in html
    assert "3 of 3" in html
    assert "ConnectionRefusedError: server away" in html
    assert "Try again" in html


def test_admin_page_filters_by_status_and_says_when_empty(superuser_client):
    note.enqueue(word="ok")

    failed = superuser_client.get(PAGE, {"status": "failed"}).content.decode()
    everything = superuser_client.get(PAGE, {"status": "nonsense"}).content.decode()

    assert "No task with this status." in failed
    assert "Test job" not in failed
    assert "Test job" in everything


def test_admin_page_before_any_job(superuser_client):
    html = superuser_client.get(PAGE).content.decode()

    assert "No background task yet" in html


def test_admin_page_query_count_does_not_grow_with_jobs(
    superuser_client, django_assert_max_num_queries
):
    for n in range(60):
        BackgroundJob.objects.create(task_path=note.path, label="Test job", done=n)
    superuser_client.get(PAGE)  # warm Wagtail's own per-user caches

    with django_assert_max_num_queries(12):
        response = superuser_client.get(PAGE)
    assert response.status_code == 200
    assert "Page 1 of 2" in response.content.decode()


def test_admin_page_retry_button_gives_a_failed_job_another_attempt(
    superuser_client, django_capture_on_commit_callbacks
):
    FLAKY["failures_left"] = 3
    job = flaky.enqueue(word="encore")

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("comptoir_admin:background_job_retry", args=[job.pk])
        )

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_admin_page_is_for_those_allowed_only(client):
    editor = get_user_model().objects.create_user(
        email="editor@comptoir.example", password="x"
    )
    editors = Group.objects.create(name="Editors of this test")
    editors.permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    editor.groups.add(editors)
    client.force_login(editor)

    assert client.get(PAGE).status_code in (302, 403)
    assert "Background tasks" not in client.get("/admin/").content.decode()

    editors.permissions.add(Permission.objects.get(codename="view_backgroundjob"))
    editor = get_user_model().objects.get(pk=editor.pk)  # drop the perm cache
    client.force_login(editor)
    assert client.get(PAGE).status_code == 200
    FLAKY["failures_left"] = 9
    job = flaky.enqueue(word="x")
    # Viewing is not changing: Wagtail turns the refusal into a redirect.
    client.post(reverse("comptoir_admin:background_job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 3
