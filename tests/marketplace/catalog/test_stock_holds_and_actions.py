"""Stock kept for someone and actions offered on it (catalog/holds.py, actions.py).

A fake hold keeps two units of every product in every store; a fake action offers
"Ask a question" next to every stock line and "Ask at your store" to members.
"""

import pytest
from django.db import connection
from django.db.models import IntegerField, Value
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from marketplace.catalog.actions import PRODUCT_ACTION_HOOK, ActionLink, ProductAction
from marketplace.catalog.holds import STOCK_HOLD_HOOK, StockHold
from marketplace.catalog.selectors import product_stock
from marketplace.catalog.services import product_stock_lines
from tests.factories import MemberFactory, ProductFactory, StockLevelFactory

pytestmark = pytest.mark.django_db


class TwoKept(StockHold):
    name = "two-kept"

    def held(self, product, store):
        return Value(2, output_field=IntegerField())


class AskAction(ProductAction):
    name = "ask"

    def stock_link(self, product, store):
        return ActionLink(
            label="Ask a question", url=f"/ask/{product.sku}/{store.code}/"
        )

    def member_links(self, request, products):
        return {
            product.pk: ActionLink(
                label="Ask at your store", url=f"/ask/{product.sku}/"
            )
            for product in products
        }


@pytest.fixture
def stocked(lyon, nantes):
    product = ProductFactory(name="Arrosoir 10 L", slug="arrosoir-10-l")
    StockLevelFactory(product=product, store=lyon, quantity=5)
    StockLevelFactory(product=product, store=nantes, quantity=1)
    return product


def test_what_is_held_is_not_shown_as_free(stocked):
    with hooks.register_temporarily(STOCK_HOLD_HOOK, TwoKept):
        stores = {store.code: store for store in product_stock(product_id=stocked.pk)}
        lines = {
            line["store"]: line["quantity"] for line in product_stock_lines(stocked.pk)
        }
    assert (stores["lyon-part-dieu"].on_hand, stores["lyon-part-dieu"].held) == (5, 2)
    assert stores["lyon-part-dieu"].quantity == 3
    # Held beyond what is on the shelf: nothing free, never a negative figure.
    assert stores["nantes-centre"].quantity == 0
    assert lines == {"lyon-part-dieu": 3, "nantes-centre": 0}


def test_the_product_page_shows_free_stock_in_one_stock_query(client, stocked):
    with hooks.register_temporarily(STOCK_HOLD_HOOK, TwoKept):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(stocked.get_absolute_url()).content.decode()
    assert "In stock at Lyon Part-Dieu now: 3" in html
    assert "Out of stock at Nantes Centre" in html
    stock_reads = [q["sql"] for q in queries if "catalog_stocklevel" in q["sql"]]
    assert len(stock_reads) == 1


def test_stock_line_actions_show_only_where_units_are_free(client, stocked):
    with hooks.register_temporarily(STOCK_HOLD_HOOK, TwoKept):
        with hooks.register_temporarily(PRODUCT_ACTION_HOOK, AskAction):
            html = client.get(stocked.get_absolute_url()).content.decode()
    # Both lines carry the link, so the live script can show it when units come
    # back; the line with nothing free keeps it hidden.
    assert f'href="/ask/{stocked.sku}/lyon-part-dieu/">' in html
    assert f'href="/ask/{stocked.sku}/nantes-centre/" hidden>' in html
    # Visitors get no member link.
    assert "Ask at your store" not in html


def test_member_links_show_on_the_page_and_in_search_results(client, stocked):
    client.force_login(MemberFactory())
    with hooks.register_temporarily(PRODUCT_ACTION_HOOK, AskAction):
        page = client.get(stocked.get_absolute_url()).content.decode()
        results = client.get("/search/", {"q": "arrosoir"}).content.decode()
    assert f'href="/ask/{stocked.sku}/">Ask at your store' in page
    assert f'href="/ask/{stocked.sku}/">Ask at your store' in results


def test_search_results_offer_visitors_no_member_link(client, stocked):
    with hooks.register_temporarily(PRODUCT_ACTION_HOOK, AskAction):
        results = client.get("/search/", {"q": "arrosoir"}).content.decode()
    assert "Arrosoir 10 L" in results
    assert "Ask at your store" not in results
