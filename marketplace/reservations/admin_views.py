"""A reservation's page at the hand-off desk, in the Wagtail admin.

Wagtail's admin URLs already send anonymous visitors and people without admin
access to its login. Here a reservation of a store the user does not work is a
404 (never a 403: it is not told to exist); someone who works no desk at all
is sent back to the admin's home with a message. Each POST calls one service and
redirects back with a message; a refusal is told in words, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.money import format_cents
from comptoir.redirects import next_url
from marketplace.catalog.desk import desk_staff_required
from marketplace.catalog.desk_views import desk_url
from rewards.selectors import wallet_summary

from . import services
from .admin_forms import CollectForm, CreditForm
from .desk import staff_reservation_get, staff_reservation_url
from .models import OPEN_STATUSES, ReservationsSettings, ReservationStatus
from .selectors import pickup_code_display


def _refusal_told(request, error: Exception) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _form_errors_told(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _ended_day(reservation) -> str:
    when = reservation.ended_at
    return date_format(timezone.localdate(when), "DATE_FORMAT") if when else ""


@desk_staff_required
@require_http_methods(["GET", "HEAD"])
def reservation_detail(request, reservation_id: int):
    """A reservation of the user's store: what it is, the member's store credit,
    and what can be done in the state it is in."""
    reservation = staff_reservation_get(
        user=request.user, reservation_id=reservation_id
    )
    available = wallet_summary(member_id=reservation.member_id).available_cents
    left = max(reservation.total_cents - reservation.credit_applied_cents, 0)
    is_open = reservation.status in OPEN_STATUSES
    can_use_credit = (
        reservation.status
        not in (ReservationStatus.CANCELLED, ReservationStatus.RELEASED)
        and available > 0
        and left > 0
    )
    grace_days = ReservationsSettings.load().grace_days
    code = pickup_code_display(reservation.code)
    title = _("Reservation %(code)s") % {"code": code}
    return render(
        request,
        "reservations/desk/reservation_detail.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "clipboard-list",
            "reservation": reservation,
            "code_display": code,
            "desk_url": _desk_url(reservation),
            "available_cents": available,
            "left_cents": left,
            "release_day": reservation.release_day(grace_days),
            "can_mark_ready": reservation.status == ReservationStatus.CONFIRMED,
            "collect_form": CollectForm() if is_open else None,
            "credit_form": (
                CreditForm(available_cents=available, left_cents=left)
                if can_use_credit
                else None
            ),
        },
    )


def _desk_url(reservation) -> str:
    return desk_url(reservation.store, reservation.pickup_day)


@desk_staff_required
@require_POST
def reservation_ready(request, reservation_id: int):
    """Staff put it aside: the member is told it is ready."""
    reservation = staff_reservation_get(
        user=request.user, reservation_id=reservation_id
    )
    back = next_url(request, default=staff_reservation_url(reservation))
    try:
        services.reservation_mark_ready(reservation=reservation, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refusal_told(request, error)
    else:
        messages.success(
            request,
            _("%(code)s is ready: %(member)s is told.")
            % {
                "code": pickup_code_display(reservation.code),
                "member": reservation.member.public_name,
            },
        )
    return redirect(back)


@desk_staff_required
@require_POST
def reservation_collect(request, reservation_id: int):
    """Handed over, once the member's code typed matches."""
    reservation = staff_reservation_get(
        user=request.user, reservation_id=reservation_id
    )
    back = staff_reservation_url(reservation)
    if reservation.status == ReservationStatus.COLLECTED:
        messages.warning(
            request,
            _("This reservation was already collected on %(day)s.")
            % {"day": _ended_day(reservation)},
        )
        return redirect(back)
    form = CollectForm(request.POST)
    if not form.is_valid():
        _form_errors_told(request, form)
        return redirect(back)
    try:
        collected = services.reservation_collect(
            reservation=reservation, by=request.user, code=form.cleaned_data["code"]
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal_told(request, error)
        return redirect(back)
    if collected.collected_by_id != request.user.pk:
        # Collected in the meantime, by a colleague or by the till's sale.
        messages.warning(
            request,
            _("This reservation was already collected on %(day)s.")
            % {"day": _ended_day(collected)},
        )
    else:
        messages.success(
            request,
            _("Handed over: %(quantity)s × %(product)s to %(member)s.")
            % {
                "quantity": collected.quantity,
                "product": collected.product.name,
                "member": collected.member.public_name,
            },
        )
    return redirect(back)


@desk_staff_required
@require_POST
def reservation_credit(request, reservation_id: int):
    """Use the member's available store credit towards this reservation."""
    reservation = staff_reservation_get(
        user=request.user, reservation_id=reservation_id
    )
    back = staff_reservation_url(reservation)
    available = wallet_summary(member_id=reservation.member_id).available_cents
    left = max(reservation.total_cents - reservation.credit_applied_cents, 0)
    form = CreditForm(request.POST, available_cents=available, left_cents=left)
    if not form.is_valid():
        _form_errors_told(request, form)
        return redirect(back)
    try:
        updated = services.reservation_credit_apply(
            reservation=reservation,
            amount_cents=form.cleaned_data["amount"],
            by=request.user,
            request_key=form.cleaned_data["request_key"],
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal_told(request, error)
        return redirect(back)
    messages.success(
        request,
        _("%(amount)s of store credit used: %(left)s left to pay at the till.")
        % {
            "amount": format_cents(form.cleaned_data["amount"]),
            "left": format_cents(
                max(updated.total_cents - updated.credit_applied_cents, 0)
            ),
        },
    )
    return redirect(back)
