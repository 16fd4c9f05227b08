"""Apps told of newly recorded sales (docs/architecture.md, point 13).

Sales are the ground truth of what a member bought in a store. An app above
(reservations: a sale at the till collects the member's reservation) registers a
`SalesListener` in its own `wagtail_hooks.py`:

    @hooks.register(SALES_LISTENER_HOOK)
    def reservations_sales_listener():
        return ReservationsCollected()

`sales_recorded(events)` runs inside the transaction that records the events,
with only the events this call recorded: an event sent again is a duplicate,
not recorded, and never reaches a listener twice. If a listener fails, nothing of
the batch is recorded and the sender may retry it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail import hooks

SALES_LISTENER_HOOK = "register_sales_listener"


class SalesListener:
    """Something to do when sales are recorded; `name` tells listeners apart."""

    name: str = ""

    def sales_recorded(self, events: QuerySet) -> None:
        """`events`: the sale and refund events just recorded, by one call."""


def sales_listeners() -> list[SalesListener]:
    listeners = [register() for register in hooks.get_hooks(SALES_LISTENER_HOOK)]
    return sorted(listeners, key=lambda listener: listener.name)


def sales_recorded_tell(events: QuerySet) -> None:
    """Tell every registered listener of the events recorded (in the caller's
    transaction)."""
    for listener in sales_listeners():
        listener.sales_recorded(events)
