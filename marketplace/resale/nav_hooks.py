"""Resale's links in the site's menus (docs/architecture.md, points 9 and 15).

Imported from `ResaleConfig.ready()`: resale's `wagtail_hooks.py` holds its other
registrations.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from comptoir.navigation import MAIN_NAV_HOOK, MEMBER_MENU_HOOK, NavItem


@hooks.register(MAIN_NAV_HOOK)
def resale_nav_item():
    return NavItem(label=_("Second-hand"), path="/resale/", order=35)


@hooks.register(MEMBER_MENU_HOOK)
def my_listings_nav_item():
    return NavItem(label=_("My listings"), path="/me/listings/", order=35)
