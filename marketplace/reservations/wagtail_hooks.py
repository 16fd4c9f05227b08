"""Reservations at the plug-in points: stock holds, the product's "Reserve"
actions, the hand-off desk, the integration API, sales, member data, the menu
and the admin. Each helper's part is marked; keep imports at the top."""

from wagtail import hooks

from marketplace.catalog.holds import STOCK_HOLD_HOOK, StockHold

from .selectors import held_units_subquery


class ReservationsHold(StockHold):
    name = "reservations"

    def held(self, product, store):
        return held_units_subquery(product, store)


@hooks.register(STOCK_HOLD_HOOK)
def reservations_stock_hold():
    return ReservationsHold()


# --- core: sales listener, member data (helper "core") ---

# --- member pages: product actions, menu (helper "pages") ---

# --- desk: desk section, admin URLs, settings menu (helper "desk") ---

# --- api: the tills' API section (helper "api") ---
