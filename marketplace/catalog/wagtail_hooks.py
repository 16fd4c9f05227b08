"""The catalog in the Wagtail admin (products, stores and stock levels as snippets),
in the site search, and its live stock route."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from comptoir.money import format_cents
from comptoir.routing import WEBSOCKET_ROUTES_HOOK
from comptoir.search import SEARCH_SECTION_HOOK

from .models import Product, StockLevel, Store
from .routing import websocket_urlpatterns
from .search import ProductsSection, StoresSection
from .services import product_stock_announce


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "tag"
    menu_label = _("Products")
    # The database search backend only matches whole words; staff type part of a
    # SKU or a name, so search with the ORM.
    search_backend_name = None
    search_fields = ["name", "sku"]
    list_display = [
        "name",
        "sku",
        Column(
            "price_cents",
            label=_("Price"),
            accessor=lambda product: format_cents(product.price_cents),
            sort_key="price_cents",
        ),
        BooleanColumn("active", label=_("Active")),
        UpdatedAtColumn(),
    ]
    list_filter = ["active"]
    list_per_page = 50
    panels = [
        FieldRowPanel([FieldPanel("sku"), FieldPanel("price_cents")]),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("image"),
        FieldPanel("tags"),
        FieldPanel("active"),
    ]


class StoreViewSet(SnippetViewSet):
    model = Store
    icon = "home"
    menu_label = _("Stores")
    search_backend_name = None
    search_fields = ["name", "code", "city"]
    list_display = ["name", "code", "city", "postcode"]
    list_filter = ["city"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
            ],
            heading=_("Address"),
        ),
        FieldPanel("opening_hours"),
    ]


class StockLevelViewSet(SnippetViewSet):
    model = StockLevel
    icon = "list-ul"
    menu_label = _("Stock levels")
    search_backend_name = None
    search_fields = ["product__name", "product__sku", "store__name"]
    list_display = [
        "product",
        Column("sku", label=_("SKU"), accessor="product.sku"),
        "store",
        Column("quantity", label=_("Quantity"), sort_key="quantity"),
        UpdatedAtColumn(),
    ]
    list_filter = ["store"]
    list_per_page = 50
    panels = [
        FieldPanel("product"),
        FieldPanel("store"),
        FieldPanel("quantity"),
    ]

    def get_queryset(self, request):
        return StockLevel.objects.select_related("product", "store")


class CatalogViewSetGroup(SnippetViewSetGroup):
    items = (ProductViewSet, StoreViewSet, StockLevelViewSet)
    menu_icon = "tag"
    menu_label = _("Catalog")
    menu_name = "catalog"
    menu_order = 300


register_snippet(CatalogViewSetGroup)


# Stock edited in the admin reaches open product pages like stock pushed by the
# API does. A stock level moved to another product updates both products' pages.
_PREVIOUS_PRODUCT_ATTR = "_catalog_stock_previous_product_id"


@hooks.register("before_edit_snippet")
def remember_stock_product(request, instance):
    if isinstance(instance, StockLevel):
        setattr(request, _PREVIOUS_PRODUCT_ATTR, instance.product_id)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def announce_stock_saved(request, instance):
    if not isinstance(instance, StockLevel):
        return
    product_ids = {instance.product_id, getattr(request, _PREVIOUS_PRODUCT_ATTR, None)}
    for product_id in product_ids - {None}:
        product_stock_announce(product_id=product_id)


@hooks.register("after_delete_snippet")
def announce_stock_deleted(request, instances):
    stock_levels = [i for i in instances if isinstance(i, StockLevel)]
    for product_id in {level.product_id for level in stock_levels}:
        product_stock_announce(product_id=product_id)


@hooks.register(SEARCH_SECTION_HOOK)
def products_search_section():
    return ProductsSection()


@hooks.register(SEARCH_SECTION_HOOK)
def stores_search_section():
    return StoresSection()


@hooks.register(WEBSOCKET_ROUTES_HOOK)
def stock_websocket_routes():
    return websocket_urlpatterns
