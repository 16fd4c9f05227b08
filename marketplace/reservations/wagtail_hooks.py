"""Reservations at the plug-in points: stock holds, the product's "Reserve"
actions, the hand-off desk, the integration API, sales, member data, the menu
and the admin. Each helper's part is marked; keep imports at the top."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from community.members.member_data import MEMBER_DATA_HOOK, MemberDataSection
from comptoir.navigation import MEMBER_MENU_HOOK, NavItem
from marketplace.catalog.actions import PRODUCT_ACTION_HOOK
from marketplace.catalog.desk import DESK_SECTION_HOOK
from marketplace.catalog.holds import STOCK_HOLD_HOOK, StockHold
from marketplace.integrations.sections import API_SECTION_HOOK, ApiSection
from marketplace.sales.listeners import SALES_LISTENER_HOOK, SalesListener

from . import admin_views
from .actions import ReserveAction
from .api import RESERVATION_SCOPES
from .api import router as api_router
from .desk import ReservationsDesk
from .member_data import (
    reservations_erase,
    reservations_erase_summary,
    reservations_export,
)
from .selectors import held_units_subquery
from .services import reservations_collect_from_sales


class ReservationsHold(StockHold):
    name = "reservations"

    def held(self, product, store):
        return held_units_subquery(product, store)


@hooks.register(STOCK_HOLD_HOOK)
def reservations_stock_hold():
    return ReservationsHold()


# --- core: sales listener, member data (helper "core") ---


class ReservationsCollectedAtTill(SalesListener):
    """A sale at the till with the member's reference collects what they reserved."""

    name = "reservations"

    def sales_recorded(self, events):
        reservations_collect_from_sales(events)


@hooks.register(SALES_LISTENER_HOOK)
def reservations_sales_listener():
    return ReservationsCollectedAtTill()


@hooks.register(MEMBER_DATA_HOOK)
def member_data_reservations():
    return MemberDataSection(
        name="reservations",
        label=_("Reservations in stores"),
        # Erased before notifications' and rewards' own sections look.
        order=45,
        export=reservations_export,
        erase=reservations_erase,
        erase_summary=reservations_erase_summary,
    )


# --- member pages: product actions, menu (helper "pages") ---


@hooks.register(PRODUCT_ACTION_HOOK)
def reservations_product_action():
    return ReserveAction()


# --- desk: desk section, admin URLs, settings menu (helper "desk") ---


@hooks.register(DESK_SECTION_HOOK)
def reservations_desk_section():
    return ReservationsDesk()


_admin_urls = [
    path("<int:reservation_id>/", admin_views.reservation_detail, name="detail"),
    path("<int:reservation_id>/ready/", admin_views.reservation_ready, name="ready"),
    path(
        "<int:reservation_id>/collect/",
        admin_views.reservation_collect,
        name="collect",
    ),
    path("<int:reservation_id>/credit/", admin_views.reservation_credit, name="credit"),
]


@hooks.register("register_admin_urls")
def reservations_admin_urls():
    """A reservation's page at the desk, /admin/reservations/<id>/ (namespace
    `reservations_admin`); the rules are in Settings › Reservation rules."""
    return [
        path(
            "reservations/",
            include(
                (_admin_urls, "reservations_admin"), namespace="reservations_admin"
            ),
        )
    ]


# --- api: the tills' API section (helper "api") ---


@hooks.register(API_SECTION_HOOK)
def reservations_api_section():
    return ApiSection(name="reservations", router=api_router, scopes=RESERVATION_SCOPES)


@hooks.register(MEMBER_MENU_HOOK)
def reservations_member_menu_item():
    return NavItem(label=_("My reservations"), url_name="reservations:mine", order=40)
