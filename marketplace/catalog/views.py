"""Public catalog pages: products, their stock in each store, stores, shelf links.

Everything here is public: a visitor may see every active product and store.
Inactive products answer 404 through the selectors.
"""

import io

import segno
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from comptoir.structured_data import json_for_script

from . import selectors
from .actions import member_product_links, stock_line_links
from .forms import ProductFilterForm
from .panels import product_annotators, product_panels_shown
from .structured_data import product_json_ld

PRODUCTS_PER_PAGE = 24
STORES_PER_PAGE = 24
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
    form = ProductFilterForm(
        request.GET or None,
        tags=list(selectors.product_tags()),
        stores=list(selectors.store_options()),
    )
    filters = form.filters() if form.is_bound else {}
    # Keyset pages: any page, the last one too, costs what the first one does.
    page = selectors.product_list_page(
        params=request.GET, per_page=PRODUCTS_PER_PAGE, **filters
    )
    return render(
        request,
        "catalog/product_list.html",
        {
            "form": form,
            "page_obj": page,
            "filters": filters,
            # The ones `product_list` annotated with: their card templates show.
            "annotators": product_annotators(),
        },
    )


@require_safe
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.product_get(slug=slug)
    stock = list(selectors.product_stock(product_id=product.pk))
    canonical_url = request.build_absolute_uri(product.get_absolute_url())
    short_url = request.build_absolute_uri(
        reverse("catalog:product_short", kwargs={"sku": product.sku})
    )
    # Registered panels (reviews…) read their context here, each in a fixed
    # number of queries, and add their fields to the page's JSON-LD.
    panels = product_panels_shown(request, product)
    # What registered apps offer next to each store (reserve here), the same for
    # every visitor, and to the logged-in member alone (reserve at my store).
    stock_links = stock_line_links(product, stock)
    for store in stock:
        store.action_links = stock_links.get(store.code, [])
    member_links = member_product_links(request, [product]).get(product.pk, [])
    gallery = selectors.product_gallery(product=product)
    json_ld = product_json_ld(
        product=product,
        url=canonical_url,
        # schema.org takes one URL or a list: every picture of the gallery.
        image_url=_gallery_image_urls(request, gallery) or None,
        extra=[shown.json_ld() for shown in panels],
    )
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "gallery": gallery,
            "stock": stock,
            "member_links": member_links,
            "stock_templates": stock_line_templates(),
            "canonical_url": canonical_url,
            "short_url": short_url,
            "socket_path": f"/ws/products/{product.pk}/stock/",
            "panels": panels,
            "product_json_ld": json_for_script(json_ld),
        },
    )


def _gallery_image_urls(request: HttpRequest, gallery) -> list[str]:
    # The renditions were prefetched with the gallery: no query once they exist.
    return [
        request.build_absolute_uri(
            picture.image.get_rendition(selectors.DETAIL_IMAGE_SPEC).url
        )
        for picture in gallery
    ]


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
