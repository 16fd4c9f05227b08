"""Background jobs: the one way Comptoir runs work outside the request.

    @background_task(label=_("Data export"), attempts=3)
    def member_export_build(*, member_id: int) -> None:
        for n, part in enumerate(parts, start=1):
            once(f"part-{n}", lambda: part.write())
            progress(done=n, total=len(parts))

    member_export_build.enqueue(member_id=member.pk)  # returns its BackgroundJob

- `enqueue()` writes a `BackgroundJob` in the caller's transaction and hands it to
  Django's task backend once that transaction commits: a rolled-back request asks
  for nothing, and a job whose hand-over was lost (the process died right after the
  commit) is handed over again by `jobs_recover`. Outside a transaction it is handed
  over at once. `key` makes asking twice return the first job.
- Every attempt is one run of `job_run`, the project's only Django task, whose sole
  argument is the job's id: the arguments stay on the job row, so a secret among
  them (a password-reset link) can be erased once the job succeeded
  (`keep_arguments=False`).
- A failing attempt is tried again after a backoff (`backoff_seconds`, doubled
  each time) with the database backend, at once with the immediate backend (it
  cannot wait), up to `attempts`; after the last one the job stays FAILED with its
  error, in the admin's "Background tasks" (Settings menu).
- A worker killed mid-job leaves its job RUNNING. Once the job's lease runs out
  (`lease_seconds`, renewed by every `progress()` report) `jobs_recover` runs it
  again: `manage.py tasks_worker` does so every minute, `manage.py tasks_recover`
  once. A job may therefore run twice: `once(name, fn)` runs a step and records it
  in one transaction, so a later attempt skips what an earlier one did.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import traceback
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import TaskContext, task

from .models import BackgroundJob, BackgroundJobStep, JobStatus

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A job handed over this long ago and still without a task result was lost between
# the commit and the hand-over.
HANDOVER_GRACE = dt.timedelta(minutes=1)
# Finished jobs are kept this long for the admin, then pruned by jobs_recover.
KEEP_FINISHED = dt.timedelta(days=30)
# A job's progress reaches the database at most this often (and at the end).
PROGRESS_EVERY_SECONDS = 1.0
ERROR_MAX_CHARS = 10_000


class WorkerLost(Exception):
    """What a task result says when its worker stopped before it finished."""


class BackgroundTask:
    """A function run as a background job; calling it runs it here and now."""

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        label,
        attempts: int,
        backoff_seconds: float,
        lease_seconds: float,
        keep_arguments: bool,
    ) -> None:
        self.func = func
        self.path = f"{func.__module__}.{func.__qualname__}"
        self.label = label
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.lease_seconds = lease_seconds
        self.keep_arguments = keep_arguments
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__

    def __call__(self, **kwargs: Any) -> Any:
        return self.func(**kwargs)

    def enqueue(self, *, key: str = "", summary: str = "", **kwargs: Any):
        """Ask for a run once the current transaction commits; returns the job.

        `kwargs` must be JSON (ids, not model instances). With a `key` already
        asked for, nothing new is asked and the first job is returned.
        """
        return job_enqueue(self, key=key, summary=summary, kwargs=kwargs)

    def __repr__(self) -> str:
        return f"<BackgroundTask {self.path}>"


def background_task(
    *,
    label,
    attempts: int = 3,
    backoff_seconds: float = 30,
    lease_seconds: float = 600,
    keep_arguments: bool = True,
) -> Callable[[Callable[..., Any]], BackgroundTask]:
    """Make a module-level function a background job (see the module docstring).

    `label` names it in the admin (a gettext_lazy string); `lease_seconds` is how
    long it may run without a `progress()` report before its worker is taken to
    be lost.
    """
    if attempts < 1:
        raise ValueError("A background task needs at least one attempt.")

    def decorate(func: Callable[..., Any]) -> BackgroundTask:
        return BackgroundTask(
            func,
            label=label,
            attempts=attempts,
            backoff_seconds=backoff_seconds,
            lease_seconds=lease_seconds,
            keep_arguments=keep_arguments,
        )

    return decorate


# --- Asking for a job ---------------------------------------------------------------


def _in_transaction() -> bool:
    """Whether a transaction of our own is open (a test case's does not count)."""
    connection = transaction.get_connection()
    return not all(
        getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )


def _after_commit(func: Callable[[], None]) -> None:
    """`transaction.on_commit(func, robust=True)`, with a test case's transaction
    taken as no transaction at all.

    Django's test cases wrap each test in a transaction that never commits, so an
    on_commit callback there would never run; Django itself ignores those blocks
    when it checks `atomic(durable=True)`, and so do we: what happens outside any
    transaction in production happens at once in a test too.
    """
    if not _in_transaction():
        try:
            func()
        except Exception:
            logger.exception("Could not hand a background job over (%s)", func)
        return
    transaction.on_commit(func, robust=True)


def job_enqueue(
    task_: BackgroundTask, *, key: str = "", summary: str = "", kwargs: dict
) -> BackgroundJob:
    """Record a job and hand it to the task backend once the transaction commits.

    The same non-empty `key` twice returns the first job (unique constraint).
    """
    try:
        json.dumps(kwargs)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{task_.path}: a background job's arguments must be JSON ({error})."
        ) from error
    if key:
        existing = BackgroundJob.objects.filter(key=key).first()
        if existing is not None:
            return existing
    # Stored untranslated: the admin shows it in the reader's language.
    with translation.override(None):
        label = str(task_.label)
    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(
                task_path=task_.path,
                label=label[:200],
                summary=summary[:200],
                key=key[:200],
                kwargs=kwargs,
                max_attempts=task_.attempts,
            )
    except IntegrityError:
        if not key:
            raise
        return BackgroundJob.objects.get(key=key)
    job_id = job.pk

    def background_job_hand_over():
        _dispatch(job_id)

    _after_commit(background_job_hand_over)
    return job


