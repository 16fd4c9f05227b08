"""The editorial pages in the page cache (comptoir/page_cache.py).

Every Wagtail page's entry already carries `pages` (forgotten at each publish,
unpublish, move or deletion) and its own `page:<id>`. These add the catalog's
products a page shows as cards, so a price or a product going inactive updates
the home page and the articles featuring it.
"""

from __future__ import annotations

from django.http import HttpRequest

from comptoir.page_cache import CachedPage
from marketplace.catalog.cached_pages import product_tag

from .models import ArticleIndexPage, ArticlePage, HomeFeaturedProduct, HomePage


def _home_tags(request: HttpRequest, home: HomePage) -> set[str]:
    # Only when the page is built: one small query.
    product_ids = HomeFeaturedProduct.objects.filter(page=home).values_list(
        "product_id", flat=True
    )
    return {product_tag(product_id) for product_id in product_ids}


def _article_tags(request: HttpRequest, article: ArticlePage) -> set[str]:
    # The stream's stored values: the products' ids without loading them.
    return {
        product_tag(block["value"]["product"])
        for block in article.body.raw_data
        if block["type"] == "product_card" and block["value"].get("product")
    }


EDITORIAL_CACHED_PAGES = [
    CachedPage(page_type=HomePage, tags=_home_tags),
    CachedPage(page_type=ArticleIndexPage, query_params={"tag", "page"}),
    CachedPage(page_type=ArticlePage, tags=_article_tags),
]
