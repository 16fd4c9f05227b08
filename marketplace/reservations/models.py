"""Reserve in a store, collect and pay at the till.

A member reserves some units of a product at one store for a pick-up day. While
the reservation is open (confirmed, then ready once staff put it aside) its units
are held: every page and live socket shows the store's stock minus them
(catalog/holds.py). It ends collected (at the desk, by the member's code or by the
till's sale event), cancelled by the member, or released when not collected in
time; the units are free again then. `services.py` is the only writer of
`status`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class ReservationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    READY = "ready", _("Ready for pick-up")
    COLLECTED = "collected", _("Collected")
    CANCELLED = "cancelled", _("Cancelled")
    RELEASED = "released", _("Released (not collected in time)")


# Holding stock, counted against the member's limit, shown on the desk to prepare.
OPEN_STATUSES = frozenset({ReservationStatus.CONFIRMED, ReservationStatus.READY})
# May move on from here: (from, to) pairs, services.py checks every move.
ALLOWED_MOVES = frozenset(
    {
        (ReservationStatus.CONFIRMED, ReservationStatus.READY),
        (ReservationStatus.CONFIRMED, ReservationStatus.COLLECTED),
        (ReservationStatus.CONFIRMED, ReservationStatus.CANCELLED),
        (ReservationStatus.CONFIRMED, ReservationStatus.RELEASED),
        (ReservationStatus.READY, ReservationStatus.COLLECTED),
        (ReservationStatus.READY, ReservationStatus.CANCELLED),
        (ReservationStatus.READY, ReservationStatus.RELEASED),
    }
)


@register_setting(icon="date")
class ReservationsSettings(BaseGenericSetting):
    """The rules of reservations: limits, how long a reservation waits, lapses."""

    max_open_per_member = models.PositiveIntegerField(
        _("open reservations per member"), default=5
    )
    max_units_per_line = models.PositiveIntegerField(
        _("units per reservation"), default=10
    )
    days_ahead = models.PositiveIntegerField(
        _("pick-up within days"),
        default=14,
        help_text=_("How far ahead a member may choose the pick-up day."),
    )
    grace_days = models.PositiveIntegerField(
        _("days kept after the pick-up day"),
        default=2,
        help_text=_(
            "A reservation not collected by the end of its pick-up day plus these "
            "days is released and its units go back on sale."
        ),
    )
    lapse_limit = models.PositiveIntegerField(
        _("lapses before a pause"),
        default=3,
        help_text=_("Reservations let lapse within the window below."),
    )
    lapse_window_days = models.PositiveIntegerField(
        _("lapse window (days)"), default=90
    )
    lapse_pause_days = models.PositiveIntegerField(
        _("pause after too many lapses (days)"),
        default=30,
        help_text=_("How long such a member waits before reserving again."),
    )

    class Meta:
        verbose_name = _("reservation rules")


class Reservation(models.Model):
    """Units of one product held at one store for one member until a pick-up day."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="reservations",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    store = models.ForeignKey(
        "catalog.Store",
        verbose_name=_("store"),
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # The price when reserved: what the member was told they would pay.
    unit_price_cents = models.PositiveIntegerField(_("unit price (cents)"))
    pickup_day = models.DateField(_("pick-up day"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReservationStatus.choices,
        default=ReservationStatus.CONFIRMED,
    )
    # Shown to staff at the desk, typed or read from the member's QR code.
    code = models.CharField(_("pick-up code"), max_length=12, unique=True)
    # The form's one-time key: the same reservation posted twice is made once.
    request_key = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(_("reserved at"))
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made ready by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("ended at"),
        null=True,
        blank=True,
        help_text=_("When it was collected, cancelled or released."),
    )
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sale_event = models.OneToOneField(
        "sales.SaleEvent",
        verbose_name=_("till sale"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reservation",
    )
    credit_applied_cents = models.PositiveIntegerField(
        _("store credit used at the till (cents)"), default=0
    )

    class Meta:
        ordering = ["pickup_day", "id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="reservation_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["member", "request_key"], name="reservation_once_per_request"
            ),
        ]
        indexes = [
            # The held units of a product at a store: the stock of every page.
            models.Index(
                fields=["product", "store", "status"], name="reservation_held"
            ),
            # A store's desk, by day.
            models.Index(
                fields=["store", "status", "pickup_day"], name="reservation_desk"
            ),
            # A member's own, newest first; their open count; their lapses.
            models.Index(
                fields=["member", "status", "-created_at"], name="reservation_member"
            ),
            # The daily refresh: open ones whose day has passed.
            models.Index(fields=["status", "pickup_day"], name="reservation_due"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.quantity} × {self.product} @ {self.store}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reservations:detail", kwargs={"code": self.code})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_price_cents

    def release_day(self, grace_days: int) -> dt.date:
        """The last day it may be collected; it is released the day after."""
        return self.pickup_day + dt.timedelta(days=grace_days)