def _dispatch(job_id, *, run_after: dt.datetime | None = None) -> None:
    """Enqueue one attempt of a job on the task backend."""
    backend = job_run.get_backend()
    attempt = job_run
    if run_after is not None and backend.supports_defer:
        attempt = job_run.using(run_after=run_after)
    result = attempt.enqueue(str(job_id))
    if backend.supports_get_result:
        # The immediate backend has already run it, and noted its result id.
        BackgroundJob.objects.filter(pk=job_id).update(task_result_id=result.id)


# --- Running a job ------------------------------------------------------------------


@dataclass
class _Running:
    job_id: uuid.UUID
    lease_seconds: float
    reported_at: float = field(default=float("-inf"))


_current: ContextVar[_Running | None] = ContextVar("background_job", default=None)


def _task_of(job: BackgroundJob) -> BackgroundTask:
    found = import_string(job.task_path)
    if not isinstance(found, BackgroundTask):
        raise TypeError(f"{job.task_path} is not a background task.")
    return found


@task(takes_context=True)
def job_run(context: TaskContext, job_id: str) -> str:
    """One attempt of a background job: the project's only Django task.

    Runs the job if it is waiting for an attempt (an attempt asked for twice, or
    after the job finished, does nothing); a failure asks for the next attempt or,
    after the last, leaves the job FAILED. The exception is raised again so the
    task result of the attempt says FAILED too.
    """
    job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in (JobStatus.QUEUED, JobStatus.RETRYING):
        return "skipped"
    now = timezone.now()
    try:
        task_ = _task_of(job)
    except (ImportError, TypeError) as error:
        _job_failed(job, error, now=now)
        raise
    claimed = BackgroundJob.objects.filter(
        pk=job.pk, status__in=(JobStatus.QUEUED, JobStatus.RETRYING)
    ).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        next_attempt_at=None,
        lease_until=now + dt.timedelta(seconds=task_.lease_seconds),
        task_result_id=str(context.task_result.id)[:64],
    )
    if not claimed:
        return "skipped"
    attempt = job.attempts + 1
    token = _current.set(_Running(job_id=job.pk, lease_seconds=task_.lease_seconds))
    try:
        task_.func(**job.kwargs)
    except Exception as error:
        _attempt_failed(job, task_, error, attempt=attempt)
        raise
    finally:
        _current.reset(token)
    _job_succeeded(job, task_)
    return "succeeded"


