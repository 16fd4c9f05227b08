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

from comptoir.page_cache import (
    CachedPage,
    page_query_key,
    page_registered_tags,
)

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


# Where the product page notes the product it shows (`product_page_tags`).
_SHOWN_PRODUCT_ATTR = "catalog_product_shown_id"
_PAGE_TAGS_ATTR = "catalog_product_page_tags"
PRODUCT_DETAIL = "catalog:product_detail"


def _product_detail_tags(request: HttpRequest, match: ResolverMatch) -> set[str]:
    # Only when the page is built (a 200 for an active product): one small query,
    # none when the view already said which product it showed.
    product_id = getattr(request, _SHOWN_PRODUCT_ATTR, None)
    if product_id is None:
        product_id = (
            Product.objects.filter(slug=match.kwargs["slug"])
            .values_list("pk", flat=True)
            .first()
        )
    return {product_tag(product_id) if product_id else PRODUCTS, STORES}


def product_page_tags(request: HttpRequest, product) -> frozenset[str]:
    """Every tag of `product`'s page, as the page cache would store it: the
    catalog's and those the panels' apps register for "catalog:product_detail"
    (member profiles, forum categories…).

    The page's shared fragments are kept under them, so whatever forgets the
    visitors' copy of the page forgets the members' fragments too. Read once
    per request.
    """
    tags = getattr(request, _PAGE_TAGS_ATTR, None)
    if tags is None:
        setattr(request, _SHOWN_PRODUCT_ATTR, product.pk)
        match = getattr(request, "resolver_match", None)
        found = page_registered_tags(request, PRODUCT_DETAIL, match)
        # A page reached another way (a test's view call) still has its own tags.
        found.update(_product_detail_tags(request, match))
        tags = frozenset(found)
        setattr(request, _PAGE_TAGS_ATTR, tags)
    return tags


def product_page_query(request: HttpRequest) -> str | None:
    """The product page's query string in a fixed order, as a key part of the
    fragments that show it (the reviews' filters and page, in links and JSON-LD);
    None when it carries a key no registration reads, a repeated one or an
    overlong value: such a page is built without keeping its fragments (as the
    page cache does not keep it), or each value would be one more copy."""
    return page_query_key(request, PRODUCT_DETAIL)


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
        url_name=PRODUCT_DETAIL,
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
