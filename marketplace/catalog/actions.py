"""What a visitor can do about a product in a store (docs/architecture.md, point 11).

The product page tells where a product is in stock; an app above the catalog
offers the action (reserve it there). It registers a `ProductAction` in its own
`wagtail_hooks.py`:

    @hooks.register(PRODUCT_ACTION_HOOK)
    def reserve_action():
        return ReserveAction()

Two places show it:

- next to each stock line with free units, on the product page (`stock_link`).
  That page is cached for visitors who are not logged in, so the link may not
  depend on who is looking; the page's script hides it when the line's stock
  drops to zero;
- for a logged-in member, in the product's heading and on product search
  results (`member_links`), e.g. "Reserve at Lyon Part-Dieu, your store". It is
  asked once per page for all the products shown, so its queries do not grow
  with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from wagtail import hooks

PRODUCT_ACTION_HOOK = "register_product_action"


@dataclass(frozen=True)
class ActionLink:
    """A link a visitor can follow: its words, its URL, and an optional hint."""

    label: str
    url: str
    hint: str = ""


class ProductAction:
    """An action on a product: next to stock lines and for a logged-in member.

    `name` tells actions apart; `order` places them (lower first, default 100).
    """

    name: str = ""
    order: int = 100

    def stock_link(self, product, store) -> ActionLink | None:
        """The link next to a store's stock line (the same for every visitor)."""
        return None

    def member_links(self, request: HttpRequest, products: list) -> dict:
        """product id -> `ActionLink` for the logged-in member of `request`."""
        return {}


def product_actions() -> list[ProductAction]:
    """The registered actions, in order (then by name)."""
    actions = [register() for register in hooks.get_hooks(PRODUCT_ACTION_HOOK)]
    return sorted(actions, key=lambda action: (action.order, action.name))


def stock_line_links(product, stores) -> dict[str, list[ActionLink]]:
    """Store code -> the links shown next to its stock line, for every store."""
    actions = product_actions()
    links: dict[str, list[ActionLink]] = {}
    for store in stores:
        found = [action.stock_link(product, store) for action in actions]
        links[store.code] = [link for link in found if link is not None]
    return links


def member_product_links(request: HttpRequest, products: list) -> dict:
    """product id -> the links for the logged-in member (nothing for visitors)."""
    user = getattr(request, "user", None)
    if not products or user is None or not user.is_authenticated:
        return {}
    links: dict[int, list[ActionLink]] = {}
    for action in product_actions():
        for product_id, link in action.member_links(request, products).items():
            links.setdefault(product_id, []).append(link)
    return links
