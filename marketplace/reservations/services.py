"""Writes of reservations: reserve, cancel, make ready, collect, release. One
transaction each; the only writers of `Reservation.status` (models.ALLOWED_MOVES).

Every service that changes what is held (reserve, cancel, collect, release)
invalidates the cached pages showing the product's stock
(`page_cache_invalidate(product_tag(id), store_tag(code), STOCK)`) and tells
the product's open pages once the transaction commits
(`catalog.services.product_stock_announce(product_id=…)`).

Locks, so that limits hold when members and staff act at once: the member's row
(their open count, their request keys), then the stock row of the product at the
store (its free units), then the reservation itself. On SQLite every transaction
takes the write lock at BEGIN (settings: IMMEDIATE), so writers run one at a time.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.money import format_cents
from comptoir.page_cache import page_cache_invalidate
from marketplace.catalog.cached_pages import STOCK, product_tag, store_tag
from marketplace.catalog.desk import store_staffed_by
from marketplace.catalog.models import StockLevel
from marketplace.catalog.services import product_stock_announce

from . import notify
from .models import (
    ALLOWED_MOVES,
    OPEN_STATUSES,
    Reservation,
    ReservationsSettings,
    ReservationStatus,
)
from .selectors import (
    CODE_ALPHABET,
    CODE_LENGTH,
    free_units,
    member_lapses,
    member_open_count,
    member_paused_until,
    pickup_code_clean,
    pickup_code_display,
    stores_with_free_units,
)

REQUEST_KEY_MAX = 100
# Reservations released or reminded per transaction by the daily pass.
REFRESH_BATCH = 200


class ReservationRefused(ValidationError):
    """A reservation that cannot be made, in words for the member.

    `other_stores` lists the stores (`Store` instances, annotated with their free
    `quantity`) that have enough free units, when the refusal is about stock, so
    the page can offer them.
    """

    def __init__(self, message, *, field: str | None = None, other_stores=()):
        super().__init__({field: message} if field else message)
        self.other_stores = list(other_stores)


# --- Helpers -------------------------------------------------------------------


def _weekdays_plural(iso_weekday: int) -> str:
    return {
        1: _("Mondays"),
        2: _("Tuesdays"),
        3: _("Wednesdays"),
        4: _("Thursdays"),
        5: _("Fridays"),
        6: _("Saturdays"),
        7: _("Sundays"),
    }[iso_weekday]


def _day(value: dt.date, *, today: dt.date | None = None) -> str:
    """The day as "3 January", with the year only when it is not this year's."""
    if today is not None and value.year == today.year:
        return date_format(value, "j F")
    return date_format(value, "j F Y")


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Reservation.objects.filter(code=code).exists():
            return code


def _locked(reservation: Reservation) -> Reservation:
    """The reservation read again under a lock on its row (its status may have
    moved since the caller read it)."""
    return (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("member", "product", "store")
        .get(pk=reservation.pk)
    )


def _ended_sentence(reservation: Reservation) -> str:
    day = _day(timezone.localdate(reservation.ended_at)) if reservation.ended_at else ""
    sentences = {
        ReservationStatus.COLLECTED: _("This reservation was collected on %(day)s."),
        ReservationStatus.CANCELLED: _("This reservation was cancelled on %(day)s."),
        ReservationStatus.RELEASED: _(
            "This reservation was released on %(day)s, as it was not collected in time."
        ),
    }
    return sentences[reservation.status] % {"day": day}


def _move(reservation: Reservation, to: str, **fields) -> Reservation:
    """Move along ALLOWED_MOVES only, saving just what changed."""
    if (reservation.status, to) not in ALLOWED_MOVES:
        if reservation.status in OPEN_STATUSES:
            raise ValidationError(
                _("This reservation cannot go from “%(status)s” to “%(to)s”.")
                % {
                    "status": ReservationStatus(reservation.status).label,
                    "to": ReservationStatus(to).label,
                }
            )
        raise ValidationError(_ended_sentence(reservation))
    reservation.status = to
    for name, value in fields.items():
        setattr(reservation, name, value)
    reservation.save(update_fields=["status", *fields])
    return reservation


def _held_changed(product_id: int, store_code: str) -> None:
    """What pages show of this product's stock at this store has changed."""
    page_cache_invalidate(product_tag(product_id), store_tag(store_code), STOCK)
    product_stock_announce(product_id=product_id)


def _staff_check(by, store) -> None:
    if by is None or store_staffed_by(by, store.code) is None:
        raise PermissionDenied(
            _("Only the staff of %(store)s may do this.") % {"store": store.name}
        )


