"""Products and stores in the site search (registered in wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from comptoir.search import SearchSection

from .actions import member_product_links
from .selectors import product_search, store_search


class ProductsSection(SearchSection):
    key = "products"
    label = _("Products")
    order = 200
    result_template = "catalog/includes/product_search_result.html"
    see_all = ngettext_lazy("See the product", "See all %(count)s products", "count")

    def search(self, query: str):
        return product_search(query=query)

    def results_for(self, request, items: list) -> list:
        # What registered actions offer the member on each result (reserve…).
        links = member_product_links(request, items)
        for item in items:
            item.action_links = links.get(item.pk, [])
        return items


class StoresSection(SearchSection):
    key = "stores"
    label = _("Stores")
    order = 300
    result_template = "catalog/includes/store_search_result.html"
    see_all = ngettext_lazy("See the store", "See all %(count)s stores", "count")

    def search(self, query: str):
        return store_search(query=query)
