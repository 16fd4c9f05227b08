"""Sales in a member's data: exported in cents; erasure forgets who bought.

Run on SQLite and PostgreSQL: the erasure is the one change ever made to a
recorded sale event.
"""

import pytest
from django.db.models import Sum

from marketplace.sales.member_data import sale_events_erase, sale_events_export
from marketplace.sales.models import SaleEvent
from tests.factories import MemberFactory

from .test_sale_events_ingest import event, refund


@pytest.fixture
def lea(db):
    return MemberFactory(email="lea@example.fr", loyalty_card_number="CARD7")


@pytest.fixture
def bought(post, product, store, lea):
    """Léa's sale by card, her sale by e-mail (refunded), and a stranger's sale."""
    response = post(
        "/sales/bulk",
        {
            "events": [
                event("A", customer_ref="CARD7", amount_cents=2_500),
                event("B", customer_ref="Lea@Example.fr", channel="online", store=None),
                refund("B-R", "B", amount_cents=1_999, customer_ref="lea@example.fr"),
                event("C", customer_ref="other@example.fr", amount_cents=4_000),
            ]
        },
    )
    assert response.json()["errors"] == []


def net_by_product():
    return list(
        SaleEvent.objects.order_by("product_id")
        .values_list("product_id")
        .annotate(net=Sum("net_cents"))
    )


def test_the_export_lists_the_member_s_sales_and_refunds_in_cents(bought, lea):
    # when Léa's purchases are exported
    purchases = sale_events_export(lea)
    # then her sales and refund are there, oldest first, and not the stranger's
    keys = ("id", "kind", "amount_cents", "net_cents", "store", "channel")
    assert [tuple(p[key] for key in keys) for p in purchases] == [
        ("A", "sale", 2_500, 2_500, "lyon-part-dieu", "store"),
        ("B", "sale", 1_999, 1_999, None, "online"),
        ("B-R", "refund", 1_999, -1_999, "lyon-part-dieu", "store"),
    ]
    assert purchases[0]["sku"] == "SEC-100"
    assert purchases[0]["occurred_at"].isoformat() == "2025-03-01T13:30:00+00:00"


def test_erasure_forgets_the_customer_and_keeps_every_amount(bought, lea):
    # given the net revenue before
    before = net_by_product()
    amounts = sorted(SaleEvent.objects.values_list("external_id", "amount_cents"))
    # when Léa's data is erased
    forgotten = sale_events_erase(lea)
    # then her events no longer say who bought, the stranger's still does
    assert forgotten == 3
    refs = dict(SaleEvent.objects.values_list("external_id", "customer_ref"))
    assert refs == {"A": "", "B": "", "B-R": "", "C": "other@example.fr"}
    assert not SaleEvent.objects.filter(member=lea).exists()
    assert sale_events_export(lea) == []
    # and not one amount or sum moved
    assert sorted(SaleEvent.objects.values_list("external_id", "amount_cents")) == (
        amounts
    )
    assert net_by_product() == before
