"""The "Born from an idea by …" panel on the catalog's product page.

Registered in `wagtail_hooks.py` at the catalog's plug-in point
(marketplace/catalog/panels.py): the catalog never imports ideas.
"""

from __future__ import annotations

from django.http import HttpRequest

from marketplace.catalog.panels import ProductPanel

from .selectors import idea_of_product


class BornFromIdeaPanel(ProductPanel):
    """For a product that a launched idea became: its originators and a link."""

    name = "born_from_idea"
    # Above the reviews (100): where the product comes from, then what buyers say.
    order = 50
    template_name = "ideas/includes/product_born_from_idea.html"
    shared = True  # The same for every viewer: kept under the page's tags.

    def get_context(self, request: HttpRequest, product) -> dict:
        # Two queries (the idea, its originators), whatever the product.
        return {"born_from_idea": idea_of_product(product_id=product.pk)}
