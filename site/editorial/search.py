"""Articles in the site search (registered in wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from comptoir.search import SearchSection

from .selectors import search_articles


class ArticlesSection(SearchSection):
    key = "articles"
    label = _("Articles")
    order = 100
    result_template = "editorial/includes/article_search_result.html"
    see_all = ngettext_lazy("See the article", "See all %(count)s articles", "count")

    def search(self, query: str):
        return search_articles(query=query)
