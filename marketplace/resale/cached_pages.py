"""The second-hand pages in the page cache (comptoir/page_cache.py) and their tags.

A visitor who is not logged in gets /resale/ and a public listing's page from the
cache; a member never does (the middleware skips sessions), so nothing of a
member's own (their name in the header, the offer and reserve forms, the seller's
buttons) is ever stored. A listing that is not public answers `private`: never
stored either.

- `services.LISTINGS_TAG`: every list of listings; `services.listing_tag(id)`: one
  listing's page (both forgotten by `services.listing_changed`);
- `services.seller_tag(id)`: what each listing page shows of its seller, their
  published ratings and sales count (ratings.py, a sale);
- `MEMBER_PROFILES`: sellers' and raters' names;
- the catalog's `STORES` (the filters' and hand-off stores' names) and
  `product_tag(id)` (a listing's product: its name, price and stock in the stores;
  the list filtered by it).

Registered in `wagtail_hooks.py`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import ResolverMatch

from comptoir.page_cache import MEMBER_PROFILES
from marketplace.catalog.cached_pages import STORES, product_tag

from .services import LISTINGS_TAG, listing_tag, seller_tag

# What /resale/ reads (forms.ListingFilterForm) and its keyset cursors
# (comptoir/keyset.py).
LIST_QUERY_PARAMS = frozenset(
    {
        "q",
        "tag",
        "condition",
        "min_price",
        "max_price",
        "store",
        "with_product",
        "product",
        "sort",
        "near",
        "page",
        "after",
        "before",
    }
)


def list_tags(request: HttpRequest, match: ResolverMatch) -> set[str]:
    from .selectors import filter_product

    tags = {LISTINGS_TAG, MEMBER_PROFILES, STORES}
    # Filtered by a product, the page names it: one small query, when built.
    product = filter_product(sku=request.GET.get("product", ""))
    if product is not None:
        tags.add(product_tag(product.pk))
    return tags


def detail_tags(request: HttpRequest, match: ResolverMatch) -> set[str]:
    from .models import Listing

    listing_id = int(match.kwargs["pk"])
    tags = {listing_tag(listing_id), MEMBER_PROFILES, STORES}
    # Only when the page is built (a 200 for a public listing): one small query.
    row = (
        Listing.objects.filter(pk=listing_id)
        .values_list("seller_id", "product_id")
        .first()
    )
    if row is not None:
        seller_id, product_id = row
        tags.add(seller_tag(seller_id))
        if product_id:
            tags.add(product_tag(product_id))
    return tags