def _error_text(error: BaseException) -> str:
    text = "".join(traceback.format_exception(error))
    return text[-ERROR_MAX_CHARS:]


def _job_succeeded(job: BackgroundJob, task_: BackgroundTask) -> None:
    changes: dict[str, Any] = {
        "status": JobStatus.SUCCEEDED,
        "finished_at": timezone.now(),
        "lease_until": None,
    }
    if not task_.keep_arguments:
        changes["kwargs"] = {}
    BackgroundJob.objects.filter(pk=job.pk).update(**changes)


def _job_failed(job: BackgroundJob, error: BaseException | str, *, now) -> None:
    text = error if isinstance(error, str) else _error_text(error)
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        finished_at=now,
        lease_until=None,
        next_attempt_at=None,
        error=text,
    )
    # One line an error monitor picks up; the admin has the whole traceback.
    logger.error(
        "Background job %s (%s) failed for good: %s",
        job.pk,
        job.task_path,
        text.strip().splitlines()[-1] if text.strip() else "",
    )


def _attempt_failed(
    job: BackgroundJob, task_: BackgroundTask, error: Exception, *, attempt: int
) -> None:
    now = timezone.now()
    if attempt >= job.max_attempts:
        _job_failed(job, error, now=now)
        return
    delay = dt.timedelta(seconds=task_.backoff_seconds * 2 ** (attempt - 1))
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RETRYING,
        lease_until=None,
        next_attempt_at=now + delay,
        error=_error_text(error),
    )
    logger.warning(
        "Background job %s (%s) attempt %s of %s failed, trying again: %s",
        job.pk,
        job.task_path,
        attempt,
        job.max_attempts,
        error,
    )
    _dispatch(job.pk, run_after=now + delay)


# --- Inside a job -------------------------------------------------------------------


def current_job_id() -> uuid.UUID | None:
    """The id of the job running in this thread, or None outside a job."""
    running = _current.get()
    return running.job_id if running else None


def progress(*, done: int, total: int, label: str = "", force: bool = False) -> None:
    """Report how far the running job has got; the admin shows it as a bar.

    Each report renews the job's lease. Written at most once a second (and always
    at the end, or with `force`), so a loop may report every item. Outside a job
    it does nothing.
    """
    running = _current.get()
    if running is None:
        return
    moment = time.monotonic()
    if (
        not force
        and done < total
        and moment - running.reported_at < PROGRESS_EVERY_SECONDS
    ):
        return
    running.reported_at = moment
    report = {
        "done": max(0, done),
        "total": max(0, total),
        "progress_label": label[:100],
        "lease_until": timezone.now() + dt.timedelta(seconds=running.lease_seconds),
    }
    # Inside the job's own transaction (a monthly close is one) a row update would
    # show nobody anything before the commit: the cache, shared by every process
    # with Redis, carries the report meanwhile.
    cache.set(_progress_key(running.job_id), report, timeout=running.lease_seconds)
    if not _in_transaction():
        BackgroundJob.objects.filter(pk=running.job_id).update(**report)


def _progress_key(job_id) -> str:
    return f"background-job-progress:{job_id}"


def jobs_with_progress(jobs) -> list[BackgroundJob]:
    """The jobs, running ones with their latest progress report from the cache."""
    jobs = list(jobs)
    running = {str(job.pk): job for job in jobs if job.status == JobStatus.RUNNING}
    if running:
        reports = cache.get_many([_progress_key(pk) for pk in running])
        for pk, job in running.items():
            report = reports.get(_progress_key(pk))
            if report:
                for name, value in report.items():
                    setattr(job, name, value)
    return jobs


class _StepTaken(Exception):
    pass


