"""Site search: every registered section (articles, products, reviews…) on one page."""

from django.core.paginator import Paginator
from django.shortcuts import render

from comptoir.search import search_sections

MAX_QUERY_LENGTH = 200
# On the overview each section shows a few results and links to the rest.
OVERVIEW_LIMIT = 5
PER_PAGE = 20


def search(request):
    """One query over every section; `type` narrows it to one, paginated."""
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    registered = search_sections()
    only = request.GET.get("type", "")
    if only not in {section.key for section in registered}:
        only = ""

    sections = []
    if query:
        for section in registered:
            if only and section.key != only:
                continue
            results = section.search(query)
            if only:
                page_obj = Paginator(results, PER_PAGE).get_page(
                    request.GET.get("page")
                )
                items, count = page_obj.object_list, page_obj.paginator.count
            else:
                page_obj = None
                count = results.count()
                items = list(results[:OVERVIEW_LIMIT]) if count else []
            items = section.results_for(request, list(items))
            sections.append(
                {
                    "key": section.key,
                    "label": section.label,
                    "result_template": section.result_template,
                    "count": count,
                    "items": items,
                    "page_obj": page_obj,
                    "has_more": page_obj is None and count > len(items),
                    "more_label": section.more_label(count),
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
            # What the search looks in, for the field's hint: the registered kinds.
            "kinds": [section.label for section in registered],
        },
    )
