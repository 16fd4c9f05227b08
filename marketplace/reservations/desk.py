"""Reservations on the store's hand-off desk (catalog/desk.py, point 12).

The section lists what to prepare for the day (and what is overdue), what waits
on the shelf, and the coming days, with a warning where the store holds fewer
units than it promised; the code a member shows leads to the reservation's admin
page, where staff hand it over. Staff see their store's reservations only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.catalog.desk import DeskSection, stores_staffed_by

from .models import Reservation
from .selectors import (
    DESK_LISTS,
    pickup_code_display,
    store_desk_reservations,
    store_reservation_by_code,
)


@dataclass
class Shortfall:
    """A product the store holds fewer of than its open reservations promise."""

    product: object
    reserved: int
    on_shelf: int

    @property
    def missing(self) -> int:
        return self.reserved - self.on_shelf


def staff_reservation_url(reservation: Reservation) -> str:
    """The admin page where staff hand this reservation over."""
    return reverse(
        "reservations_admin:detail", kwargs={"reservation_id": reservation.pk}
    )


def staff_reservation_get(*, user, reservation_id: int) -> Reservation:
    """A reservation of a store whose desk `user` works, with member, product and
    store; Http404 for any other (another store's is not told to exist)."""
    reservation = (
        Reservation.objects.select_related(
            "member", "product", "store", "ready_by", "collected_by", "sale_event"
        )
        .filter(pk=reservation_id, store__in=stores_staffed_by(user))
        .first()
    )
    if reservation is None:
        raise Http404(_("No reservation with this number at your stores."))
    return reservation


def _page_param(name: str) -> str:
    """The desk page's query parameter with the page number of one list."""
    return f"{name}_page"


def _decorated(reservations) -> None:
    for reservation in reservations:
        reservation.code_display = pickup_code_display(reservation.code)
        reservation.staff_url = staff_reservation_url(reservation)


class ReservationsDesk(DeskSection):
    name = "reservations"
    order = 10
    label = gettext_lazy("Reservations")
    template_name = "reservations/desk/section.html"

    def get_context(self, request, store, day) -> dict:
        lists = store_desk_reservations(
            store=store,
            day=day,
            pages={name: request.GET.get(_page_param(name)) for name in DESK_LISTS},
        )
        context = {
            "shortfalls": [
                Shortfall(product=product, reserved=reserved, on_shelf=on_hand)
                for product, reserved, on_hand in lists["shortfall_lines"]
            ],
            "back_url": request.get_full_path(),
        }
        for name in DESK_LISTS:
            page = lists[name]
            page.object_list = list(page.object_list)
            _decorated(page.object_list)
            context[name] = page
            context[f"{name}_param"] = _page_param(name)
        return context

    def find_code(self, request, store, code: str) -> str | None:
        reservation = store_reservation_by_code(store=store, code=code)
        return staff_reservation_url(reservation) if reservation else None
