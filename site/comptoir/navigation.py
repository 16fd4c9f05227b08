"""The site's menus: what each app adds to them (docs/architecture.md, points 9
and 15).

`base.html` knows no section of the site. Each app with pages of its own registers
one `NavItem` in its `wagtail_hooks.py`:

    @hooks.register(MAIN_NAV_HOOK)
    def ideas_nav_item():
        return NavItem(label=_("Ideas"), url_name="ideas:list", order=40)

and the menu shows them in `order`, lower first. The member menu (the member's
name in the header: their own reviews, ideas, wallet, reservations…) works the
same way with `MEMBER_MENU_HOOK`, shown to logged-in members only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from wagtail import hooks

MAIN_NAV_HOOK = "register_main_nav_item"
MEMBER_MENU_HOOK = "register_member_menu_item"


@dataclass(frozen=True)
class NavItem:
    """One link of the main menu: a label (gettext_lazy), a URL name or a path."""

    label: str | Promise
    url_name: str = ""
    path: str = ""
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name) if self.url_name else self.path


def main_nav_items() -> list[NavItem]:
    """The registered links, in menu order (then by label)."""
    items = [register() for register in hooks.get_hooks(MAIN_NAV_HOOK)]
    return sorted(items, key=lambda item: (item.order, str(item.label)))


def member_menu_items() -> list[NavItem]:
    """The links of the member menu that apps registered, in order (then label)."""
    items = [register() for register in hooks.get_hooks(MEMBER_MENU_HOOK)]
    return sorted(items, key=lambda item: (item.order, str(item.label)))
