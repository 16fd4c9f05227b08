"""PostgreSQL keeps sale events append-only whatever program writes SQL to it:
only forgetting who bought is allowed, and nothing empties the sales tables."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from marketplace.sales.models import SaleEvent
from marketplace.sales.services import sale_events_forget_customer
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the guards are PostgreSQL triggers"
    ),
]


def run(sql, params=None):
    """One statement in a savepoint, from a session that did not ask to truncate."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL comptoir.allow_truncate = off")
        # PostgreSQL truncates no table with deferred checks pending (the test's
        # own inserts): run them now, as a commit would.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)


def refused(sql, params=None):
    with pytest.raises(DatabaseError, match="append-only"):
        run(sql, params)


@pytest.fixture
def sale(post, product, store):
    member = MemberFactory(email="lea@example.fr", loyalty_card_number="CARD-7")
    post(
        "/sales/bulk",
        {
            "events": [
                {
                    "id": "T1",
                    "type": "sale",
                    "sku": "SEC-100",
                    "quantity": 1,
                    "amount_cents": 1999,
                    "store": "lyon-part-dieu",
                    "channel": "store",
                    "customer_ref": "CARD-7",
                    "occurred_at": "2026-10-01T10:00:00Z",
                }
            ]
        },
    )
    event = SaleEvent.objects.get()
    assert event.member == member
    return event


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("amount_cents", 1),
        ("net_cents", 1),
        ("quantity", 9),
        ("kind", "refund"),
        ("external_id", "T2"),
        ("occurred_at", "2026-10-02T10:00:00Z"),
        ("received_at", "2026-10-02T10:00:00Z"),
        ("channel", "online"),
        ("customer_ref", "CARD-8"),
    ],
)
def test_a_sale_events_columns_cannot_change(sale, column, value):
    refused(f"UPDATE sales_saleevent SET {column} = %s WHERE id = %s", [value, sale.pk])
    sale.refresh_from_db()
    assert (sale.amount_cents, sale.customer_ref) == (1999, "CARD-7")


def test_a_sale_event_cannot_be_given_to_another_member(sale):
    other = MemberFactory()
    refused(
        "UPDATE sales_saleevent SET member_id = %s WHERE id = %s", [other.pk, sale.pk]
    )


def test_sale_events_cannot_be_deleted_or_truncated(sale):
    refused("DELETE FROM sales_saleevent WHERE id = %s", [sale.pk])
    # CASCADE: other tables point at sale events; even taking them along is refused.
    refused("TRUNCATE sales_saleevent CASCADE")
    refused("TRUNCATE sales_saleeventconflict")
    refused("TRUNCATE catalog_product CASCADE")
    assert SaleEvent.objects.count() == 1


def test_forgetting_the_customer_is_the_one_change_allowed(sale):
    # the service used by member-data erasure
    assert sale_events_forget_customer(member=sale.member) == 1
    sale.refresh_from_db()
    assert (sale.customer_ref, sale.member_id, sale.amount_cents) == ("", None, 1999)


def test_a_member_deleted_leaves_their_sales_unlinked(sale):
    # the member foreign key's SET NULL clears member_id alone
    sale.member.delete()
    sale.refresh_from_db()
    assert (sale.member_id, sale.customer_ref) == (None, "CARD-7")
