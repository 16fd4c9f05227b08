"""Rewards managers' views in the Wagtail admin: closes, payouts, statements, reports.

Every view requires the `rewards.manage_rewards` permission (the "Rewards managers"
group has it); Wagtail's admin URLs already require admin access.
"""

import datetime as dt
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.permissions import admin_permission_denied
from marketplace.sales.selectors import refunds_orphaned

from . import selectors, services
from .close import month_next
from .forms import CloseForm, RejectForm
from .models import Payout, PayoutBatch, Period

PER_PAGE = 50


def manager_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("rewards.manage_rewards"):
            # Back to the admin's home, told why (as Wagtail's own views answer).
            return admin_permission_denied(
                request, _("Only rewards managers may open this page.")
            )
        return view(request, *args, **kwargs)

    return wrapped


def _render(request, template, title, context, status=200):
    context = {
        "page_title": title,
        "header_title": title,
        "header_icon": "tasks",
        **context,
    }
    return render(request, template, context, status=status)


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def periods(request):
    """Closed months with their totals, and the form that closes the next one."""
    last = Period.objects.order_by("-month").first()
    suggested = (
        month_next(last.month)
        if last
        else (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    )
    form = CloseForm(request.POST or None, initial={"month": f"{suggested:%Y-%m}"})
    status = 200
    if request.method == "POST":
        if form.is_valid() and "background" in request.POST:
            # A close of a million sales takes minutes: a worker does it and the
            # admin's Background tasks page shows its progress.
            try:
                services.close_month_later(
                    text=form.cleaned_data["month"], by=request.user
                )
            except ValidationError as error:
                form.add_error("month", error.messages)
            else:
                messages.success(
                    request,
                    _(
                        "The close of %(month)s is queued: its progress shows "
                        "under Settings › Background tasks."
                    )
                    % {"month": form.cleaned_data["month"]},
                )
                return redirect("rewards_admin:periods")
        elif form.is_valid():
            try:
                period, created = services.close_month_text(
                    text=form.cleaned_data["month"], by=request.user
                )
            except ValidationError as error:
                form.add_error("month", error.messages)
            else:
                if created:
                    messages.success(
                        request,
                        _("%(month)s is closed: %(lines)s statement lines.")
                        % {"month": period, "lines": period.lines},
                    )
                else:
                    messages.info(
                        request,
                        _("%(month)s was already closed: nothing added.")
                        % {"month": period},
                    )
                return redirect("rewards_admin:periods")
        status = 400
    page = Paginator(selectors.period_list(), PER_PAGE).get_page(request.GET.get("p"))
    days = settings.REWARDS_ORPHAN_REFUND_DAYS
    return _render(
        request,
        "rewards/admin/periods.html",
        _("Closed months"),
        {
            "form": form,
            "page_obj": page,
            "orphan_days": days,
            "orphans_old": _orphans_older_than(days).count(),
        },
        status,
    )


def _orphans_older_than(days: int):
    return refunds_orphaned(received_before=timezone.now() - dt.timedelta(days=days))


@manager_required
@require_http_methods(["GET", "HEAD"])
def orphan_refunds(request):
    """Refunds whose sale has not arrived: those older than the configured age, or
    all of them (`?all=1`). They count in no net revenue until it does."""
    days = settings.REWARDS_ORPHAN_REFUND_DAYS
    every = request.GET.get("all") == "1"
    refunds = refunds_orphaned() if every else _orphans_older_than(days)
    page = Paginator(refunds, PER_PAGE).get_page(request.GET.get("p"))
    return _render(
        request,
        "rewards/admin/orphan_refunds.html",
        _("Refunds waiting for their sale"),
        {"page_obj": page, "days": days, "every": every},
    )


@manager_required
@require_http_methods(["GET", "HEAD"])
def payouts(request):
    """Transfers waiting for approval or export, and the exported batches."""
    queue = Paginator(selectors.payout_queue(), PER_PAGE).get_page(request.GET.get("p"))
    batches = selectors.payout_batches()[:20]
    return _render(
        request,
        "rewards/admin/payouts.html",
        _("Payout queue"),
        {"page_obj": queue, "batches": batches, "reject_form": RejectForm()},
    )


@manager_required
@require_POST
def payout_decide(request, payout_id: int):
    payout = get_object_or_404(Payout, pk=payout_id)
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.payout_approve(payout=payout, by=request.user)
            messages.success(
                request, _("Transfer #%(id)s approved.") % {"id": payout.pk}
            )
        elif action == "reject":
            form = RejectForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.payout_reject(payout=payout, by=request.user, note=note)
            messages.success(
                request,
                _("Transfer #%(id)s rejected: the money is available again.")
                % {"id": payout.pk},
            )
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("rewards_admin:payouts")


@manager_required
@require_POST
def batch_export(request):
    batch = services.payouts_export(by=request.user)
    if batch is None:
        messages.info(request, _("No approved transfer to export."))
        return redirect("rewards_admin:payouts")
    messages.success(request, _("Batch #%(id)s created.") % {"id": batch.pk})
    return redirect("rewards_admin:payouts")


@manager_required
@require_http_methods(["GET", "HEAD"])
def batch_download(request, batch_id: int):
    batch = get_object_or_404(PayoutBatch, pk=batch_id)
    return _csv(selectors.batch_csv(batch=batch), f"comptoir-transfers-{batch.pk}.csv")


@manager_required
@require_POST
def batch_paid(request, batch_id: int):
    batch = get_object_or_404(PayoutBatch, pk=batch_id)
    services.batch_mark_paid(batch=batch, by=request.user)
    messages.success(request, _("Batch #%(id)s marked paid.") % {"id": batch.pk})
    return redirect("rewards_admin:payouts")


@manager_required
@require_http_methods(["GET", "HEAD"])
def members(request):
    """Members of the programme, searchable, each linking to their statement."""
    query = (request.GET.get("q") or "").strip()[:100]
    members = (
        get_user_model()
        .objects.filter(rewards_membership__isnull=False)
        .select_related("rewards_membership")
        .order_by("email")
    )
    if query:
        members = members.filter(
            Q(email__icontains=query) | Q(display_name__icontains=query)
        )
    page = Paginator(members, PER_PAGE).get_page(request.GET.get("p"))
    return _render(
        request,
        "rewards/admin/members.html",
        _("Member statements"),
        {"page_obj": page, "query": query},
    )


@manager_required
@require_http_methods(["GET", "HEAD"])
def member_statement(request, member_id: int):
    member = get_object_or_404(get_user_model(), pk=member_id)
    if request.GET.get("format") == "csv":
        return _csv(
            selectors.statement_csv(member_id=member.pk),
            f"comptoir-statement-{member.pk}.csv",
        )
    page = Paginator(
        selectors.statement_entries(member_id=member.pk), PER_PAGE
    ).get_page(request.GET.get("p"))
    return _render(
        request,
        "rewards/admin/member_statement.html",
        _("Statement of %(member)s") % {"member": member},
        {
            "member": member,
            "summary": selectors.wallet_summary(member_id=member.pk),
            "page_obj": page,
            "lines": selectors.statement_lines(page.object_list),
        },
    )


@manager_required
@require_http_methods(["GET", "HEAD"])
def yearly_report(request):
    """Each payee's earnings and payouts of a year; CSV for tax reporting."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404(_("No such year.")) from None
    if not 2000 <= year <= 2100:
        raise Http404(_("No such year."))
    if request.GET.get("format") == "csv":
        return _csv(
            selectors.yearly_report_csv(year=year), f"comptoir-rewards-{year}.csv"
        )
    page = Paginator(selectors.yearly_report(year=year), PER_PAGE).get_page(
        request.GET.get("p")
    )
    return _render(
        request,
        "rewards/admin/yearly_report.html",
        _("Yearly report %(year)s") % {"year": year},
        {"year": year, "page_obj": page},
    )
