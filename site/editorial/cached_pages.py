"""The editorial pages in the page cache (comptoir/page_cache.py).

Every Wagtail page's entry already carries `pages` (forgotten at each publish,
unpublish, move or deletion) and its own `page:<id>`. These add the catalog's
products a page shows as cards, so a price or a product going inactive updates
the home page and the articles featuring it.

Members never get the page cache, so the home page's and an article's shared HTML
is kept as fragments under the same tags (`home_page_tags`, `article_page_tags`,
given to comptoir's `{% fragment_by_tags %}` in the templates): the invalidation
that forgets the visitors' copy forgets the members' one too.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from comptoir.fragments import FRAGMENT_TIMEOUT
from comptoir.page_cache import PAGES, CachedPage, page_cache_tags_version, page_tag
from marketplace.catalog.cached_pages import product_tag

from .models import ArticleIndexPage, ArticlePage, HomeFeaturedProduct, HomePage


def _featured_product_ids(home: HomePage) -> list[int]:
    # Asked at every request (the page's fragment is keyed by these tags), so kept
    # in the cache: editors change the choice only by publishing the home page,
    # which forgets `pages`. Read under the version seen before the query, so ids
    # read just before a publish are stored where no one looks.
    version = page_cache_tags_version(PAGES, page_tag(home.pk))
    key = f"editorial:home-featured-products:{home.pk}:{version}"
    product_ids = cache.get(key) if version is not None else None
    if product_ids is None:
        product_ids = list(
            HomeFeaturedProduct.objects.filter(page=home).values_list(
                "product_id", flat=True
            )
        )
        if version is not None:
            cache.set(key, product_ids, timeout=FRAGMENT_TIMEOUT)
    return product_ids


def _home_tags(request: HttpRequest | None, home: HomePage) -> set[str]:
    return {product_tag(product_id) for product_id in _featured_product_ids(home)}


def _article_tags(request: HttpRequest | None, article: ArticlePage) -> set[str]:
    # The stream's stored values: the products' ids without loading them.
    return {
        product_tag(block["value"]["product"])
        for block in article.body.raw_data
        if block["type"] == "product_card" and block["value"].get("product")
    }


def home_page_tags(home: HomePage) -> set[str]:
    """Every tag of the home page's entry in the page cache: `pages`, its own
    `page:<id>` and its featured products'."""
    return {PAGES, page_tag(home.pk), *_home_tags(None, home)}


def article_page_tags(article: ArticlePage) -> set[str]:
    """Every tag of an article's entry in the page cache: `pages`, its own
    `page:<id>` and the products its body shows as cards."""
    return {PAGES, page_tag(article.pk), *_article_tags(None, article)}


EDITORIAL_CACHED_PAGES = [
    CachedPage(page_type=HomePage, tags=_home_tags),
    CachedPage(page_type=ArticleIndexPage, query_params={"tag", "page"}),
    CachedPage(page_type=ArticlePage, tags=_article_tags),
]
