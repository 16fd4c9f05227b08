"""Reads of reservations, for pages, the desk, the API and the stock holds.

Free stock is always the catalog's own figure (`catalog.selectors.product_stock`:
on hand minus every registered hold, never below zero), so what a reservation is
checked against is what every page shows.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from marketplace.catalog.models import Product, StockLevel
from marketplace.catalog.selectors import product_stock

from .models import (
    OPEN_STATUSES,
    Reservation,
    ReservationsSettings,
    ReservationStatus,
)

# Pick-up codes: no 0/O or 1/I, which read alike on a phone held up at the desk.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_NOT_CODE = re.compile(r"[\s\-]+")


def pickup_code_clean(code: str | None) -> str:
    """A code as stored: upper case, without spaces or dashes ("abcd efgh" and
    "ABCD-EFGH" are the same code)."""
    return _NOT_CODE.sub("", code or "").upper()


def pickup_code_display(code: str) -> str:
    """A code as members and staff read it: "ABCD-EFGH"."""
    code = pickup_code_clean(code)
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) == CODE_LENGTH else code


def _with_relations(queryset: QuerySet[Reservation]) -> QuerySet[Reservation]:
    return queryset.select_related("member", "product", "product__image", "store")


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
    open_first = Case(
        When(status__in=OPEN_STATUSES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return _with_relations(Reservation.objects.filter(member=member)).order_by(
        open_first, "-created_at", "-id"
    )


def member_reservation_get(*, member, code: str) -> Reservation:
    """One of the member's reservations by code; Http404 for any other."""
    reservation = (
        _with_relations(Reservation.objects.filter(member=member))
        .filter(code=pickup_code_clean(code))
        .first()
    )
    if reservation is None:
        raise Http404("No such reservation.")
    return reservation


def member_open_count(*, member) -> int:
    """How many of the member's reservations are open (confirmed or ready)."""
    return Reservation.objects.filter(member=member, status__in=OPEN_STATUSES).count()


def member_lapses(
    *, member, today: dt.date, window_days: int
) -> tuple[int, dt.datetime | None]:
    """How many reservations the member let lapse (released) within the last
    `window_days` days up to `today`, and when the latest was released."""
    start = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=window_days), dt.time.min)
    )
    lapses = Reservation.objects.filter(
        member=member, status=ReservationStatus.RELEASED, ended_at__gte=start
    ).aggregate(count=Count("id"), latest=Max("ended_at"))
    return lapses["count"] or 0, lapses["latest"]


def member_paused_until(*, member, today: dt.date) -> dt.date | None:
    """The day a member paused for too many lapses may reserve again, or None.

    Paused: at least `lapse_limit` reservations released within
    `lapse_window_days`; until the latest of them plus `lapse_pause_days`."""
    rules = ReservationsSettings.load()
    if not rules.lapse_limit:
        return None
    count, latest = member_lapses(
        member=member, today=today, window_days=rules.lapse_window_days
    )
    if count < rules.lapse_limit or latest is None:
        return None
    until = timezone.localdate(latest) + dt.timedelta(days=rules.lapse_pause_days)
    return until if until > today else None


# Rows per list on the desk: a busy store has hundreds open, staff work the top.
DESK_PAGE_SIZE = 50
DESK_LISTS = ("to_prepare", "ready", "upcoming")


def store_desk_reservations(
    *, store, day: dt.date, pages: dict | None = None, per_page: int = DESK_PAGE_SIZE
) -> dict:
    """The desk's lists for one store and day, in a fixed number of queries
    whatever the number of reservations:
    {"to_prepare": confirmed ones for `day` or earlier (still open),
     "ready": ready ones, "upcoming": confirmed ones after `day`} — each a Page of
    `per_page` (the page number of each in `pages`, by list name), each
    reservation with member, product and store — and
    {"shortfall": {product_id: units missing}, "shortfall_lines": [(product,
    reserved, on_hand)]} where on-hand stock is below the open reservations."""
    pages = pages or {}
    open_ones = Reservation.objects.filter(store=store, status__in=OPEN_STATUSES)
    confirmed = open_ones.filter(status=ReservationStatus.CONFIRMED)
    lists = {
        "to_prepare": confirmed.filter(pickup_day__lte=day),
        "ready": open_ones.filter(status=ReservationStatus.READY),
        "upcoming": confirmed.filter(pickup_day__gt=day),
    }
    result = {
        name: Paginator(
            _with_relations(queryset).order_by("pickup_day", "created_at", "id"),
            per_page,
        ).get_page(pages.get(name))
        for name, queryset in lists.items()
    }
    on_hand = StockLevel.objects.filter(
        store=store, product_id=OuterRef("product_id")
    ).values("quantity")[:1]
    short = list(
        open_ones.order_by()
        .values("product_id")
        .annotate(
            units=Sum("quantity"),
            on_hand=Coalesce(Subquery(on_hand, output_field=IntegerField()), 0),
        )
        .filter(units__gt=F("on_hand"))
        .values_list("product_id", "units", "on_hand")
    )
    products = (
        Product.objects.in_bulk([product_id for product_id, _, _ in short])
        if short
        else {}
    )
    result["shortfall"] = {
        product_id: units - on_shelf for product_id, units, on_shelf in short
    }
    result["shortfall_lines"] = sorted(
        (
            (products[product_id], units, max(on_shelf, 0))
            for product_id, units, on_shelf in short
            if product_id in products
        ),
        key=lambda line: (line[0].name, line[0].pk),
    )
    return result


def store_reservation_by_code(*, store, code: str) -> Reservation | None:
    """The reservation with this code at this store (codes are compared without
    case and spaces); None for another store's or an unknown code."""
    code = pickup_code_clean(code)
    if not code:
        return None
    return _with_relations(Reservation.objects.filter(store=store, code=code)).first()


def reservations_for_api(*, store_code: str | None, status: str | None) -> QuerySet:
    """For the tills: reservations of a store, by status, oldest pick-up first."""
    queryset = Reservation.objects.select_related("member", "product", "store")
    if store_code:
        queryset = queryset.filter(store__code=store_code)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("pickup_day", "id")


def reservation_for_api(reservation_id: int) -> Reservation | None:
    """One reservation by id, with what the tills' answer shows; None if none."""
    return (
        reservations_for_api(store_code=None, status=None)
        .filter(pk=reservation_id)
        .first()
    )


def till_sale_get(sale_id: str):
    """The sale (not refund) event a till sent with this id, with the reservation
    it is linked to if any; None if no such sale was recorded."""
    from marketplace.sales.models import SaleEvent
    from marketplace.sales.selectors import sale_event_list

    return (
        sale_event_list()
        .select_related("reservation")
        .filter(external_id=sale_id, kind=SaleEvent.Kind.SALE)
        .first()
    )


def free_units(*, product, store) -> int:
    """What is free at the store: on hand minus open reservations, never below 0."""
    free = (
        product_stock(product_id=_pk(product))
        .filter(pk=_pk(store))
        .values_list("quantity", flat=True)
        .first()
    )
    return free or 0


def stores_with_free_units(*, product, quantity: int, exclude=None) -> list:
    """Stores with at least `quantity` free units of `product`, by name."""
    stores = product_stock(product_id=_pk(product)).filter(
        quantity__gte=max(quantity, 1)
    )
    if exclude is not None:
        stores = stores.exclude(pk=_pk(exclude))
    return list(stores)


def _pk(value) -> int:
    return getattr(value, "pk", value)
