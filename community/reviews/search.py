"""Reviews in the site search (registered in wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from comptoir.search import SearchSection

from .selectors import review_search


class ReviewsSection(SearchSection):
    key = "reviews"
    label = _("Reviews")
    order = 400  # after stores (300): what members write comes after the shop
    result_template = "reviews/includes/review_search_result.html"
    see_all = ngettext_lazy("See the review", "See all %(count)s reviews", "count")

    def search(self, query: str):
        return review_search(query=query)
