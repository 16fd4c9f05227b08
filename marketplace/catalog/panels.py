"""What other apps add to product pages and cards (docs/architecture.md, point 1).

The catalog is the ground floor: it knows no kind of member content. An app that
shows something on the product page registers a `ProductPanel`, one that adds a
figure to the product cards a `ProductAnnotator`, in its own `wagtail_hooks.py`:

    @hooks.register(PRODUCT_PANEL_HOOK)
    def reviews_panel():
        return ReviewsPanel()

Both are small components in the manner of `wagtail/admin/ui/components.py`: a
template and the context it needs, rendered by the catalog where it chooses.

A panel that looks the same for every viewer says so (`shared = True`): members,
who never get the page cache, then get its HTML from a fragment kept under the
product page's tags (comptoir/fragments.py `fragment_by_tags`), and its context
is read only when that fragment, or the page's JSON-LD, is built again.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template import Context
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from wagtail import hooks

from comptoir.fragments import fragment_by_tags

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

    `shared = True` says the panel's HTML is the same for every viewer and every
    query string of the page: no member's name or links, no form with a CSRF
    token, nothing read from `request` but its language and host. Its HTML is
    then kept by the catalog under the product page's tags, so it is rendered
    again only after one of them is invalidated; the app's services must call
    `page_cache_invalidate` with `product_tag(id)` (or another tag the page
    registers) whenever what the panel shows changes, as they do for the
    visitors' cached page. `get_context` is then called only when the HTML or
    the page's JSON-LD is built again. A panel with member parts stays unshared
    and may keep its shared part itself (`fragment_by_tags` with
    `catalog.cached_pages.product_page_tags`).
    """

    name: str = ""
    order: int = 100
    template_name: str = ""
    shared: bool = False

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


class ShownPanel:
    """A panel of one product page, reading its context when first asked for it.

    A shared panel's HTML comes from the fragment kept under the page's tags
    (`cache_tags`, None to build it every time): a fragment found costs the panel
    no query at all.
    """

    def __init__(
        self, *, panel: ProductPanel, request: HttpRequest, product, cache_tags
    ):
        self.panel = panel
        self.request = request
        self.product = product
        self.cache_tags = cache_tags

    @cached_property
    def context(self) -> dict:
        return self.panel.get_context(self.request, self.product)

    def render_html(self, parent_context: Context) -> SafeString:
        if not self.panel.template_name:
            return SafeString("")
        if not self.panel.shared or self.cache_tags is None:
            return self.panel.render_html(parent_context, self.context)
        return fragment_by_tags(
            f"product-panel:{self.panel.name}",
            tags=self.cache_tags,
            parts=(self.product.pk, self.request.get_host()),
            render=lambda: self.panel.render_html(parent_context, self.context),
        )

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


def product_panels_shown(
    request: HttpRequest, product, *, cache_tags=None
) -> list[ShownPanel]:
    """Every panel of a product page, in page order, each reading its context
    when first rendered or asked for its JSON-LD. With `cache_tags` (the page's,
    `cached_pages.product_page_tags`), shared panels come from their fragments."""
    return [
        ShownPanel(panel=panel, request=request, product=product, cache_tags=cache_tags)
        for panel in product_panels()
    ]


def products_annotated(queryset: QuerySet) -> QuerySet:
    """A product queryset with every registered annotator's columns, still one query."""
    for annotator in product_annotators():
        queryset = annotator.annotate(queryset)
    return queryset
