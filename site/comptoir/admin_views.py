"""The admin's "Background tasks" page: recent jobs, their progress and errors.

Shown to whoever may view background jobs (superusers, or a group given
`comptoir.view_backgroundjob`); trying a failed job again needs the change
permission.
"""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .background import job_retry, jobs_with_progress
from .models import BackgroundJob, JobStatus
from .permissions import admin_role_required

PER_PAGE = 50
VIEW_PERMISSION = "comptoir.view_backgroundjob"
RETRY_PERMISSION = "comptoir.change_backgroundjob"


def _required(permission: str):
    """Users without `permission` go back to the admin's home, told why."""
    return admin_role_required(
        lambda user: user.has_perm(permission),
        gettext_lazy("You may not see the background tasks."),
    )


@_required(VIEW_PERMISSION)
@require_http_methods(["GET", "HEAD"])
def background_jobs(request):
    """Recent jobs, newest first, optionally of one status; 50 a page."""
    status = request.GET.get("status", "")
    if status not in JobStatus.values:
        status = ""
    jobs = BackgroundJob.objects.defer("kwargs").order_by("-created_at", "pk")
    if status:
        jobs = jobs.filter(status=status)
    page = Paginator(jobs, PER_PAGE).get_page(request.GET.get("p"))
    page.object_list = jobs_with_progress(page.object_list)
    counts = dict(
        BackgroundJob.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    filters = [
        {"value": "", "label": _("All"), "count": sum(counts.values())},
        *(
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in JobStatus.choices
        ),
    ]
    title = _("Background tasks")
    return render(
        request,
        "comptoir/background_jobs.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "cogs",
            "page_obj": page,
            "status": status,
            "filters": filters,
            "can_retry": request.user.has_perm(RETRY_PERMISSION),
        },
    )


@_required(RETRY_PERMISSION)
@require_POST
def background_job_retry(request, job_id: str):
    """Give a failed job one more attempt, then back to the list."""
    try:
        uuid.UUID(job_id)
    except ValueError:
        raise Http404 from None
    job = get_object_or_404(BackgroundJob, pk=job_id)
    if job.status != JobStatus.FAILED:
        messages.warning(request, _("Only a failed task can be tried again."))
    else:
        job_retry(job=job)
        messages.success(request, _("The task is being tried again."))
    return redirect(reverse("comptoir_admin:background_jobs") + "?status=failed")
