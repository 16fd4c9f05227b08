"""Ideas in the site search and the sitemap (registered in wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from comptoir.search import SearchSection
from comptoir.sitemaps import ModelSitemap

from .selectors import idea_search, listed_ideas


class IdeasSection(SearchSection):
    key = "ideas"
    label = _("Product ideas")
    order = 260  # after products (200), before stores (300)
    result_template = "ideas/includes/idea_search_result.html"
    see_all = ngettext_lazy("See the idea", "See all %(count)s ideas", "count")

    def search(self, query: str):
        return idea_search(query=query)


class IdeasSitemap(ModelSitemap):
    """Public ideas' pages (merged duplicates redirect: not listed)."""

    changefreq = "daily"

    def items(self):
        return (
            listed_ideas()
            .only("pk", "title", "state_changed_at", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, idea):
        return max(idea.updated_at, idea.state_changed_at)
