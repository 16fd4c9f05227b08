"""Stock that is on the shelf but promised to someone (docs/architecture.md, point 10).

The catalog knows how many units each store holds; an app above it may hold some
of them for a member (a reservation waiting to be collected). It registers a
`StockHold` in its own `wagtail_hooks.py`:

    @hooks.register(STOCK_HOLD_HOOK)
    def reservations_hold():
        return ReservationsHold()

Every stock figure the site shows, on pages and over the live socket, is then
the **free** quantity: what the store holds minus every registered hold, never
below zero. The integration API and the admin keep the quantity on hand.
"""

from __future__ import annotations

from django.db.models import Expression, IntegerField, Value
from django.db.models.functions import Coalesce
from wagtail import hooks

STOCK_HOLD_HOOK = "register_stock_hold"


class StockHold:
    """Units of a product held at a store for someone, as a SQL expression.

    `held(product, store)` receives two expressions (an `OuterRef` to the
    product's id and one to the store's id) and returns an integer expression of
    the units held, typically a `Subquery` summing open rows. It is evaluated in
    the query that reads the stock, so a page of every store costs one query.
    """

    name: str = ""

    def held(self, product: Expression, store: Expression) -> Expression:
        raise NotImplementedError


def stock_holds() -> list[StockHold]:
    """The registered holds, by name."""
    holds = [register() for register in hooks.get_hooks(STOCK_HOLD_HOOK)]
    return sorted(holds, key=lambda hold: hold.name)


def held_expression(product: Expression, store: Expression) -> Expression:
    """Units held at `store` of `product` by every registered hold (0 with none)."""
    total: Expression = Value(0, output_field=IntegerField())
    for hold in stock_holds():
        total = total + Coalesce(
            hold.held(product, store), Value(0), output_field=IntegerField()
        )
    return total
