"""Resale at the lower apps' plug-in points (docs/architecture.md): the hand-off
desk section and its admin pages (12), the product page panel (1), the site
search section (4) and the sitemap (7), the "My purchases" member menu link (15).

Imported from `ResaleConfig.ready()`; resale's `wagtail_hooks.py` holds the
listings' moderated type.
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from comptoir.navigation import MEMBER_MENU_HOOK, NavItem
from comptoir.search import SEARCH_SECTION_HOOK
from comptoir.sitemaps import SITEMAP_HOOK
from marketplace.catalog.desk import DESK_SECTION_HOOK
from marketplace.catalog.panels import PRODUCT_PANEL_HOOK

from .desk import ResaleDesk
from .desk_views import desk_admin_urlpatterns
from .product_page import SecondHandPanel
from .search import ResaleSection, ResaleSitemap

# --- Hand-off desk ----------------------------------------------------------------


@hooks.register(DESK_SECTION_HOOK)
def resale_desk_section():
    return ResaleDesk()


@hooks.register("register_admin_urls")
def resale_desk_admin_urls():
    """A hand-off's and a buy-back's pages at the desk, /admin/resale-desk/…
    (namespace `resale_desk`)."""
    return [
        path(
            "resale-desk/",
            include((desk_admin_urlpatterns, "resale_desk"), namespace="resale_desk"),
        )
    ]


# --- Product page -----------------------------------------------------------------


@hooks.register(PRODUCT_PANEL_HOOK)
def resale_product_panel():
    return SecondHandPanel()


# --- Site search and sitemap ------------------------------------------------------


@hooks.register(SEARCH_SECTION_HOOK)
def resale_search_section():
    return ResaleSection()


@hooks.register(SITEMAP_HOOK)
def resale_sitemap():
    return {"resale": ResaleSitemap}


# --- Member menu ------------------------------------------------------------------


@hooks.register(MEMBER_MENU_HOOK)
def my_purchases_nav_item():
    return NavItem(label=_("My purchases"), url_name="resale:purchases", order=33)
