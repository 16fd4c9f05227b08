"""Site search: what each app adds to it (docs/architecture.md, point 4).

The search page (site/editorial) knows no kind of content. Each app that has
something to find registers one `SearchSection` in its `wagtail_hooks.py`:

    @hooks.register(SEARCH_SECTION_HOOK)
    def products_search_section():
        return ProductsSection()

and searches with `full_text_search`, so every section reads a query the same way.
"""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.search.backends import get_search_backend

SEARCH_SECTION_HOOK = "register_search_section"
WORD = re.compile(r"\w+")


class SearchSection:
    """One kind of result on the search page, e.g. products.

    `key` is the section's `type` in the page's query string (one registration per
    key) and `label` its heading; sections show in `order`, lower first (default
    100). `search(query)` returns a queryset or Wagtail search results, best first,
    that the page counts and slices (so it must not be a list). `result_template`
    renders one result, `item`, inside the section's list. `see_all` is the link
    from the overview to the section's results, singular and plural, counted by
    `count`: `ngettext_lazy("See the product", "See all %(count)s products",
    "count")`.
    """

    key: str = ""
    label: str = ""
    order: int = 100
    result_template: str = ""
    see_all = ngettext_lazy("See the result", "See all %(count)s results", "count")

    def search(self, query: str):
        """The results for a visitor's query (already trimmed, never empty)."""
        raise NotImplementedError

    def results_for(self, request, items: list) -> list:
        """The shown results, made ready for one visitor: a section may attach
        what depends on who is looking (a member's "Reserve" link) to the page's
        items at once, in a fixed number of queries. Unchanged by default."""
        return items

    def more_label(self, count: int) -> str:
        """The link from the overview to all `count` results of the section."""
        return self.see_all % {"count": count}


def search_sections() -> list[SearchSection]:
    """The registered sections, in page order (then by key)."""
    sections = [register() for register in hooks.get_hooks(SEARCH_SECTION_HOOK)]
    keys = [section.key for section in sections]
    if not all(keys) or len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"Every search section needs its own key: {keys!r}.")
    return sorted(sections, key=lambda section: (section.order, section.key))


def search_terms(query: str) -> str:
    """The words of a query, without what full-text engines would read as syntax.

    Quotes, stars, brackets and the like break SQLite's MATCH and PostgreSQL's
    tsquery, and a shop search has no use for them.
    """
    return " ".join(WORD.findall(query))


def full_text_search(queryset: QuerySet, query: str):
    """The rows of `queryset` that hold every word of `query`, best match first.

    No words (only punctuation, say) is no results, not every row.
    """
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    # Every word must match: "tuteur tomates" should not list every tomato.
    return get_search_backend().search(terms, queryset, operator="and")
