"""Reads of reservations, for pages, the desk, the API and the stock holds.

CONTRACT (filled in by the core helper; signatures are fixed).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import IntegerField, QuerySet, Subquery, Sum

from .models import OPEN_STATUSES, Reservation


def held_units_subquery(product, store) -> Subquery:
    """Units of open reservations of `product` at `store` (two expressions, e.g.
    an OuterRef each), for catalog/holds.py: NULL when none."""
    held = (
        Reservation.objects.filter(
            product_id=product, store_id=store, status__in=OPEN_STATUSES
        )
        .order_by()
        .values("product_id")
        .annotate(units=Sum("quantity"))
        .values("units")[:1]
    )
    return Subquery(held, output_field=IntegerField())


def member_reservations(*, member) -> QuerySet[Reservation]:
    """The member's own reservations, open first then newest, with product (and
    its image) and store; nobody else's."""
    raise NotImplementedError


def member_reservation_get(*, member, code: str) -> Reservation:
    """One of the member's reservations by code; Http404 for any other."""
    raise NotImplementedError


def member_open_count(*, member) -> int:
    raise NotImplementedError


def member_paused_until(*, member, today: dt.date) -> dt.date | None:
    """The day a member paused for too many lapses may reserve again, or None."""
    raise NotImplementedError


def store_desk_reservations(*, store, day: dt.date) -> dict:
    """The desk's lists for one store and day, in a fixed number of queries:
    {"to_prepare": confirmed ones for `day` or earlier (still open),
     "ready": ready ones, "upcoming": confirmed ones after `day`,
     "shortfall": {product_id: units missing} where on-hand stock is below the
     open reservations}. Each reservation with member, product and store."""
    raise NotImplementedError


def store_reservation_by_code(*, store, code: str) -> Reservation | None:
    """The reservation with this code at this store (codes are compared without
    case and spaces); None for another store's or an unknown code."""
    raise NotImplementedError


def reservations_for_api(*, store_code: str | None, status: str | None) -> QuerySet:
    """For the tills: reservations of a store, by status, oldest pick-up first."""
    raise NotImplementedError


def free_units(*, product, store) -> int:
    """What is free at the store: on hand minus open reservations, never below 0."""
    raise NotImplementedError


def stores_with_free_units(*, product, quantity: int, exclude=None) -> list:
    """Stores with at least `quantity` free units of `product`, by name."""
    raise NotImplementedError
