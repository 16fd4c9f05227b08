"""Reservations in every state at several stores, and the staff of two desks.

Everything goes through the reservations services, on a timeline counted back
from the demo's own now: members reserved on earlier days (`now` passed to the
services), the till's sale events collected some of them through the sales
ingest (the listener links the sale, as in production), staff collected one by
its code at the desk, members cancelled some, and the daily refresh released
the ones nobody came for. Then today's: the demo member's watering can is ready
for pick-up at Lyon Part-Dieu today, and a few are confirmed for tomorrow.

Two store-staff accounts work the desks of Lyon Part-Dieu and Bordeaux
Mérignac (the "Store staff" group of the catalog's migration, `Store.staff`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from comptoir.progress import Progress
from marketplace.catalog.models import Product, Store
from marketplace.reservations.models import (
    Reservation,
    ReservationsSettings,
    ReservationStatus,
)
from marketplace.reservations.services import (
    reservation_cancel,
    reservation_collect,
    reservation_make,
    reservation_mark_ready,
    reservations_refresh,
)
from marketplace.sales.services import sale_events_ingest

from .errors import DemoError
from .members import MEMBER_PASSWORD, MEMBERS, _email_verified, member_email
from .sales import _demo_client

STAFF_PASSWORD = MEMBER_PASSWORD
STAFF_GROUP = "Store staff"  # made by the catalog app's migration
# (e-mail, display name, store code)
STAFF = [
    ("magasin-lyon@comptoir.example", "Équipe Lyon Part-Dieu", "lyon-part-dieu"),
    (
        "magasin-bordeaux@comptoir.example",
        "Équipe Bordeaux Mérignac",
        "bordeaux-merignac",
    ),
]
DEMO_MEMBER = "Camille du potager"  # camille.martin@exemple.fr, named in the README
READY_SKU = "ARR-00028"  # Arrosoir galvanisé 10 L, the watering can
READY_STORE = "lyon-part-dieu"
SALE_PREFIX = "TK-RES-"  # the till tickets that collected a reservation

CONFIRMED, READY, COLLECTED, CANCELLED, RELEASED = (
    ReservationStatus.CONFIRMED,
    ReservationStatus.READY,
    ReservationStatus.COLLECTED,
    ReservationStatus.CANCELLED,
    ReservationStatus.RELEASED,
)


class DemoReservationsError(DemoError):
    """A service refused a demo reservation: a bug in the demo data."""


@dataclass(frozen=True)
class Spec:
    """One demo reservation and how it ended, in days from the demo's today."""

    key: str
    member: str  # display name of a demo member
    sku: str
    store: str
    quantity: int
    state: str
    # The pick-up day, in days from today: moved to the store's nearest open
    # day, later for a future day and earlier for a past one. None for the
    # released ones: their day is counted from the grace period.
    pickup: int | None
    lead: int = 1  # days between reserving and the pick-up day
    by_till: bool = False  # collected by the till's sale event, not at the desk


RESERVATIONS = [
    # Collected and released: the past, oldest first.
    Spec("rallonge", "Gabriel l'électro", "ELE-00052", "marseille-valentine", 1,
         COLLECTED, pickup=-8, lead=2, by_till=True),
    Spec("peinture", "Lucas B.", "PEI-00041", "nantes-atlantis", 2,
         RELEASED, pickup=None, lead=3),
    Spec("brouette", "Jules Moreau", "JAR-00015", "nantes-atlantis", 1,
         RELEASED, pickup=None, lead=1),
    Spec("terreau", DEMO_MEMBER, "PLA-00034", "lyon-part-dieu", 3,
         COLLECTED, pickup=-3, lead=2, by_till=True),
    Spec("arroseur", "Arthur au jardin", "ARR-00027", "bordeaux-merignac", 1,
         COLLECTED, pickup=-2, lead=2),
    # Cancelled by their members before the day.
    Spec("sous-couche", "Léa bricole", "PEI-00046", "strasbourg-etoile", 1,
         CANCELLED, pickup=2, lead=3),
    Spec("lavande", DEMO_MEMBER, "PLA-00032", "lyon-part-dieu", 4,
         CANCELLED, pickup=3, lead=2),
    # Today's and the coming days'.
    Spec("arrosoir", DEMO_MEMBER, READY_SKU, READY_STORE, 1, READY, pickup=0),
    Spec("tuyau", "Arthur au jardin", "ARR-00021", "bordeaux-merignac", 1,
         READY, pickup=0),
    Spec("beche", DEMO_MEMBER, "JAR-00017", "lyon-part-dieu", 1,
         CONFIRMED, pickup=1, lead=0),
    Spec("embouts", "Inès L.", "OUT-00003", "lyon-part-dieu", 1,
         CONFIRMED, pickup=1, lead=0),
    Spec("secateur", "Hugo Thomas", "JAR-00012", "bordeaux-merignac", 1,
         CONFIRMED, pickup=1, lead=0),
    Spec("hortensia", "Manon P.", "PLA-00036", "lille-centre", 2,
         CONFIRMED, pickup=2, lead=1),
]  # fmt: skip


def staff_build() -> dict:
    """The store-staff accounts, each working the desk of its store only, by
    store code."""
    User = get_user_model()
    group = Group.objects.filter(name=STAFF_GROUP).first()
    stores = Store.objects.in_bulk([code for *_, code in STAFF], field_name="code")
    accounts = {}
    for email, name, code in STAFF:
        account, _created = User.objects.get_or_create(
            email=email,
            defaults={
                "display_name": name,
                "slug": email.split("@")[0],
                "is_staff": True,
                "trust_level": 4,
                "first_name": name,
                "last_name": "Comptoir",
                "password": make_password(STAFF_PASSWORD),
            },
        )
        if group is not None:
            account.groups.add(group)
        if code in stores:
            stores[code].staff.add(account)
        _email_verified(account)
        accounts[code] = account
    return accounts


