"""A member's reservations, for the member-data export and erasure
(community/members/member_data.py).

Erasure policy: reservations are private (nobody but the member and the store's
staff ever saw them), so none stays. Open ones are cancelled first through the
service, so their units are free again on every page at once; then every
reservation of the member is deleted. The till's sale events they were linked to
are the sales app's, and the store credit spent at the till stays in the ledger
(rewards' section says so): only the link from the reservation goes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import OPEN_STATUSES, Reservation
from .selectors import pickup_code_display
from .services import reservation_cancel


def reservations_export(member) -> dict[str, list[dict[str, Any]]]:
    """Every reservation of the member, oldest first, with what they were told."""
    reservations = (
        Reservation.objects.filter(member=member)
        .select_related("product", "store", "sale_event")
        .order_by("created_at", "id")
    )
    return {
        "reservations": [
            {
                "id": reservation.pk,
                "code": pickup_code_display(reservation.code),
                "status": reservation.status,
                "product": reservation.product.name,
                "sku": reservation.product.sku,
                "store": reservation.store.name,
                "store_code": reservation.store.code,
                "pickup_day": reservation.pickup_day,
                "quantity": reservation.quantity,
                "unit_price_cents": reservation.unit_price_cents,
                "total_cents": reservation.total_cents,
                "credit_applied_cents": reservation.credit_applied_cents,
                "reserved_at": reservation.created_at,
                "ready_at": reservation.ready_at,
                "reminded_at": reservation.reminded_at,
                "ended_at": reservation.ended_at,
                "till_sale": (
                    reservation.sale_event.external_id
                    if reservation.sale_event
                    else None
                ),
            }
            for reservation in reservations
        ]
    }


def reservations_erase(member) -> int:
    """Cancel the member's open reservations (their units free again), then
    delete all of them; returns how many were deleted. Runs in the erasure's
    transaction."""
    for reservation in Reservation.objects.filter(
        member=member, status__in=OPEN_STATUSES
    ).order_by("pk"):
        reservation_cancel(reservation=reservation, member=member)
    deleted, _by_model = Reservation.objects.filter(member=member).delete()
    return deleted


def reservations_erase_summary(member) -> list[str]:
    """What erasure does to the member's reservations, before they confirm."""
    total = Reservation.objects.filter(member=member).count()
    if not total:
        return []
    lines = []
    open_count = Reservation.objects.filter(
        member=member, status__in=OPEN_STATUSES
    ).count()
    if open_count:
        lines.append(
            ngettext(
                "Your %(count)s open reservation is cancelled: its units go back "
                "on sale.",
                "Your %(count)s open reservations are cancelled: their units go "
                "back on sale.",
                open_count,
            )
            % {"count": open_count}
        )
    lines.append(_("Your reservations and their pick-up codes are deleted."))
    return lines
