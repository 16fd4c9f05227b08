"""Refunds whose sale has not arrived count in no net revenue until it does; the
close settles them then, and tells the rewards managers of those waiting too long."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from community.notifications.models import Notification
from rewards.models import Period
from rewards.selectors import wallet_summary
from rewards.services import period_close, product_originators_set
from tests.factories import MemberFactory

from .conftest import at, ingest, member_joined, sale_row

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
NOV = dt.date(2026, 11, 1)


def refund_row(amount, when, sale_id, *, event_id=None, sku="PLANTER-1"):
    return sale_row(
        sku, amount, when, kind="refund", refund_of=sale_id, event_id=event_id
    )


def received_on(day: dt.datetime, rows):
    """Ingest `rows` as if they arrived on `day` (their received time)."""
    with time_machine.travel(day, tick=False):
        ingest(rows)


def test_an_orphan_refund_counts_once_its_sale_arrives_after_the_close(product):
    # given October: a €1,000.00 sale, and a €300.00 refund of a sale not yet sent
    alice = member_joined()
    product_originators_set(product=product, shares={alice: 10_000})
    ingest(
        [
            sale_row("PLANTER-1", 100_000, at(2026, 10, 5)),
            refund_row(30_000, at(2026, 10, 20), "TK-LATE"),
        ]
    )
    # when October is closed, the refund is left out: 1 % of €1,000.00
    october, _ = period_close(month=OCT)
    assert october.net_cents == 100_000
    assert wallet_summary(member_id=alice.pk).pending_cents == 1000
    # and when its €500.00 sale of October arrives after that close
    ingest([sale_row("PLANTER-1", 50_000, at(2026, 10, 10), event_id="TK-LATE")])
    november, _ = period_close(month=NOV, now=at(2026, 12, 1, 9))
    # then November settles both as October's late events: 1 % of €200.00
    assert november.late_net_cents == 20_000
    assert wallet_summary(member_id=alice.pk).pending_cents == 1000 + 200


def test_a_refund_of_an_earlier_month_waiting_for_its_sale_is_settled_late(product):
    # given a September refund received before September's close, sale unsent
    alice = member_joined()
    product_originators_set(product=product, shares={alice: 10_000})
    ingest(
        [
            sale_row("PLANTER-1", 100_000, at(2026, 9, 5)),
            refund_row(20_000, at(2026, 9, 25), "TK-9"),
        ]
    )
    period_close(month=dt.date(2026, 9, 1))
    # when the sale arrives in October and October is closed
    ingest([sale_row("PLANTER-1", 60_000, at(2026, 9, 20), event_id="TK-9")])
    october, _ = period_close(month=OCT)
    # then September's late net is the sale less its refund, counted once
    assert october.late_net_cents == 40_000
    assert wallet_summary(member_id=alice.pk).pending_cents == 1000 + 400
    # and a replayed close adds nothing
    period_close(month=OCT)
    assert wallet_summary(member_id=alice.pk).pending_cents == 1400


@override_settings(REWARDS_ORPHAN_REFUND_DAYS=14)
def test_the_close_tells_managers_of_refunds_waiting_too_long(
    product, manager, django_capture_on_commit_callbacks
):
    # given a refund waiting for its sale since October 20th, one since yesterday
    received_on(
        at(2026, 10, 20), [refund_row(4_990, at(2026, 10, 19), "TK-OLD", event_id="R1")]
    )
    received_on(
        at(2026, 11, 22), [refund_row(1_000, at(2026, 10, 30), "TK-NEW", event_id="R2")]
    )
    member = MemberFactory()
    # when October is closed on November 23rd
    with django_capture_on_commit_callbacks(execute=True):
        period_close(month=OCT)
    # then each rewards manager is told of the old one, by a notification and a
    # mail; members are told nothing
    notice = Notification.objects.get(kind="rewards_orphan_refunds")
    assert notice.recipient == manager
    assert notice.title == ("1 refund has waited for its sale for more than 14 days")
    assert "€49.90" in notice.body
    assert notice.url == "/admin/rewards/orphan-refunds/"
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert not Notification.objects.filter(recipient=member).exists()
    # and a replayed close tells nobody again
    period_close(month=OCT)
    assert Notification.objects.filter(kind="rewards_orphan_refunds").count() == 1


def test_no_notice_when_every_refund_has_its_sale(product, manager):
    ingest(
        [
            sale_row("PLANTER-1", 10_000, at(2026, 10, 5), event_id="S1"),
            refund_row(10_000, at(2026, 10, 6), "S1"),
        ]
    )
    period_close(month=OCT)
    assert not Notification.objects.filter(kind="rewards_orphan_refunds").exists()


def test_managers_see_which_sales_are_missing(client, product, manager):
    # given an old orphan refund and a young one
    received_on(
        at(2026, 10, 1), [refund_row(4_990, at(2026, 9, 30), "TK-OLD", event_id="R1")]
    )
    ingest([refund_row(1_000, at(2026, 11, 20), "TK-NEW", event_id="R2")])
    client.force_login(manager)
    # then the closed months page points to them
    periods = client.get("/admin/rewards/").content.decode()
    assert "1 refund has waited for its sale for more than 14 days" in periods
    # and the list names the missing sale of the old one, all of them on demand
    listing = client.get("/admin/rewards/orphan-refunds/").content.decode()
    assert "TK-OLD" in listing and "TK-NEW" not in listing
    every = client.get("/admin/rewards/orphan-refunds/?all=1").content.decode()
    assert "TK-OLD" in every and "TK-NEW" in every


def test_the_list_query_count_does_not_grow_with_refunds(client, product, manager):
    client.force_login(manager)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/rewards/orphan-refunds/?all=1").status_code == 200
        return len(captured)

    ingest([refund_row(100, at(2026, 11, 1), "TK-0", event_id="R-0")])
    few = queries()
    ingest(
        [
            refund_row(100, at(2026, 11, 1), f"TK-{n}", event_id=f"R-{n}")
            for n in range(1, 40)
        ]
    )
    assert queries() == few
    assert Period.objects.count() == 0
