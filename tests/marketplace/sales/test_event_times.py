"""An event's time says its offset and falls in a sane window: from 2000 to a day
ahead of now. Anything else is a row error naming `occurred_at`."""

import datetime as dt

import pytest
from django.utils import timezone

from marketplace.sales.models import SaleEvent


def event(event_id, occurred_at):
    return {
        "id": event_id,
        "type": "sale",
        "sku": "SEC-100",
        "quantity": 1,
        "amount_cents": 1999,
        "channel": "online",
        "occurred_at": occurred_at,
    }


@pytest.mark.parametrize(
    ("occurred_at", "message"),
    [
        (
            "2026-11-02T10:15:00",
            "Must give its offset from UTC, e.g. 2025-03-01T14:30:00+01:00 or "
            "2025-03-01T13:30:00Z.",
        ),
        ("1999-12-31T23:59:59Z", "Must be on 2000-01-01 or later."),
        (
            "0001-01-01T00:00:00+14:00",
            "Must be an ISO 8601 date and time, e.g. 2025-03-01T14:30:00+01:00.",
        ),
        ("+26 days", "Cannot be more than a day in the future."),
        ("9999-12-31T23:59:59Z", "Cannot be more than a day in the future."),
    ],
    ids=["no offset", "before 2000", "year 1 ahead of UTC", "next month", "year 9999"],
)
def test_times_outside_the_window_are_row_errors(post, product, occurred_at, message):
    if occurred_at.startswith("+"):
        days = int(occurred_at.split()[0])
        occurred_at = (timezone.now() + dt.timedelta(days=days)).isoformat()
    response = post("/sales/bulk", {"events": [event("T1", occurred_at)]})
    assert response.status_code == 200
    assert response.json()["errors"] == [
        {"index": 0, "id": "T1", "errors": {"occurred_at": message}}
    ]
    assert not SaleEvent.objects.exists()


def test_the_edges_of_the_window_are_accepted(post, product):
    # a till a little ahead of the server, and the first instant of 2000 in Paris
    ahead = (timezone.now() + dt.timedelta(hours=23)).isoformat()
    response = post(
        "/sales/bulk",
        {
            "events": [
                event("AHEAD", ahead),
                event("Y2K", "2000-01-01T00:00:00Z"),
            ]
        },
    )
    assert response.json()["created"] == 2
