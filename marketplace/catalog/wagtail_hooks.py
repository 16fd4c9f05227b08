"""The catalog in the Wagtail admin (products, stores and stock levels as snippets),
in the site search, its live stock route, and its pages in the page cache."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from comptoir.money import format_cents
from comptoir.navigation import MAIN_NAV_HOOK, NavItem
from comptoir.page_cache import CACHED_PAGE_HOOK, page_cache_invalidate
from comptoir.routing import WEBSOCKET_ROUTES_HOOK
from comptoir.search import SEARCH_SECTION_HOOK

from . import desk_views
from .cached_pages import (
    CATALOG_CACHED_PAGES,
    PRODUCTS,
    STOCK,
    STORES,
    product_tag,
    store_tag,
)
from .desk import stores_staffed_by
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
        # More pictures after the main one, in the order given here.
        InlinePanel(
            "gallery_images",
            heading=_("Gallery"),
            label=_("Picture"),
            panels=[FieldPanel("image"), FieldPanel("alt")],
        ),
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
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Address"),
        ),
        FieldPanel("opening_hours"),
        FieldPanel("opening_days"),
        FieldPanel("staff"),
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


_PREVIOUS_STORE_ATTR = "_catalog_stock_previous_store_id"


@hooks.register("before_edit_snippet")
def remember_stock_product(request, instance):
    if isinstance(instance, StockLevel):
        setattr(request, _PREVIOUS_PRODUCT_ATTR, instance.product_id)
        setattr(request, _PREVIOUS_STORE_ATTR, instance.store_id)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def announce_stock_saved(request, instance):
    if not isinstance(instance, StockLevel):
        return
    product_ids = {instance.product_id, getattr(request, _PREVIOUS_PRODUCT_ATTR, None)}
    for product_id in product_ids - {None}:
        product_stock_announce(product_id=product_id)
    store_ids = {instance.store_id, getattr(request, _PREVIOUS_STORE_ATTR, None)}
    _stock_pages_invalidate(product_ids - {None}, store_ids - {None})


@hooks.register("after_delete_snippet")
def announce_stock_deleted(request, instances):
    stock_levels = [i for i in instances if isinstance(i, StockLevel)]
    for product_id in {level.product_id for level in stock_levels}:
        product_stock_announce(product_id=product_id)
    _stock_pages_invalidate(
        {level.product_id for level in stock_levels},
        {level.store_id for level in stock_levels},
    )


# --- The page cache (comptoir/page_cache.py) -----------------------------------
# The API's writes go through the services, which invalidate what they change;
# the admin's edits of snippets are invalidated here.


def _stock_pages_invalidate(product_ids: set[int], store_ids: set[int]) -> None:
    if not product_ids and not store_ids:
        return
    codes = Store.objects.filter(pk__in=store_ids).values_list("code", flat=True)
    page_cache_invalidate(
        STOCK,
        *(product_tag(product_id) for product_id in product_ids),
        *(store_tag(code) for code in codes),
    )


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def product_or_store_pages_invalidate(request, instance):
    if isinstance(instance, Product):
        page_cache_invalidate(product_tag(instance.pk), PRODUCTS)
    elif isinstance(instance, Store):
        page_cache_invalidate(STORES, STOCK)


_DELETED_TAGS_ATTR = "_catalog_deleted_page_tags"


@hooks.register("before_delete_snippet")
def remember_deleted_pages(request, instances):
    # A deleted instance has lost its pk by the time after_delete_snippet runs.
    tags = set()
    for instance in instances:
        if isinstance(instance, Product):
            tags |= {product_tag(instance.pk), PRODUCTS}
        elif isinstance(instance, Store):
            tags |= {STORES, STOCK}
    setattr(request, _DELETED_TAGS_ATTR, tags)


@hooks.register("after_delete_snippet")
def deleted_pages_invalidate(request, instances):
    page_cache_invalidate(*getattr(request, _DELETED_TAGS_ATTR, ()))


@hooks.register(CACHED_PAGE_HOOK)
def catalog_cached_pages():
    return CATALOG_CACHED_PAGES


@hooks.register(SEARCH_SECTION_HOOK)
def products_search_section():
    return ProductsSection()


@hooks.register(SEARCH_SECTION_HOOK)
def stores_search_section():
    return StoresSection()


@hooks.register(WEBSOCKET_ROUTES_HOOK)
def stock_websocket_routes():
    return websocket_urlpatterns


@hooks.register(MAIN_NAV_HOOK)
def products_nav_item():
    return NavItem(label=_("Products"), url_name="catalog:product_list", order=20)


@hooks.register(MAIN_NAV_HOOK)
def stores_nav_item():
    return NavItem(label=_("Stores"), url_name="catalog:store_list", order=30)


# --- The hand-off desk (catalog/desk.py, desk_views.py) ------------------------

_desk_urls = [
    path("", desk_views.desk_index, name="index"),
    path("<slug:code>/", desk_views.desk_store, name="store"),
    path("<slug:code>/code/", desk_views.desk_find, name="find"),
]


@hooks.register("register_admin_urls")
def desk_admin_urls():
    """The desk pages under /admin/desk/ (namespace `catalog_desk`)."""
    return [
        path("desk/", include((_desk_urls, "catalog_desk"), namespace="catalog_desk"))
    ]


class DeskMenuItem(MenuItem):
    """Shown to those who work a store's desk (or may see every desk)."""

    def is_shown(self, request):
        return stores_staffed_by(request.user).exists()


@hooks.register("register_admin_menu_item")
def desk_menu_item():
    return DeskMenuItem(
        _("Hand-off desk"),
        reverse("catalog_desk:index"),
        name="hand-off-desk",
        icon_name="desktop",
        order=50,
    )
