"""The catalog's pages in the page cache (comptoir/page_cache.py) and their tags.

Registered in `wagtail_hooks.py`. A tag names something a page shows; whoever
changes it calls `page_cache_invalidate` with its tag:

- `product_tag(id)`: one product's own page (price, stock lines, what panels
  show: reviews…), and the editorial pages featuring it;
- `PRODUCTS`: every list of product cards (name, price, image, tags, rating);
- `store_tag(code)`: what one store holds (its page, the list filtered by it);
- `STOCK`: how many products each store holds (the list of stores);
- `STORES`: store names and addresses, wherever they show.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import ResolverMatch

from comptoir.page_cache import CachedPage

from .models import Product

PRODUCTS = "products"
STOCK = "stock"
STORES = "stores"


def product_tag(product_id: int) -> str:
    return f"product:{product_id}"


def store_tag(code: str) -> str:
    return f"store:{code}"


def _product_list_tags(request: HttpRequest, match: ResolverMatch) -> set[str]:
    tags = {PRODUCTS, STORES}
    if request.GET.get("store"):
        tags.add(store_tag(request.GET["store"]))
    return tags


def _product_detail_tags(request: HttpRequest, match: ResolverMatch) -> set[str]:
    # Only when the page is built (a 200 for an active product): one small query.
    product_id = (
        Product.objects.filter(slug=match.kwargs["slug"])
        .values_list("pk", flat=True)
        .first()
    )
    return {product_tag(product_id) if product_id else PRODUCTS, STORES}


def _store_list_tags(request: HttpRequest, match: ResolverMatch) -> set[str]:
    return {STORES, STOCK}


def _store_detail_tags(request: HttpRequest, match: ResolverMatch) -> set[str]:
    return {STORES, PRODUCTS, store_tag(match.kwargs["code"])}


CATALOG_CACHED_PAGES = [
    CachedPage(
        url_name="catalog:product_list",
        tags=_product_list_tags,
        # `after`/`before`: the keyset cursors of its pages (comptoir/keyset.py).
        query_params={"tag", "store", "sort", "page", "after", "before"},
    ),
    CachedPage(
        url_name="catalog:product_detail",
        tags=_product_detail_tags,
        # It reads none itself; the panels' apps add theirs (reviews' filters).
    ),
    CachedPage(
        url_name="catalog:store_list", tags=_store_list_tags, query_params={"page"}
    ),
    CachedPage(
        url_name="catalog:store_detail",
        tags=_store_detail_tags,
        query_params={"page"},
    ),
]
