"""Sections registered at the search plug-in point (comptoir/search.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import ngettext_lazy
from wagtail import hooks

from comptoir.search import SEARCH_SECTION_HOOK, SearchSection, search_sections
from marketplace.catalog.models import Product
from tests.factories import ProductFactory, StoreFactory
from tests.marketplace.catalog.conftest import use_templates

pytestmark = pytest.mark.django_db


class BargainsSection(SearchSection):
    """Products under €10 whose name holds the query, cheapest first."""

    key = "bargains"
    label = "Petits prix"
    order = 250  # between products (200) and stores (300)
    result_template = "tests/bargain_result.html"
    see_all = ngettext_lazy("See the bargain", "See all %(count)s bargains", "count")

    def search(self, query):
        return Product.objects.filter(
            active=True, price_cents__lt=1000, name__icontains=query
        ).order_by("price_cents", "id")


RESULT_TEMPLATES = {
    "tests/bargain_result.html": (
        '<p class="bargain">{{ item.name }} à {{ item.price_cents }} c</p>'
    )
}


@pytest.fixture
def bargains(settings, tmp_path):
    use_templates(settings, tmp_path, RESULT_TEMPLATES)
    with hooks.register_temporarily(SEARCH_SECTION_HOOK, BargainsSection):
        yield


def test_a_registered_section_shows_its_results_in_its_order(client, bargains):
    # given cheap and dearer products and a store, all matching "arrosoir"
    for number in range(7):
        ProductFactory(name=f"Arrosoir {number}", price_cents=500 + number)
    ProductFactory(name="Arrosoir de luxe", price_cents=8900)
    StoreFactory(code="arrosoir", name="Comptoir Arrosoir")

    # when a visitor searches
    response = client.get("/search/", {"q": "arrosoir"})

    # then the section sits between products and stores, with its first results
    html = response.content.decode()
    assert [section["key"] for section in response.context["sections"]] == [
        "articles",
        "products",
        "bargains",
        "ideas",
        "stores",
        "reviews",
        "forum",
        "resale",
    ]
    assert (
        html.index('id="results-products"')
        < html.index('id="results-bargains"')
        < html.index('id="results-stores"')
    )
    assert 'Petits prix <span class="count muted">(7)</span>' in html
    assert html.count('<p class="bargain">') == 5
    assert '<p class="bargain">Arrosoir 0 à 500 c</p>' in html
    assert "Arrosoir de luxe à" not in html
    assert "See all 7 bargains" in html
    assert 'href="?q=arrosoir&amp;type=bargains"' in html


def test_a_registered_section_can_be_browsed_alone(client, bargains):
    for number in range(25):
        ProductFactory(name=f"Arrosoir {number}", price_cents=500 + number)

    page_two = client.get("/search/", {"q": "arrosoir", "type": "bargains", "page": 2})

    html = page_two.content.decode()
    assert [section["key"] for section in page_two.context["sections"]] == ["bargains"]
    assert html.count('<p class="bargain">') == 5
    assert "Page 2 of 2" in html


def test_two_sections_with_one_key_are_refused():
    with hooks.register_temporarily(SEARCH_SECTION_HOOK, BargainsSection):
        with hooks.register_temporarily(SEARCH_SECTION_HOOK, lambda: BargainsSection()):
            with pytest.raises(ImproperlyConfigured):
                search_sections()
