"""Public catalog pages: products, their stock in each store, stores, shelf links.

Everything here is public: a visitor may see every active product and store.
Inactive products answer 404 through the selectors.
"""

import io

import segno
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from comptoir.fragments import fragment_by_tags
from comptoir.money import format_cents
from comptoir.page_cache import (
    page_cache_invalidate,
    page_cache_tags_version,
    page_query_key,
    page_registered_tags,
)
from comptoir.structured_data import json_for_script

from . import selectors
from .actions import member_product_links, stock_line_links
from .cached_pages import product_page_query, product_page_tags, product_tag
from .forms import ProductFilterForm
from .panels import product_annotators, product_panels_shown
from .structured_data import product_json_ld

PRODUCTS_PER_PAGE = 24
STORES_PER_PAGE = 24
# A picker asks again as the seller types: a minute's copy in the browser is
# fresh enough (the form checks the product again when it is sent).
PRODUCT_CHOICES_MAX_AGE = 60
# Modules of 4 px: a 30 mm shelf label prints it sharp at any printer's resolution.
QR_SCALE = 4


def stock_line_templates() -> dict[str, str]:
    """The two stock sentences with {store}/{quantity} holes, for the page's JS.

    They come from the same translated strings the templates render, so a line
    updated live reads exactly like one rendered by the server.
    """
    holes = {"store": "{store}", "quantity": "{quantity}"}
    return {
        "in_stock": gettext("In stock at %(store)s now: %(quantity)s") % holes,
        "out_of_stock": gettext("Out of stock at %(store)s") % holes,
    }


@require_safe
def product_list(request: HttpRequest) -> HttpResponse:
    """/products/: the filters, one keyset page of product cards and its links.

    The filters and the results are kept as one piece of HTML under the page's
    page-cache tags and its query string (`_product_list_fragment`), so the
    context holds the form, its filters and the page lazily: a warm page reads
    none of them, and runs no product query.
    """
    form = SimpleLazyObject(
        lambda: ProductFilterForm(
            request.GET or None,
            tags=list(selectors.product_tags()),
            stores=list(selectors.store_options()),
        )
    )
    filters = SimpleLazyObject(lambda: form.filters() if form.is_bound else {})
    annotators = product_annotators()
    # Keyset pages: any page, the last one too, costs what the first one does.
    page = SimpleLazyObject(
        lambda: selectors.product_list_page(
            params=request.GET, per_page=PRODUCTS_PER_PAGE, **filters
        )
    )
    return render(
        request,
        "catalog/product_list.html",
        {
            "form": form,
            "page_obj": page,
            "filters": filters,
            # The ones `product_list` annotated with: their card templates show.
            "annotators": annotators,
            "list_fragment": _product_list_fragment(request, annotators),
        },
    )


def _product_list_fragment(request: HttpRequest, annotators) -> dict | None:
    """The key of /products/' filters and results: the tags the page cache keeps
    the page under, its query string in a fixed order (the links carry it) and
    which annotators add to the cards (an app installed is new HTML at once).

    Those tags are every registration's for the page: the catalog's (products,
    stores, the filtered store's stock) and any app's. The annotators' columns
    need no tag of their own: the reviews' rating changes forget `PRODUCTS`.
    None for a query string the page cache would not keep either (an unknown
    key, a repeated or overlong value): each would be one more copy to keep.
    """
    match = request.resolver_match
    if match is None:
        return None
    query = page_query_key(request, match.view_name)
    if query is None:
        return None
    tags = page_registered_tags(request, match.view_name, match)
    if not tags:
        return None
    return {
        "tags": sorted(tags),
        "query": query,
        "annotators": [(a.name, a.card_template) for a in annotators],
    }


