"""Where the editorial app plugs into the rest of the site (docs/architecture.md)."""

from wagtail import hooks

from comptoir.page_cache import CACHED_PAGE_HOOK
from comptoir.search import SEARCH_SECTION_HOOK

from .cached_pages import EDITORIAL_CACHED_PAGES
from .search import ArticlesSection


@hooks.register(SEARCH_SECTION_HOOK)
def articles_search_section():
    return ArticlesSection()


@hooks.register(CACHED_PAGE_HOOK)
def editorial_cached_pages():
    return EDITORIAL_CACHED_PAGES
