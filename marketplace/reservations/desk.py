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


def _decorated(reservations: list[Reservation]) -> list[Reservation]:
    for reservation in reservations:
        reservation.code_display = pickup_code_display(reservation.code)
        reservation.staff_url = staff_reservation_url(reservation)
    return reservations


def _shortfalls(open_ones: list[Reservation], missing: dict) -> list[Shortfall]:
    """What the selector counted as missing, with what was reserved and what is
    on the shelf, read from the rows already loaded (no query more)."""
    reserved: dict[int, int] = {}
    products: dict[int, object] = {}
    for reservation in open_ones:
        reserved[reservation.product_id] = (
            reserved.get(reservation.product_id, 0) + reservation.quantity
        )
        products[reservation.product_id] = reservation.product
    return sorted(
        (
            Shortfall(
                product=products[product_id],
                reserved=reserved[product_id],
                on_shelf=max(reserved[product_id] - units, 0),
            )
            for product_id, units in missing.items()
            if product_id in products
        ),
        key=lambda shortfall: (shortfall.product.name, shortfall.product.pk),
    )


class ReservationsDesk(DeskSection):
    name = "reservations"
    order = 10
    label = gettext_lazy("Reservations")
    template_name = "reservations/desk/section.html"

    def get_context(self, request, store, day) -> dict:
        lists = store_desk_reservations(store=store, day=day)
        to_prepare = _decorated(lists["to_prepare"])
        ready = _decorated(lists["ready"])
        upcoming = _decorated(lists["upcoming"])
        return {
            "to_prepare": to_prepare,
            "ready": ready,
            "upcoming": upcoming,
            "shortfalls": _shortfalls(
                [*to_prepare, *ready, *upcoming], lists["shortfall"]
            ),
            "back_url": request.get_full_path(),
        }

    def find_code(self, request, store, code: str) -> str | None:
        reservation = store_reservation_by_code(store=store, code=code)
        return staff_reservation_url(reservation) if reservation else None