class _ProductPageParts:
    """What only the product page's shared fragments show (gallery, tags, stock
    lines, JSON-LD), read when one of them is built: a member's page whose
    fragments are all kept reads none of it."""

    def __init__(self, request: HttpRequest, product, panels, cache_tags):
        self.request = request
        self.product = product
        self.panels = panels
        self.cache_tags = cache_tags
        self.canonical_url = request.build_absolute_uri(product.get_absolute_url())
        # Absolute URLs in the fragments: each host has its own copy.
        self.origin = f"{request.scheme}://{request.get_host()}"

    @cached_property
    def shown(self):
        """The product as the fragments show it, with its tags and its image's
        renditions: read after their version, as everything they show is."""
        return selectors.product_page_media(product=self.product)

    @cached_property
    def gallery(self) -> list:
        return selectors.product_gallery(product=self.shown)

    @cached_property
    def stock(self) -> list:
        # What registered apps offer next to each store (reserve here), the same
        # for every visitor.
        stock = list(selectors.product_stock(product_id=self.product.pk))
        links = stock_line_links(self.shown, stock)
        for store in stock:
            store.action_links = links.get(store.code, [])
        return stock

    @cached_property
    def short_url(self) -> str:
        return self.request.build_absolute_uri(
            reverse("catalog:product_short", kwargs={"sku": self.shown.sku})
        )

    def stock_templates(self) -> dict[str, str]:
        return stock_line_templates()

    @cached_property
    def json_ld(self) -> str:
        """The page's schema.org Product with the panels' fields, kept with the
        fragments; it lists the reviews shown, so it varies with the query."""
        query = product_page_query(self.request)
        if query is None or self.cache_tags is None:
            return self._json_ld()
        return fragment_by_tags(
            "product-json-ld",
            tags=self.cache_tags,
            parts=(self.product.pk, self.origin, query),
            render=self._json_ld,
        )

    def _json_ld(self) -> str:
        data = product_json_ld(
            product=self.shown,
            url=self.canonical_url,
            # schema.org takes one URL or a list: every picture of the gallery.
            image_url=_gallery_image_urls(self.request, self.gallery) or None,
            extra=[shown.json_ld() for shown in self.panels],
        )
        return json_for_script(data)


@require_safe
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.product_get(slug=slug)
    cache_tags = product_page_tags(request, product)
    # Read before anything the fragments show, as the page cache reads its own.
    version = page_cache_tags_version(*cache_tags)
    # Registered panels (reviews…) read their context when rendered, each in a
    # fixed number of queries; shared ones come from their fragments.
    panels = product_panels_shown(request, product, cache_tags=cache_tags)
    response = render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "product_page": _ProductPageParts(request, product, panels, cache_tags),
            # The logged-in member's own (reserve at my store): never in a fragment.
            "member_links": member_product_links(request, [product]).get(
                product.pk, []
            ),
            "socket_path": f"/ws/products/{product.pk}/stock/",
            "panels": panels,
        },
    )
    if page_cache_tags_version(*cache_tags) != version:
        # What the page shows changed while it was built: a fragment kept from
        # older reads under the newer version is never read (every one carries
        # the product's tag).
        page_cache_invalidate(product_tag(product.pk))
    return response


def _gallery_image_urls(request: HttpRequest, gallery) -> list[str]:
    # The renditions were prefetched with the gallery: no query once they exist.
    return [
        request.build_absolute_uri(
            picture.image.get_rendition(selectors.DETAIL_IMAGE_SPEC).url
        )
        for picture in gallery
    ]


@require_safe
def product_choices(request: HttpRequest) -> JsonResponse:
    """/products/choices/?q=: the products a seller may mean, for the resale
    form's picker, as JSON: {"products": [{"sku", "name", "price", "url"}]}.

    Public catalog data: it reads no session and sets no cookie. The price is
    written in the visitor's language, hence the Vary on what sets it.
    """
    products = selectors.product_choices(query=request.GET.get("q", ""))
    response = JsonResponse(
        {
            "products": [
                {
                    "sku": product.sku,
                    "name": product.name,
                    "price": format_cents(product.price_cents),
                    "url": product.get_absolute_url(),
                }
                for product in products
            ]
        }
    )
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    patch_cache_control(response, public=True, max_age=PRODUCT_CHOICES_MAX_AGE)
    return response


@require_safe
def product_short(request: HttpRequest, sku: str) -> HttpResponse:
    """A shelf label's link: temporary, so the product's URL may change later."""
    return redirect(selectors.product_get_by_sku(sku=sku))


@require_safe
def product_qr(request: HttpRequest, sku: str) -> HttpResponse:
    """The QR code of the product's short link, as SVG for printing shelf labels."""
    product = selectors.product_get_by_sku(sku=sku)
    url = request.build_absolute_uri(
        reverse("catalog:product_short", kwargs={"sku": product.sku})
    )
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=QR_SCALE, border=2, title=url
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def store_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.store_list(), STORES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "catalog/store_list.html", {"page_obj": page})


@require_safe
def store_detail(request: HttpRequest, code: str) -> HttpResponse:
    store = selectors.store_get(code=code)
    products = selectors.store_products_in_stock(store=store)
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    canonical_url = request.build_absolute_uri(
        reverse("catalog:store_detail", kwargs={"code": store.code})
    )
    return render(
        request,
        "catalog/store_detail.html",
        {"store": store, "page_obj": page, "canonical_url": canonical_url},
    )
