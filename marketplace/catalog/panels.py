"""What other apps add to product pages and cards (docs/architecture.md, point 1).

The catalog is the ground floor: it knows no kind of member content. An app that
shows something on the product page registers a `ProductPanel`, one that adds a
figure to the product cards a `ProductAnnotator`, in its own `wagtail_hooks.py`:

    @hooks.register(PRODUCT_PANEL_HOOK)
    def reviews_panel():
        return ReviewsPanel()

Both are small components in the manner of `wagtail/admin/ui/components.py`: a
template and the context it needs, rendered by the catalog where it chooses.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template import Context
from django.utils.safestring import SafeString
from wagtail import hooks

PRODUCT_PANEL_HOOK = "register_product_panel"
PRODUCT_ANNOTATOR_HOOK = "register_product_annotator"


def _render_in(parent_context: Context, template_name: str, values: dict) -> SafeString:
    # As `{% include %}` does: the page's own context (request, user, csrf_token,
    # product) plus the component's values, so the HTML is the same as an include's.
    template = parent_context.template.engine.get_template(template_name)
    with parent_context.push(values):
        return template.render(parent_context)


class ProductPanel:
    """A section of the product page, shown below the stock, in `order`.

    `name` tells the panels apart (one registration per name); `order` places the
    panel among the others, lower first (default 100). `get_context(request,
    product)` reads what `template_name` shows; it runs in the view, so its queries
    must not grow with the rows it summarises. `json_ld(context)` returns keys
    merged into the page's schema.org Product (e.g. `aggregateRating`), or None.
    """

    name: str = ""
    order: int = 100
    template_name: str = ""

    def get_context(self, request: HttpRequest, product) -> dict:
        """The panel's template context for one request and product; none by default."""
        return {}

    def json_ld(self, context: dict) -> dict | None:
        """Fields of the page's schema.org Product this panel fills; none by default."""
        return None

    def render_html(self, parent_context: Context, context: dict) -> SafeString:
        """The panel's HTML inside the product page's template context (nothing
        without a template: a panel may add only JSON-LD)."""
        if not self.template_name:
            return SafeString("")
        return _render_in(parent_context, self.template_name, context)


class ProductAnnotator:
    """Extra columns of product lists, and how a product card shows them.

    `annotate(queryset)` adds the columns to a product queryset in the same query
    (annotations or a JOIN: never a query per product); `card_template` is rendered
    inside each card of an annotated list, with the card's `product`, or is empty
    for none. `name` and `order` (lower first, default 100) as for panels.

    Cards are kept as HTML, keyed by what they show (catalog_tags.product_cards):
    `card_key(product)` lists what this annotator's part shows, by default the
    columns `annotate` adds. A card template that shows anything else (the viewer,
    a query of its own) must override `card_key` to say so.
    """

    name: str = ""
    order: int = 100
    card_template: str = ""

    def annotate(self, queryset: QuerySet) -> QuerySet:
        """The queryset with this annotator's columns; unchanged by default."""
        return queryset

    def card_key(self, product) -> tuple:
        """The values of `product` this annotator's card part shows."""
        return tuple(getattr(product, column, None) for column in self._columns())

    def _columns(self) -> tuple[str, ...]:
        # Which annotations `annotate` adds, found once per class from the query.
        columns = _ANNOTATOR_COLUMNS.get(type(self))
        if columns is None:
            from .models import Product

            plain = Product.objects.all()
            added = self.annotate(plain).query.annotations
            columns = tuple(sorted(set(added) - set(plain.query.annotations)))
            _ANNOTATOR_COLUMNS[type(self)] = columns
        return columns

    def render_card(self, parent_context: Context, product) -> SafeString:
        """The card's extra HTML for one product of an annotated list."""
        if not self.card_template:
            return SafeString("")
        return _render_in(parent_context, self.card_template, {"product": product})


_ANNOTATOR_COLUMNS: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class ShownPanel:
    """A panel with the context it read for one product page."""

    panel: ProductPanel
    context: dict

    def render_html(self, parent_context: Context) -> SafeString:
        return self.panel.render_html(parent_context, self.context)

    def json_ld(self) -> dict | None:
        return self.panel.json_ld(self.context)


def _registered(hook_name: str) -> list:
    components = [register() for register in hooks.get_hooks(hook_name)]
    names = [component.name for component in components]
    if not all(names) or len(set(names)) != len(names):
        raise ImproperlyConfigured(
            f"Every {hook_name} registration needs its own name: {names!r}."
        )
    return sorted(components, key=lambda component: (component.order, component.name))


def product_panels() -> list[ProductPanel]:
    """The registered product page panels, in page order (then by name)."""
    return _registered(PRODUCT_PANEL_HOOK)


def product_annotators() -> list[ProductAnnotator]:
    """The registered product list annotators, in card order (then by name)."""
    return _registered(PRODUCT_ANNOTATOR_HOOK)


def product_panels_shown(request: HttpRequest, product) -> list[ShownPanel]:
    """Every panel of a product page with its context read, in page order."""
    return [
        ShownPanel(panel=panel, context=panel.get_context(request, product))
        for panel in product_panels()
    ]


def products_annotated(queryset: QuerySet) -> QuerySet:
    """A product queryset with every registered annotator's columns, still one query."""
    for annotator in product_annotators():
        queryset = annotator.annotate(queryset)
    return queryset