def once(name: str, func: Callable[[], T]) -> T | None:
    """Run one step of the running job, unless an earlier attempt already did.

    The step is recorded in the same transaction as the database writes of
    `func`, so for those it is exactly once. For what leaves the database (an
    SMTP server) a worker killed between the send and the commit sends again:
    keep such steps small. Returns what `func` returned, None when skipped.
    Outside a job `func` simply runs.
    """
    job_id = current_job_id()
    if job_id is None:
        return func()
    try:
        with transaction.atomic():
            if BackgroundJobStep.objects.filter(job_id=job_id, name=name).exists():
                return None
            result = func()
            try:
                with transaction.atomic():
                    BackgroundJobStep.objects.create(job_id=job_id, name=name[:100])
            except IntegrityError:
                # A second attempt ran alongside (a worker taken for lost that
                # was only slow) and finished first: undo ours.
                raise _StepTaken from None
    except _StepTaken:
        return None
    return result


class _JobStep:
    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = total
        self.count = 0

    def advance(self, n: int = 1) -> None:
        self.count += n
        progress(done=self.count, total=self.total, label=self.label)

    def done(self, note: str = "") -> None:
        progress(done=self.count, total=self.total, label=self.label, force=True)


class JobProgress:
    """`comptoir.progress.Progress` for a job: its steps report to the admin."""

    def step(self, label: str, total: int) -> _JobStep:
        step = _JobStep(label, total)
        progress(done=0, total=total, label=label, force=True)
        return step

    def write(self, text: str, end: str = "\n") -> None:
        pass


# --- Operating ----------------------------------------------------------------------


def _task_result_abandon(result_id: str, *, now) -> None:
    """Mark a lost worker's task result FAILED (database backend only)."""
    try:
        uuid.UUID(result_id)
    except ValueError:
        return  # the immediate backend's ids: nothing is stored for them
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=result_id, status="RUNNING").update(
        status="FAILED",
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback="The worker running this task stopped before it finished.",
    )


