import pytest
from django.urls import reverse

from marketplace.sales.models import SaleEvent
from marketplace.sales.services import sale_events_ingest
from tests.factories import MemberFactory, ProductFactory, StoreFactory


@pytest.fixture
def admin_client(client, db):
    admin = MemberFactory(email="admin@comptoir.example", is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def url(name, *args):
    return reverse(f"wagtailsnippets_sales_saleevent:{name}", args=args)


def push(count, kind="sale"):
    ProductFactory(sku="SEC-100")
    StoreFactory(code="lyon")
    rows = [
        {
            "id": f"{kind}-{i}",
            "type": kind,
            "sku": "SEC-100",
            "quantity": 1,
            "amount_cents": 1999,
            "store": "lyon",
            "channel": "store",
            "occurred_at": "2025-03-01T10:00:00Z",
            **({"refund_of": f"sale-{i}"} if kind == "refund" else {}),
        }
        for i in range(count)
    ]
    sale_events_ingest(client=None, rows=rows)


def test_list_filters_by_kind(admin_client):
    push(3)
    push(2, kind="refund")
    response = admin_client.get(url("list"), {"kind": "refund"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "refund-1" in html and "sale-1" not in html


def test_events_cannot_be_added_edited_or_deleted_from_the_admin(admin_client):
    push(1)
    event = SaleEvent.objects.get()
    assert admin_client.get(url("add")).status_code in (302, 403)
    assert admin_client.get(url("edit", event.pk)).status_code in (302, 403)
    admin_client.post(url("delete", event.pk))
    assert SaleEvent.objects.filter(pk=event.pk).exists()
    assert admin_client.get(url("inspect", event.pk)).status_code == 200


def test_list_query_count_does_not_grow_with_rows(
    admin_client, django_assert_max_num_queries
):
    push(5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        admin_client.get(url("list"))
    rows = [
        {
            "id": f"big-{i}",
            "type": "sale",
            "sku": "SEC-100",
            "quantity": 1,
            "amount_cents": 5,
            "store": "lyon",
            "channel": "store",
            "customer_ref": f"m{i % 5}@example.com",
            "occurred_at": "2025-03-01T10:00:00Z",
        }
        for i in range(60)
    ]
    for i in range(5):
        MemberFactory(email=f"m{i}@example.com")
    sale_events_ingest(client=None, rows=rows)
    with django_assert_max_num_queries(len(small)):
        admin_client.get(url("list"))
