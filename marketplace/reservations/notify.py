"""Who is told what when a reservation moves on: always its member.

- confirmed (`reservation_confirmed`): in the app and by e-mail, with the code,
  the store, its address and hours, the day and what to pay at the till;
- ready (`reservation_ready`): app and e-mail, "Your reservation is ready at …";
- the day before its pick-up day (`reservation_reminder`): app and e-mail;
- released, not collected in time (`reservation_released`): app and e-mail;
- collected (`reservation_collected`): in the app only, the member was there.

E-mails are in the "trades" category. Everything here runs inside the service's
transaction: `notification_send` writes the row there and sends the live count
and the e-mail only once it commits, so a rolled-back reservation tells nobody.
"""

from __future__ import annotations

from django.urls import NoReverseMatch
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.notifications.services import notification_send
from comptoir.money import format_cents

from .models import Reservation, ReservationsSettings
from .selectors import pickup_code_display

EMAIL_CATEGORY = "trades"


def _url(reservation: Reservation) -> str:
    try:
        return reservation.get_absolute_url()
    except NoReverseMatch:
        # A site without the members' reservation pages: the message still
        # says everything the member needs.
        return ""


def _day(value) -> str:
    return date_format(value, "l j F Y")


def _what(reservation: Reservation) -> str:
    return _("%(quantity)s × %(product)s, %(total)s to pay at the till") % {
        "quantity": reservation.quantity,
        "product": reservation.product.name,
        "total": format_cents(reservation.total_cents),
    }


def _where(reservation: Reservation) -> list[str]:
    store = reservation.store
    address = ", ".join(
        part
        for part in [
            store.address,
            " ".join(p for p in [store.postcode, store.city] if p),
        ]
        if part
    )
    lines = [
        _("Where: %(store)s, %(address)s") % {"store": store.name, "address": address}
        if address
        else _("Where: %(store)s") % {"store": store.name}
    ]
    if store.opening_hours:
        lines.append(
            _("Opening hours: %(hours)s")
            % {"hours": "; ".join(store.opening_hours.splitlines())}
        )
    return lines


def _code(reservation: Reservation) -> str:
    return _("Your pick-up code: %(code)s (show it, or its QR code, at the desk).") % {
        "code": pickup_code_display(reservation.code)
    }


def _send(reservation: Reservation, *, kind: str, title: str, lines, email=True):
    notification_send(
        recipient=reservation.member,
        kind=kind,
        title=title,
        body="\n".join(lines),
        url=_url(reservation),
        email=email,
        email_category=EMAIL_CATEGORY if email else None,
    )


def reservation_confirmed_notify(reservation: Reservation) -> None:
    """The reservation is made: everything the member needs to collect it."""
    _send(
        reservation,
        kind="reservation_confirmed",
        title=_("Your reservation at %(store)s is confirmed")
        % {"store": reservation.store.name},
        lines=[
            _what(reservation),
            _("Pick-up day: %(day)s") % {"day": _day(reservation.pickup_day)},
            *_where(reservation),
            _code(reservation),
        ],
    )


def reservation_ready_notify(reservation: Reservation) -> None:
    """Staff have put it aside: come and collect it."""
    last_day = reservation.release_day(ReservationsSettings.load().grace_days)
    _send(
        reservation,
        kind="reservation_ready",
        title=_("Your reservation is ready at %(store)s")
        % {"store": reservation.store.name},
        lines=[
            _what(reservation),
            _("It waits for you until %(day)s.") % {"day": _day(last_day)},
            *_where(reservation),
            _code(reservation),
        ],
    )


def reservation_reminder_notify(reservation: Reservation) -> None:
    """The day before its pick-up day."""
    _send(
        reservation,
        kind="reservation_reminder",
        title=_("Tomorrow: your reservation at %(store)s")
        % {"store": reservation.store.name},
        lines=[
            _what(reservation),
            _("Pick-up day: %(day)s") % {"day": _day(reservation.pickup_day)},
            *_where(reservation),
            _code(reservation),
        ],
    )


def reservation_released_notify(reservation: Reservation, *, last_day) -> None:
    """Not collected in time: the units are back on sale."""
    _send(
        reservation,
        kind="reservation_released",
        title=_("Your reservation at %(store)s was released")
        % {"store": reservation.store.name},
        lines=[
            _(
                "%(quantity)s × %(product)s was not collected by %(day)s: the "
                "units are back on sale. You may reserve again from the product's "
                "page."
            )
            % {
                "quantity": reservation.quantity,
                "product": reservation.product.name,
                "day": _day(last_day),
            },
        ],
    )


def reservation_collected_notify(reservation: Reservation) -> None:
    """Handed over: a note in the app, the member was at the store."""
    _send(
        reservation,
        kind="reservation_collected",
        title=_("You collected %(product)s at %(store)s")
        % {"product": reservation.product.name, "store": reservation.store.name},
        lines=[_("Thank you for your visit.")],
        email=False,
    )
