"""A member's sales and refunds, for the member-data export and erasure.

Sales sit below members and may not import them, so `community/members` registers
this section (its `wagtail_hooks.py`); the functions here take any member.

Erasure forgets the customer: the events stay (revenue and rewards are computed
from them) but no longer say who bought (`sale_events_forget_customer`). Amounts,
products and dates are untouched, so net revenue sums do not move.
"""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import SaleEventConflict
from .selectors import sale_events_of_customer
from .services import sale_events_forget_customer


def sale_events_export(member) -> list[dict[str, Any]]:
    """The member's sales and refunds, oldest first, amounts in cents."""
    events = (
        sale_events_of_customer(member=member)
        .select_related("product", "store")
        .order_by("occurred_at", "id")
    )
    return [
        {
            "id": event.external_id,
            "kind": event.kind,
            "sku": event.product.sku,
            "product": event.product.name,
            "quantity": event.quantity,
            "amount_cents": event.amount_cents,
            "net_cents": event.net_cents,
            "occurred_at": event.occurred_at,
            "received_at": event.received_at,
            "store": event.store.code if event.store else None,
            "channel": event.channel,
            "customer_ref": event.customer_ref,
            "refund_of": event.refund_of,
        }
        for event in events.iterator(chunk_size=1000)
    ]


def sale_events_erase(member) -> int:
    """Forget the customer on every event that names the member, and in the
    conflicting resends kept for the retailer; returns how many rows changed."""
    conflicts = _conflicts_forget_customer(member)
    return sale_events_forget_customer(member=member) + conflicts


def _customer_refs(member) -> set[str]:
    refs = {member.email.lower()} if member.email else set()
    if member.loyalty_card_number:
        refs.add(member.loyalty_card_number.lower())
    return refs


def _conflicts_forget_customer(member) -> int:
    # A resend that changed the customer keeps both values for the retailer to
    # compare: the member's own goes, the conflict (and its fingerprint) stays.
    refs = _customer_refs(member)
    if not refs:
        return 0
    changed = 0
    candidates = SaleEventConflict.objects.filter(
        Q(recorded__has_key="customer_ref") | Q(sent__has_key="customer_ref")
    )
    for conflict in candidates.iterator(chunk_size=500):
        touched = False
        for values in (conflict.recorded, conflict.sent):
            value = values.get("customer_ref")
            if isinstance(value, str) and value.lower() in refs:
                values["customer_ref"] = ""
                touched = True
        if touched:
            conflict.save(update_fields=["recorded", "sent"])
            changed += 1
    return changed


def sale_events_erase_summary(member) -> list[str]:
    """What erasure does to the member's purchases, for the confirmation page."""
    count = sale_events_of_customer(member=member).count()
    if not count:
        return []
    return [
        ngettext(
            "Your %(count)s purchase or refund stays in the shop's accounts, "
            "no longer linked to you.",
            "Your %(count)s purchases and refunds stay in the shop's accounts, "
            "no longer linked to you.",
            count,
        )
        % {"count": count},
        _("Purchases made later with your loyalty card are linked to nobody."),
    ]
