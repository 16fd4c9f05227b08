"""Writes of reservations: reserve, cancel, make ready, collect, release. One
transaction each; the only writers of `Reservation.status` (models.ALLOWED_MOVES).

CONTRACT (filled in by the core helper; signatures are fixed, other parts of the
app call them):

Every service that changes what is held (reserve, cancel, collect, release)
invalidates the cached pages showing the product's stock
(`page_cache_invalidate(product_tag(id), store_tag(code), STOCK)`) and tells
the product's open pages once the transaction commits
(`catalog.services.product_stock_announce(product_id=…)`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from .models import Reservation


class ReservationRefused(ValidationError):
    """A reservation that cannot be made, in words for the member.

    `other_stores` lists the stores (`Store` instances, annotated with their free
    `quantity`) that have enough free units, when the refusal is about stock, so
    the page can offer them.
    """

    def __init__(self, message, *, field: str | None = None, other_stores=()):
        super().__init__({field: message} if field else message)
        self.other_stores = list(other_stores)


def reservation_make(
    *,
    member,
    product,
    store,
    quantity: int,
    pickup_day: dt.date,
    request_key: str,
    now: dt.datetime | None = None,
) -> Reservation:
    """Reserve `quantity` units of `product` at `store` for `pickup_day`.

    Refused (ReservationRefused, with the field it is about) when: the quantity is
    not 1..max_units_per_line; the day is in the past, beyond days_ahead or a day
    the store is closed; the product is inactive or the store does not stock it;
    the member has max_open_per_member open ones, or is paused after too many
    lapses (until when, in words); fewer units are free than asked (with the other
    stores that have enough). Free units are read under a lock on the stock row,
    so two members reserving the last unit at once: one gets it. The same
    `request_key` posted twice returns the first reservation. Confirmation in the
    app and by e-mail (category "trades") once committed.
    """
    raise NotImplementedError


def reservation_cancel(*, reservation: Reservation, member) -> Reservation:
    """The member cancels their open reservation; its units are free at once.
    Cancelling one already cancelled returns it unchanged; one collected or
    released is refused in words. Only its own member may (PermissionDenied)."""
    raise NotImplementedError


def reservation_mark_ready(*, reservation: Reservation, by) -> Reservation:
    """Store staff have put it aside: the member is told (app and e-mail).
    Idempotent; refused in words unless confirmed or ready. `by` must work the
    store's desk (PermissionDenied otherwise)."""
    raise NotImplementedError


def reservation_collect(
    *,
    reservation: Reservation,
    by=None,
    code: str | None = None,
    sale_event=None,
    now: dt.datetime | None = None,
) -> Reservation:
    """Handed over: collected, its units leave the held count (the till's sale
    lowers the stock itself). At the desk `by` is the staff member and `code` must
    match (a wrong code is refused in words); from the till, `sale_event` links
    the sale. Collecting one already collected returns it unchanged (replays);
    one cancelled or released is refused in words."""
    raise NotImplementedError


def reservation_credit_apply(
    *, reservation: Reservation, amount_cents: int, by, request_key: str
) -> Reservation:
    """Staff use the member's available store credit towards this reservation at
    the till: a balanced ledger transaction through
    `rewards.services.store_credit_spend`, at most the available balance and the
    reservation's total; idempotent by `request_key`. Adds to
    `credit_applied_cents`."""
    raise NotImplementedError


def reservations_refresh(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The daily pass: release open reservations past their release day (members
    told, units free again), and remind members of tomorrow's pick-ups (once
    each). Idempotent and safe to run twice at once. Returns counts
    {"released": n, "reminded": m}."""
    raise NotImplementedError


def reservations_collect_from_sales(events) -> int:
    """Sales listener: each sale event just recorded with a member, a store and a
    product collects that member's oldest open reservation of the product at that
    store (linking the sale). Returns how many were collected."""
    raise NotImplementedError