def _quantity_check(quantity, rules: ReservationsSettings) -> None:
    limit = rules.max_units_per_line
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 1 <= quantity <= limit
    ):
        raise ReservationRefused(
            ngettext(
                "Choose %(limit)s unit.",
                "Choose from 1 to %(limit)s units.",
                limit,
            )
            % {"limit": limit},
            field="quantity",
        )


def _day_check(store, pickup_day, *, today: dt.date, rules) -> None:
    if not isinstance(pickup_day, dt.date) or isinstance(pickup_day, dt.datetime):
        raise ReservationRefused(_("Choose a pick-up day."), field="pickup_day")
    if pickup_day < today:
        raise ReservationRefused(
            _("That day has passed: choose today or a later day."),
            field="pickup_day",
        )
    last = today + dt.timedelta(days=rules.days_ahead)
    if pickup_day > last:
        raise ReservationRefused(
            ngettext(
                "Choose a pick-up day within the next %(count)s day, by %(day)s.",
                "Choose a pick-up day within the next %(count)s days, by %(day)s.",
                rules.days_ahead,
            )
            % {"count": rules.days_ahead, "day": _day(last, today=today)},
            field="pickup_day",
        )
    if not store.is_open_on(pickup_day):
        raise ReservationRefused(
            _("%(store)s is closed on %(weekdays)s: choose another day.")
            % {
                "store": store.name,
                "weekdays": _weekdays_plural(pickup_day.isoweekday()),
            },
            field="pickup_day",
        )


def _member_check(member, *, today: dt.date, rules) -> None:
    paused_until = member_paused_until(member=member, today=today)
    if paused_until is not None:
        lapses, _latest = member_lapses(
            member=member, today=today, window_days=rules.lapse_window_days
        )
        raise ReservationRefused(
            ngettext(
                "You let %(count)s reservation lapse recently: you can reserve "
                "again from %(day)s.",
                "You let %(count)s reservations lapse recently: you can reserve "
                "again from %(day)s.",
                lapses,
            )
            % {"count": lapses, "day": _day(paused_until, today=today)}
        )
    open_count = member_open_count(member=member)
    if open_count >= rules.max_open_per_member:
        raise ReservationRefused(
            ngettext(
                "You already have %(count)s reservation open: collect or cancel it "
                "first.",
                "You already have %(count)s reservations open: collect or cancel "
                "one first.",
                open_count,
            )
            % {"count": open_count}
        )


def _stock_check(product, store, quantity: int) -> None:
    """Under the lock on the stock row: enough free units, or where else."""
    level = (
        StockLevel.objects.select_for_update()
        .filter(product=product, store=store)
        .first()
    )
    if level is None:
        raise ReservationRefused(
            _("%(store)s does not sell this product: choose another store.")
            % {"store": store.name},
            field="store",
            other_stores=stores_with_free_units(
                product=product, quantity=quantity, exclude=store
            ),
        )
    free = free_units(product=product, store=store)
    if free >= quantity:
        return
    others = stores_with_free_units(product=product, quantity=quantity, exclude=store)
    if free == 0:
        message = _("None left free at %(store)s: choose another store.") % {
            "store": store.name
        }
    else:
        message = ngettext(
            "Only %(count)s left free at %(store)s: choose %(count)s, or another "
            "store.",
            "Only %(count)s left free at %(store)s: choose %(count)s, or another "
            "store.",
            free,
        ) % {"count": free, "store": store.name}
    raise ReservationRefused(message, field="quantity", other_stores=others)


# --- Services ------------------------------------------------------------------


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
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not request_key or len(request_key) > REQUEST_KEY_MAX:
        raise ReservationRefused(_("This form has expired: reload the page."))
    with transaction.atomic():
        # The member's row first: their open count and request keys are theirs.
        get_user_model().objects.select_for_update().filter(pk=member.pk).first()
        existing = (
            Reservation.objects.select_related("member", "product", "store")
            .filter(member=member, request_key=request_key)
            .first()
        )
        if existing is not None:
            return existing
        rules = ReservationsSettings.load()
        _quantity_check(quantity, rules)
        _day_check(store, pickup_day, today=today, rules=rules)
        if not product.active:
            raise ReservationRefused(
                _("This product is no longer sold: it cannot be reserved.")
            )
        _member_check(member, today=today, rules=rules)
        _stock_check(product, store, quantity)
        reservation = Reservation.objects.create(
            member=member,
            product=product,
            store=store,
            quantity=quantity,
            unit_price_cents=product.price_cents,
            pickup_day=pickup_day,
            status=ReservationStatus.CONFIRMED,
            code=_new_code(),
            request_key=request_key,
            created_at=now,
        )
        notify.reservation_confirmed_notify(reservation)
        _held_changed(product.pk, store.code)
    return reservation


