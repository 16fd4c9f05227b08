"""Members' reservation pages: reserve, my reservations, one reservation, its QR
code, cancel.

Every page is the signed-in member's own: another member's reservation answers
404, so nobody learns whether a code exists. The rules (days, stock, limits) are
the services'; a refusal is shown on the form in their words, nothing lost.
"""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from comptoir.form_errors import form_errors_add, refusal_words
from marketplace.catalog import selectors as catalog_selectors

from . import selectors, services
from .forms import CancelForm, ReservationForm
from .models import ReservationsSettings, ReservationStatus
from .services import ReservationRefused

RESERVATIONS_PER_PAGE = 20
# Modules of 8 px: read at arm's length from a phone held up to the desk's scanner.
QR_SCALE = 8


def _product_and_store(request: HttpRequest):
    """The product (by SKU) and store (by code) the page is about; 404 if unknown."""
    sku = request.GET.get("product", "").strip()
    code = request.GET.get("store", "").strip()
    if not sku or not code:
        raise Http404("No product or store given.")
    # The SKU lookup reads two columns only; the page needs the whole product.
    found = catalog_selectors.product_get_by_sku(sku=sku)
    product = catalog_selectors.product_get(slug=found.slug)
    store = catalog_selectors.store_get(code=code)
    return product, store


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reservation_new(request: HttpRequest) -> HttpResponse:
    """/reservations/new/?product=<sku>&store=<code>: reserve units for a day."""
    product, store = _product_and_store(request)
    rules = ReservationsSettings.load(request_or_site=request)
    today = timezone.localdate()
    # Every store's free units in one query: this store's line and the others
    # to offer when nothing is free here.
    stock = list(catalog_selectors.product_stock(product_id=product.pk))
    line = next((s for s in stock if s.pk == store.pk), store)
    free = getattr(line, "quantity", 0)
    other_stores = [s for s in stock if s.pk != store.pk and s.quantity > 0]
    form = ReservationForm(
        request.POST if request.method == "POST" else None,
        store=store,
        today=today,
        days_ahead=rules.days_ahead,
        max_units=rules.max_units_per_line,
    )
    stock_refused = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reservation = services.reservation_make(
                member=request.user,
                product=product,
                store=store,
                quantity=data["quantity"],
                pickup_day=data["pickup_day"],
                request_key=data["request_key"],
            )
        except ReservationRefused as error:
            form_errors_add(form, error)
            if error.other_stores:
                stock_refused = True
                other_stores = error.other_stores
        except ValidationError as error:
            form_errors_add(form, error)
        except PermissionDenied as error:
            form.add_error(None, refusal_words(error))
        else:
            messages.success(
                request,
                _(
                    "Reserved! Show the code %(code)s at the %(store)s desk on "
                    "%(day)s, then pay at the till."
                )
                % {
                    "code": selectors.pickup_code_display(reservation.code),
                    "store": reservation.store.name,
                    "day": date_format(reservation.pickup_day, "l j F"),
                },
            )
            return redirect(reservation)
    return render(
        request,
        "reservations/reservation_form.html",
        {
            "form": form,
            "product": product,
            "store": store,
            "free": free,
            "rules": rules,
            # Nothing to reserve here on arrival: say so instead of the form.
            "unavailable": request.method != "POST" and free <= 0,
            "no_open_day": not form.open_days,
            "other_stores": other_stores,
            "stock_refused": stock_refused,
            "form_action": request.get_full_path(),
        },
    )


@login_required
@require_safe
def my_reservations(request: HttpRequest) -> HttpResponse:
    """/me/reservations/: the member's reservations, open ones first."""
    page = Paginator(
        selectors.member_reservations(member=request.user), RESERVATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    for reservation in page.object_list:
        reservation.code_display = selectors.pickup_code_display(reservation.code)
    return render(request, "reservations/my_reservations.html", {"page_obj": page})


@login_required
@require_safe
def reservation_detail(request: HttpRequest, code: str) -> HttpResponse:
    """/me/reservations/<code>/: the code to show at the desk, the store, history."""
    reservation = selectors.member_reservation_get(member=request.user, code=code)
    rules = ReservationsSettings.load(request_or_site=request)
    return render(
        request,
        "reservations/reservation_detail.html",
        {
            "reservation": reservation,
            "code_groups": selectors.pickup_code_display(reservation.code).split("-"),
            "release_day": reservation.release_day(rules.grace_days),
            "statuses": ReservationStatus,
        },
    )


@login_required
@require_safe
def reservation_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The pick-up code as a QR code (SVG) for the desk's scanner; its member's only."""
    reservation = selectors.member_reservation_get(member=request.user, code=code)
    buffer = io.BytesIO()
    # The bare code: the desk's code field takes what a scanner types.
    segno.make(reservation.code, error="m").save(
        buffer, kind="svg", scale=QR_SCALE, border=2, title=_("Pick-up code")
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    # Whoever holds it may collect the units: never kept by a shared cache or disk.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reservation_cancel(request: HttpRequest, code: str) -> HttpResponse:
    """Asks "Cancel this reservation?" on GET; the POST cancels it."""
    reservation = selectors.member_reservation_get(member=request.user, code=code)
    if not reservation.is_open:
        messages.error(
            request,
            _("This reservation is %(status)s: there is nothing to cancel.")
            % {"status": reservation.get_status_display().lower()},
        )
        return redirect(reservation)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            reservation = services.reservation_cancel(
                reservation=reservation, member=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, refusal_words(error))
        else:
            messages.success(
                request,
                _("Your reservation is cancelled; the units are back on sale."),
            )
        return redirect(reservation)
    return render(
        request,
        "reservations/reservation_confirm_cancel.html",
        {"reservation": reservation, "form": form},
    )
