"""The "Reserve" links of product pages and search results (catalog/actions.py,
point 11).

Next to each stock line, "Reserve here" leads to the reserve form for that
product and store: the same link for every visitor, since the product page is
cached for visitors (the page's script hides it while nothing is free there).
A member with a home store also gets "Reserve at <store>, your store" where that
store has free units, read in one query for all the products shown.
"""

from __future__ import annotations

from django.db.models import F, IntegerField, OuterRef
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from marketplace.catalog.actions import ActionLink, ProductAction
from marketplace.catalog.holds import held_expression
from marketplace.catalog.models import StockLevel


def reserve_url(*, sku: str, store_code: str) -> str:
    """The reserve form for a product (by SKU) at a store (by code)."""
    query = urlencode({"product": sku, "store": store_code})
    return f"{reverse('reservations:new')}?{query}"


def home_store_free_units(*, store_id: int, product_ids: list[int]) -> dict:
    """product id -> (free units, store name, store code) at one store, for those it
    holds; free is on hand minus every hold (reservations), never below zero, as
    every page shows it. One query whatever the number of products."""
    rows = (
        StockLevel.objects.filter(store_id=store_id, product_id__in=product_ids)
        .annotate(
            free=Greatest(
                F("quantity")
                - held_expression(OuterRef("product_id"), OuterRef("store_id")),
                0,
                output_field=IntegerField(),
            )
        )
        .values_list("product_id", "free", "store__name", "store__code")
    )
    return {product_id: (free, name, code) for product_id, free, name, code in rows}


class ReserveAction(ProductAction):
    name = "reservations"
    order = 10

    def stock_link(self, product, store) -> ActionLink:
        # Every line gets it, those with nothing free too: the live stock
        # script shows it when units come back.
        return ActionLink(
            label=gettext("Reserve here"),
            url=reserve_url(sku=product.sku, store_code=store.code),
        )

    def member_links(self, request, products: list) -> dict:
        store_id = getattr(request.user, "home_store_id", None)
        if not store_id or not products:
            return {}
        free = home_store_free_units(
            store_id=store_id, product_ids=[product.pk for product in products]
        )
        links = {}
        for product in products:
            units, store_name, store_code = free.get(product.pk, (0, "", ""))
            if units <= 0:
                continue
            links[product.pk] = ActionLink(
                label=gettext("Reserve at %(store)s, your store")
                % {"store": store_name},
                url=reserve_url(sku=product.sku, store_code=store_code),
                hint=ngettext(
                    "%(count)s unit free there now",
                    "%(count)s units free there now",
                    units,
                )
                % {"count": units},
            )
        return links
