"""The site's own records: the journal of background jobs (comptoir/background.py).

A job is one piece of work asked for once (an e-mail, a fan-out, a monthly close);
each of its attempts is a Django task of its own (a DBTaskResult row with the
database backend, nothing stored with the immediate one). The job carries what
admins look at whatever the backend: status, attempts, progress, last error.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Waiting to retry")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class BackgroundJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_path = models.CharField(_("task"), max_length=200)
    label = models.CharField(_("label"), max_length=200)
    summary = models.CharField(
        _("summary"),
        max_length=200,
        blank=True,
        help_text=_("What this job is about, e.g. an e-mail's recipient and subject."),
    )
    key = models.CharField(
        _("idempotency key"),
        max_length=200,
        blank=True,
        help_text=_("Asking again for a job with the same key returns the first one."),
    )
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=3)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    progress_label = models.CharField(_("step"), max_length=100, blank=True)
    error = models.TextField(_("last error"), blank=True)
    task_result_id = models.CharField(
        _("task result"),
        max_length=64,
        blank=True,
        help_text=_("The Django task of the latest attempt."),
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_until = models.DateTimeField(
        _("lease until"),
        null=True,
        blank=True,
        help_text=_(
            "A running job that has not reported by then is taken to have lost its "
            "worker, and is run again."
        ),
    )

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="background_job_key_unique"
            )
        ]
        indexes = [
            models.Index(fields=["status", "lease_until"], name="background_job_lease"),
            models.Index(fields=["-created_at"], name="background_job_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def error_line(self) -> str:
        """The last line of the error: the exception and its message."""
        lines = [line for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""

    @property
    def percent(self) -> int | None:
        """How far along, 0–100, or None when the job reports no progress."""
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)


class BackgroundJobStep(models.Model):
    """A step of a job that has been done: an attempt after a lost worker skips it."""

    job = models.ForeignKey(BackgroundJob, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["job", "name"], name="background_job_step_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.name}"
