"""Bulk inserts use SQLite's real variable limit, inside the insert only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.db import sqlite_real_variable_limit
from marketplace.sales.models import SaleEvent
from marketplace.sales.services import sale_events_ingest
from tests.factories import ProductFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite's variable limit only"
    ),
]


def _rows(count):
    return [
        {
            "id": f"LIMIT-{n}",
            "type": "sale",
            "sku": "LIMIT-1",
            "quantity": 1,
            "amount_cents": 1999,
            "channel": "online",
            "occurred_at": "2026-10-10T10:00:00+02:00",
        }
        for n in range(count)
    ]


def test_a_thousand_events_go_in_with_one_insert_and_the_limit_is_put_back():
    # given Django's own figure for SQLite on this connection
    ProductFactory(sku="LIMIT-1")
    django_figure = connection.features.max_query_params
    # when a batch of 1,000 events is ingested
    with CaptureQueriesContext(connection) as queries:
        result = sale_events_ingest(client=None, rows=_rows(1000))
    # then they went in with one INSERT, not one per 66 events
    into = f'INTO "{SaleEvent._meta.db_table}"'
    inserts = [
        query
        for query in queries
        if query["sql"].startswith("INSERT") and into in query["sql"]
    ]
    assert result.created == 1000
    assert len(inserts) == 1
    # and every later query of the connection runs with Django's figure again
    assert connection.features.max_query_params == django_figure


def test_the_real_limit_is_put_back_even_when_the_block_fails():
    # given Django's figure
    django_figure = connection.features.max_query_params
    # when a block raises inside the helper
    with pytest.raises(RuntimeError), sqlite_real_variable_limit():
        assert connection.features.max_query_params > django_figure
        raise RuntimeError("insert failed")
    # then the figure is Django's again
    assert connection.features.max_query_params == django_figure
