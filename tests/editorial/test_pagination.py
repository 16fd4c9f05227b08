"""The one pagination template every paginated list includes."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def pagination_html(query: str, number: int, **options) -> str:
    request = RequestFactory().get(f"/list/?{query}")
    context = {"page_obj": Paginator(range(60), 20).get_page(number), **options}
    return render_to_string("includes/pagination.html", context, request=request)


def test_links_keep_the_query_and_change_the_page():
    # given the middle page of a filtered list
    html = pagination_html("tag=jardin&page=2", 2)

    # then both links keep the filter, and the page says where it is
    assert '<a rel="prev" href="?tag=jardin&amp;page=1">Previous page</a>' in html
    assert '<a rel="next" href="?tag=jardin&amp;page=3">Next page</a>' in html
    assert "Page 2 of 3" in html
    assert 'aria-label="Pages"' in html


def test_admin_lists_page_with_p_and_style_their_links():
    # given a Wagtail admin list, which pages with ?p= and styles links as buttons
    html = pagination_html(
        "q=dupont&p=2", 2, param="p", link_class="button button-small", label="Payouts"
    )

    assert '<a class="button button-small" rel="next" href="?q=dupont&amp;p=3">' in html
    assert 'href="?q=dupont&amp;p=1"' in html
    assert "page=" not in html
    assert 'aria-label="Payouts"' in html


def test_a_single_page_shows_no_pagination():
    html = pagination_html("", 1, page_obj=Paginator(range(5), 20).get_page(1))

    assert html.strip() == ""
