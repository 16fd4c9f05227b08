"""Where the editorial app plugs into the rest of the site (docs/architecture.md)."""

from wagtail import hooks

from comptoir.search import SEARCH_SECTION_HOOK

from .search import ArticlesSection


@hooks.register(SEARCH_SECTION_HOOK)
def articles_search_section():
    return ArticlesSection()
