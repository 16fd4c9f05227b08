"""A member's sales and refunds, for the member-data export and erasure.

Sales sit below members and may not import them, so `community/members` registers
this section (its `wagtail_hooks.py`); the functions here take any member.

Erasure forgets the customer: the events stay (revenue and rewards are computed
from them) but no longer say who bought (`sale_events_forget_customer`). Amounts,
products and dates are untouched, so net revenue sums do not move.
"""

from typing import Any

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
    """Forget the customer on every event that names the member; returns how many."""
    return sale_events_forget_customer(member=member)