def _open_day(store: Store, day: dt.date, step: int) -> dt.date:
    """`day` if the store opens then, else the nearest open day in `step`'s way."""
    for _ in range(7):
        if store.is_open_on(day):
            return day
        day += dt.timedelta(days=step)
    raise DemoReservationsError(f"{store.code} opens on no day of the week.")


def _at(day: dt.date, hour: int, now: dt.datetime) -> dt.datetime:
    """That day at that local hour, never after now (the demo cannot foresee)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return min(moment, now - dt.timedelta(minutes=5))


def _pickup_day(spec: Spec, store: Store, today: dt.date, grace_days: int):
    if spec.pickup is None:
        # Past its day and the grace days: the daily refresh releases it.
        return _open_day(store, today - dt.timedelta(days=grace_days + 3), -1)
    day = today + dt.timedelta(days=spec.pickup)
    return _open_day(store, day, 1 if spec.pickup >= 0 else -1)


def _refused(spec: Spec, error: ValidationError) -> DemoReservationsError:
    return DemoReservationsError(f"Demo reservation {spec.key!r} refused: {error}")


def _till_sale(reservation: Reservation, member, *, now: dt.datetime) -> None:
    """The member pays at the till with their loyalty card: the sale event
    collects the reservation (reservations' sales listener)."""
    row = {
        "id": f"{SALE_PREFIX}{reservation.store.code}-{reservation.code}",
        "type": "sale",
        "sku": reservation.product.sku,
        "quantity": reservation.quantity,
        "amount_cents": reservation.total_cents,
        "channel": "store",
        "store": reservation.store.code,
        "customer_ref": member.loyalty_card_number,
        "occurred_at": _at(reservation.pickup_day, 11, now).isoformat(),
    }
    result = sale_events_ingest(client=_demo_client(), rows=[row])
    if result.errors or result.created != 1:
        raise DemoReservationsError(f"The demo's till sale was refused: {result}")


def _reserve(spec, *, member, product, store, pickup_day, now) -> Reservation:
    reserved_at = _at(pickup_day - dt.timedelta(days=spec.lead), 18, now)
    if spec.lead == 0:
        reserved_at = now - dt.timedelta(hours=1)
    try:
        return reservation_make(
            member=member,
            product=product,
            store=store,
            quantity=spec.quantity,
            pickup_day=pickup_day,
            request_key=f"demo-{spec.key}",
            now=reserved_at,
        )
    except ValidationError as error:
        raise _refused(spec, error) from error


def _finish(spec, reservation, *, member, staff, now) -> Reservation:
    """Take the reservation to its demo state through the services."""
    try:
        if spec.state == CANCELLED:
            return reservation_cancel(reservation=reservation, member=member)
        if spec.state == COLLECTED and spec.by_till:
            _till_sale(reservation, member, now=now)
            reservation.refresh_from_db()
            return reservation
        if spec.state == READY:
            reservation = reservation_mark_ready(reservation=reservation, by=staff)
        if spec.state == COLLECTED:
            # Handed over at the desk by the code the member showed.
            reservation = reservation_collect(
                reservation=reservation,
                by=staff,
                code=reservation.code,
                now=_at(reservation.pickup_day, 16, now),
            )
    except ValidationError as error:
        raise _refused(spec, error) from error
    return reservation


def reservations_build(*, progress: Progress) -> int:
    """The demo reservations and the staff who hand them over; nothing if
    reservations are already there. Returns how many were made."""
    staff = staff_build()
    if Reservation.objects.exists():
        return 0
    User = get_user_model()
    emails = [member_email(first, last) for first, last, *_ in MEMBERS]
    by_name = {m.display_name: m for m in User.objects.filter(email__in=emails)}
    if len(by_name) < len(MEMBERS):
        return 0
    products = Product.objects.in_bulk(
        {spec.sku for spec in RESERVATIONS}, field_name="sku"
    )
    stores = Store.objects.in_bulk(
        {spec.store for spec in RESERVATIONS}, field_name="code"
    )
    now = timezone.now()
    today = timezone.localdate(now)
    grace_days = ReservationsSettings.load().grace_days
    step = progress.step("Reservations", len(RESERVATIONS))
    released = False
    for spec in RESERVATIONS:
        if spec.pickup is not None and spec.pickup >= 0 and not released:
            # The morning's daily pass, before today's reservations: it releases
            # the lapsed ones and reminds no one of a pick-up made after it.
            reservations_refresh(now=_at(today, 6, now))
            released = True
        store = stores[spec.store]
        member = by_name[spec.member]
        reservation = _reserve(
            spec,
            member=member,
            product=products[spec.sku],
            store=store,
            pickup_day=_pickup_day(spec, store, today, grace_days),
            now=now,
        )
        _finish(spec, reservation, member=member, staff=staff.get(store.code), now=now)
        step.advance()
    states = {
        status: Reservation.objects.filter(status=status).count()
        for status in ReservationStatus.values
    }
    wrong = [
        spec.key
        for spec in RESERVATIONS
        if not Reservation.objects.filter(
            request_key=f"demo-{spec.key}", status=spec.state
        ).exists()
    ]
    if wrong:
        raise DemoReservationsError(f"Demo reservations not in their state: {wrong}")
    step.done(", ".join(f"{n} {status}" for status, n in states.items()))
    return len(RESERVATIONS)
