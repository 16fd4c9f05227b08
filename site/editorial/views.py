"""Site search: articles, products and stores on one page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import selectors

MAX_QUERY_LENGTH = 200
# On the overview each section shows a few results and links to the rest.
OVERVIEW_LIMIT = 5
PER_PAGE = 20

SECTIONS = {
    "articles": (_("Articles"), selectors.search_articles),
    "products": (_("Products"), selectors.search_products),
    "stores": (_("Stores"), selectors.search_stores),
}


def _more_label(key: str, count: int) -> str:
    if key == "articles":
        return ngettext("See the article", "See all %(count)s articles", count) % {
            "count": count
        }
    if key == "products":
        return ngettext("See the product", "See all %(count)s products", count) % {
            "count": count
        }
    return ngettext("See the store", "See all %(count)s stores", count) % {
        "count": count
    }


def search(request):
    """One query over three kinds of content; `type` narrows it to one, paginated."""
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    only = request.GET.get("type", "")
    if only not in SECTIONS:
        only = ""

    sections = []
    if query:
        for key, (label, search_for) in SECTIONS.items():
            if only and key != only:
                continue
            results = search_for(query=query)
            if only:
                page_obj = Paginator(results, PER_PAGE).get_page(
                    request.GET.get("page")
                )
                items, count = page_obj.object_list, page_obj.paginator.count
            else:
                page_obj = None
                count = results.count()
                items = list(results[:OVERVIEW_LIMIT]) if count else []
            sections.append(
                {
                    "key": key,
                    "label": label,
                    "count": count,
                    "items": items,
                    "page_obj": page_obj,
                    "has_more": page_obj is None and count > len(items),
                    "more_label": _more_label(key, count),
                }
            )

    return render(
        request,
        "editorial/search.html",
        {
            "search_query": query,
            "only": only,
            "sections": sections,
            "total": sum(section["count"] for section in sections),
        },
    )
