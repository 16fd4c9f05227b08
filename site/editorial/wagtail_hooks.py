"""Where the editorial app plugs into the rest of the site (docs/architecture.md)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from comptoir.navigation import MAIN_NAV_HOOK, NavItem
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


@hooks.register(MAIN_NAV_HOOK)
def articles_nav_item():
    # The article index is a Wagtail page at this path (the demo's and the site's).
    return NavItem(label=_("Articles"), path="/articles/", order=10)