def reservation_cancel(*, reservation: Reservation, member) -> Reservation:
    """The member cancels their open reservation; its units are free at once.
    Cancelling one already cancelled returns it unchanged; one collected or
    released is refused in words. Only its own member may (PermissionDenied)."""
    with transaction.atomic():
        reservation = _locked(reservation)
        if member is None or reservation.member_id != member.pk:
            raise PermissionDenied(_("This is not your reservation."))
        if reservation.status == ReservationStatus.CANCELLED:
            return reservation
        _move(reservation, ReservationStatus.CANCELLED, ended_at=timezone.now())
        _held_changed(reservation.product_id, reservation.store.code)
    return reservation


def reservation_mark_ready(*, reservation: Reservation, by) -> Reservation:
    """Store staff have put it aside: the member is told (app and e-mail).
    Idempotent; refused in words unless confirmed or ready. `by` must work the
    store's desk (PermissionDenied otherwise)."""
    with transaction.atomic():
        reservation = _locked(reservation)
        _staff_check(by, reservation.store)
        if reservation.status == ReservationStatus.READY:
            return reservation
        _move(
            reservation,
            ReservationStatus.READY,
            ready_at=timezone.now(),
            ready_by=by,
        )
        notify.reservation_ready_notify(reservation)
    return reservation


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
    now = now or timezone.now()
    with transaction.atomic():
        reservation = _locked(reservation)
        if by is not None:
            _staff_check(by, reservation.store)
            typed = pickup_code_clean(code)
            if not typed:
                raise ValidationError({"code": _("Type the member's pick-up code.")})
            if typed != reservation.code:
                raise ValidationError(
                    {
                        "code": _(
                            "The code %(code)s is not this reservation's: check it "
                            "with the member."
                        )
                        % {"code": pickup_code_display(typed)}
                    }
                )
        if reservation.status == ReservationStatus.COLLECTED:
            return reservation
        if (
            sale_event is not None
            and Reservation.objects.filter(sale_event=sale_event)
            .exclude(pk=reservation.pk)
            .exists()
        ):
            raise ValidationError(
                _("This sale is already linked to another reservation.")
            )
        _move(
            reservation,
            ReservationStatus.COLLECTED,
            ended_at=now,
            collected_by=by,
            sale_event=sale_event,
        )
        notify.reservation_collected_notify(reservation)
        _held_changed(reservation.product_id, reservation.store.code)
    return reservation


def reservation_credit_apply(
    *, reservation: Reservation, amount_cents: int, by, request_key: str
) -> Reservation:
    """Staff use the member's available store credit towards this reservation at
    the till: a balanced ledger transaction through
    `rewards.services.store_credit_spend`, at most the available balance and the
    reservation's total; idempotent by `request_key`. Adds to
    `credit_applied_cents`."""
    from rewards.models import LedgerTransaction
    from rewards.services import store_credit_spend

    if not request_key or len(request_key) > REQUEST_KEY_MAX:
        raise ValidationError(_("This form has expired: reload the page."))
    key = f"reservation:{reservation.pk}:{request_key}"
    with transaction.atomic():
        reservation = _locked(reservation)
        _staff_check(by, reservation.store)
        # The same form sent twice: spent once, counted once.
        if LedgerTransaction.objects.filter(idempotency_key=f"till:{key}").exists():
            return reservation
        if reservation.status in {
            ReservationStatus.CANCELLED,
            ReservationStatus.RELEASED,
        }:
            raise ValidationError(_ended_sentence(reservation))
        if (
            isinstance(amount_cents, bool)
            or not isinstance(amount_cents, int)
            or amount_cents <= 0
        ):
            raise ValidationError({"amount": _("The amount must be above zero.")})
        left = reservation.total_cents - reservation.credit_applied_cents
        if amount_cents > left:
            raise ValidationError(
                {
                    "amount": _("At most %(left)s of this reservation is left to pay.")
                    % {"left": format_cents(left)}
                }
            )
        store_credit_spend(
            member=reservation.member,
            amount_cents=amount_cents,
            key=key,
            by=by,
            store=reservation.store,
            reference=reservation.code,
        )
        reservation.credit_applied_cents += amount_cents
        reservation.save(update_fields=["credit_applied_cents"])
    return reservation