def jobs_recover(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Run again the jobs a lost worker left behind; returns how many.

    A RUNNING job past its lease gets its next attempt (or fails, if it had its
    last), and its task result is marked FAILED; a job never handed over to the
    backend is handed over. Finished jobs older than 30 days are pruned.
    """
    now = now or timezone.now()
    recovered = 0
    lost = BackgroundJob.objects.filter(
        status=JobStatus.RUNNING, lease_until__lt=now
    ).order_by("lease_until")[:limit]
    for job in lost:
        report = cache.get(_progress_key(job.pk))
        if report and report["lease_until"] >= now:
            continue  # still reporting, from inside a long transaction
        message = _(
            "The worker running attempt %(attempt)s stopped before it finished."
        ) % {"attempt": job.attempts}
        last = job.attempts >= job.max_attempts
        taken = BackgroundJob.objects.filter(
            pk=job.pk, status=JobStatus.RUNNING, lease_until__lt=now
        ).update(
            status=JobStatus.FAILED if last else JobStatus.RETRYING,
            lease_until=None,
            error=message,
            finished_at=now if last else None,
        )
        if not taken:
            continue  # another recoverer was first
        _task_result_abandon(job.task_result_id, now=now)
        logger.warning("Background job %s (%s): %s", job.pk, job.task_path, message)
        if not last:
            _dispatch(job.pk)
        recovered += 1
    never_handed = BackgroundJob.objects.filter(
        status=JobStatus.QUEUED, task_result_id="", created_at__lt=now - HANDOVER_GRACE
    ).values_list("pk", flat=True)[:limit]
    for job_id in never_handed:
        _dispatch(job_id)
        recovered += 1
    BackgroundJob.objects.filter(
        status__in=(JobStatus.SUCCEEDED, JobStatus.FAILED),
        finished_at__lt=now - KEEP_FINISHED,
    ).delete()
    return recovered


@transaction.atomic
def job_retry(*, job: BackgroundJob) -> BackgroundJob:
    """Give a failed job one more attempt (an admin's "Try again")."""
    updated = BackgroundJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.RETRYING,
        max_attempts=F("attempts") + 1,
        finished_at=None,
    )
    if updated:
        job_id = job.pk

        def background_job_hand_over():
            _dispatch(job_id)

        _after_commit(background_job_hand_over)
    job.refresh_from_db()
    return job


# --- E-mail, the job every app uses -------------------------------------------------


def _email_to_data(message: EmailMessage) -> dict:
    if message.attachments:
        raise ValueError("E-mails sent in the background carry links, not files.")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "content_subtype": message.content_subtype,
        "alternatives": [
            [str(content), mimetype]
            for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def _email_from_data(data: dict) -> EmailMessage:
    fields = {
        "subject": data["subject"],
        "body": data["body"],
        "from_email": data.get("from_email"),
        "to": data.get("to", []),
        "cc": data.get("cc", []),
        "bcc": data.get("bcc", []),
        "reply_to": data.get("reply_to", []),
        "headers": data.get("headers", {}),
    }
    if data.get("alternatives"):
        message = EmailMultiAlternatives(
            **fields, alternatives=[tuple(a) for a in data["alternatives"]]
        )
    else:
        message = EmailMessage(**fields)
    message.content_subtype = data.get("content_subtype", "plain")
    return message


@background_task(
    label=gettext_lazy("E-mail"),
    attempts=5,
    backoff_seconds=60,
    # Password-reset and verification links must not stay in the database.
    keep_arguments=False,
)
def email_deliver(*, message: dict) -> None:
    """Hand one rendered e-mail to the mail server, once per job."""
    once("sent", _email_from_data(message).send)


def email_send_later(message: EmailMessage, *, key: str = "") -> BackgroundJob:
    """Send a rendered e-mail from a background job, after the transaction commits.

    A request never waits for the mail server; a server that refuses is tried
    again (5 attempts, from one minute apart), then the job shows as failed.
    """
    # The journal names no address: it outlives the mail, and an erased member's
    # address must not survive in it (the arguments go once the mail has left).
    recipients = len([*message.to, *message.cc, *message.bcc])
    return email_deliver.enqueue(
        key=key,
        summary=f"→ {recipients} · {message.subject}",
        message=_email_to_data(message),
    )


def _email_jobs_to(address: str) -> list[BackgroundJob]:
    # Few e-mail jobs keep their arguments (those not sent yet, or failed), so
    # they are read and matched here rather than by a JSON lookup per database.
    address = address.strip().lower()
    jobs = BackgroundJob.objects.filter(task_path=email_deliver.path).exclude(kwargs={})
    return [
        job
        for job in jobs.iterator(chunk_size=500)
        if address
        in {
            recipient.strip().lower()
            for field_name in ("to", "cc", "bcc")
            for recipient in job.kwargs.get("message", {}).get(field_name, [])
        }
    ]


def emails_waiting_export(address: str) -> list[dict[str, Any]]:
    """The e-mails to `address` not delivered yet (or failed): subject and state."""
    return [
        {
            "subject": job.kwargs.get("message", {}).get("subject", ""),
            "status": job.status,
            "asked_at": job.created_at,
        }
        for job in _email_jobs_to(address)
    ]


def emails_waiting_erase(address: str) -> int:
    """Withdraw every e-mail to `address` not delivered yet; returns how many.

    Their jobs go: an attempt already handed to the worker then finds no job and
    does nothing, so nothing is sent to an account being erased.
    """
    ids = [job.pk for job in _email_jobs_to(address)]
    deleted, _by_model = BackgroundJob.objects.filter(pk__in=ids).delete()
    return len(ids) if deleted else 0


# --- Image renditions of uploads ----------------------------------------------------


@background_task(label=gettext_lazy("Image sizes of an upload"), attempts=3)
def image_renditions_prepare(*, image_id: int, specs: list[str]) -> int:
    """Make the sizes the pages show of one Wagtail image; returns how many.

    The first visitor of a page with a new photo then gets files already made,
    instead of waiting while each size is cut. An image deleted since is no error.
    """
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return 0
    # get_renditions makes only the sizes that are missing, so a retry is cheap.
    return len(image.get_renditions(*specs))


def image_renditions_prepare_later(image, *, specs: list[str]) -> BackgroundJob:
    """Ask for the sizes `specs` of `image` once the transaction commits."""
    return image_renditions_prepare.enqueue(
        summary=str(image.title)[:200], image_id=image.pk, specs=list(specs)
    )