def _rows_to_handle(queryset, *, after: int):
    """The next batch of `queryset` by id; on PostgreSQL rows another run holds are
    skipped (it handles them), so two runs at once share the work."""
    queryset = queryset.filter(pk__gt=after).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset.select_related("member", "product", "store")[:REFRESH_BATCH])


def _release_due(*, now: dt.datetime, today: dt.date, grace_days: int) -> int:
    # Released the day after its last day: pick-up day plus the grace days.
    due = Reservation.objects.filter(
        status__in=OPEN_STATUSES,
        pickup_day__lt=today - dt.timedelta(days=grace_days),
    )
    released, after = 0, 0
    while True:
        with transaction.atomic():
            batch = _rows_to_handle(due, after=after)
            if not batch:
                return released
            for reservation in batch:
                # Only if still open: a run at the same time, or a collection at
                # the desk, may have ended it since it was read.
                moved = Reservation.objects.filter(
                    pk=reservation.pk, status__in=OPEN_STATUSES
                ).update(status=ReservationStatus.RELEASED, ended_at=now)
                if not moved:
                    continue
                released += 1
                reservation.status = ReservationStatus.RELEASED
                reservation.ended_at = now
                notify.reservation_released_notify(
                    reservation, last_day=reservation.release_day(grace_days)
                )
                _held_changed(reservation.product_id, reservation.store.code)
            after = batch[-1].pk


def _remind_tomorrow(*, now: dt.datetime, today: dt.date) -> int:
    tomorrow = Reservation.objects.filter(
        status__in=OPEN_STATUSES,
        pickup_day=today + dt.timedelta(days=1),
        reminded_at__isnull=True,
    )
    reminded, after = 0, 0
    while True:
        with transaction.atomic():
            batch = _rows_to_handle(tomorrow, after=after)
            if not batch:
                return reminded
            for reservation in batch:
                # Once each, whoever sets `reminded_at` first.
                marked = Reservation.objects.filter(
                    pk=reservation.pk,
                    status__in=OPEN_STATUSES,
                    reminded_at__isnull=True,
                ).update(reminded_at=now)
                if marked:
                    reminded += 1
                    reservation.reminded_at = now
                    notify.reservation_reminder_notify(reservation)
            after = batch[-1].pk


def reservations_refresh(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The daily pass: release open reservations past their release day (members
    told, units free again), and remind members of tomorrow's pick-ups (once
    each). Idempotent and safe to run twice at once. Returns counts
    {"released": n, "reminded": m}."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = ReservationsSettings.load()
    released = _release_due(now=now, today=today, grace_days=rules.grace_days)
    reminded = _remind_tomorrow(now=now, today=today)
    return {"released": released, "reminded": reminded}


def reservations_collect_from_sales(events) -> int:
    """Sales listener: each sale event just recorded with a member, a store and a
    product collects that member's oldest open reservation of the product at that
    store (linking the sale). Returns how many were collected."""
    from marketplace.sales.models import SaleEvent

    if isinstance(events, QuerySet):
        # Most of a till's batch is anonymous: those rows are never read.
        events = events.filter(
            kind=SaleEvent.Kind.SALE, member__isnull=False, store__isnull=False
        )
    sales = [
        event
        for event in events
        if event.kind == SaleEvent.Kind.SALE
        and event.member_id is not None
        and event.store_id is not None
    ]
    if not sales:
        return 0
    # One read for the whole batch: a till sends 1,000 events a call, and only
    # the few that meet a reservation may cost more.
    candidates: dict[tuple[int, int, int], list[Reservation]] = {}
    for reservation in Reservation.objects.filter(
        member_id__in={event.member_id for event in sales},
        store_id__in={event.store_id for event in sales},
        status__in=OPEN_STATUSES,
    ).order_by("created_at", "id"):
        key = (reservation.member_id, reservation.product_id, reservation.store_id)
        candidates.setdefault(key, []).append(reservation)
    collected = 0
    for event in sorted(sales, key=lambda event: (event.occurred_at, event.pk)):
        waiting = candidates.get((event.member_id, event.product_id, event.store_id))
        # A sale made before the reservation existed is not its collection.
        found = next(
            (r for r in waiting or () if r.created_at <= event.occurred_at), None
        )
        if found is None:
            continue
        waiting.remove(found)
        reservation_collect(reservation=found, sale_event=event, now=event.occurred_at)
        collected += 1
    return collected
