"""PostgreSQL itself protects the money rows, whatever program writes SQL to it:
each forbidden statement is refused, and what the services do still passes."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from rewards.ledger import member_account_ids, system_account_id, transactions_write
from rewards.models import Account, LedgerTransaction, Payout, Period
from rewards.services import (
    payout_approve,
    payout_request,
    period_close,
    product_originators_set,
    rewards_release,
)
from tests.factories import MemberFactory

from .conftest import at, ingest, member_joined, sale_row

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the guards are PostgreSQL triggers"
)

OCT = dt.date(2026, 10, 1)


def run(sql, params=None, *, truncate_allowed=False):
    """Run one statement in a savepoint, as a session that did not ask to truncate
    (the test settings let Django's own test flushes truncate)."""
    with transaction.atomic(), connection.cursor() as cursor:
        allowed = "on" if truncate_allowed else "off"
        cursor.execute(f"SET LOCAL comptoir.allow_truncate = {allowed}")
        # The test's own inserts leave deferred checks pending, and PostgreSQL
        # truncates no table with pending checks: run them now, as a commit would.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)


def refused(sql, params=None, match="refused|cannot change"):
    with pytest.raises(DatabaseError, match=match):
        run(sql, params)


@pytest.fixture
def earner(db, product):
    """A member paid €50.00 for October, released, who asked for a transfer."""
    member = member_joined()
    product_originators_set(product=product, shares={member: 10_000})
    ingest([sale_row("PLANTER-1", 500_000, at(2026, 10, 5))])
    period_close(month=OCT)
    return member


@pytest.fixture
def transfer(earner):
    rewards_release(now=timezone.now() + dt.timedelta(days=31))
    return payout_request(
        member=earner,
        method="transfer",
        amount_cents=2000,
        request_key="k1",
        iban="FR7630006000011234567890189",
        account_holder="Alice Martin",
    )


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_does_not_balance_is_refused_at_commit():
    # given a member's pending account and the programme's expense account
    member = member_joined()
    pending = member_account_ids([member.pk], Account.Kind.PENDING)[member.pk]
    expense = system_account_id(Account.Kind.EXPENSE)
    txn = LedgerTransaction.objects.create(
        idempotency_key="test:raw", kind=LedgerTransaction.Kind.ORIGINATOR
    )
    insert = (
        "INSERT INTO rewards_entry (transaction_id, account_id, amount_cents)"
        " VALUES (%s, %s, %s)"
    )
    # when one side is written, then the other, in one transaction: it commits
    # (the check waits for the commit, so the sides may come one at a time)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, [txn.pk, pending, 700])
        cursor.execute(insert, [txn.pk, expense, -700])
    # when a one-sided entry is written, alone or added to that old transaction
    for sides in ([(pending, 100)], [(pending, 100), (expense, -99)]):
        with pytest.raises(DatabaseError, match="does not balance"):
            with transaction.atomic(), connection.cursor() as cursor:
                for account, cents in sides:
                    cursor.execute(insert, [txn.pk, account, cents])
    # then the commit is refused and the ledger still sums to zero
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(amount_cents) FROM rewards_entry")
        assert cursor.fetchone() == (2, 0)
    # and the services' bulk writes still commit
    [written] = transactions_write(
        [
            (
                LedgerTransaction(
                    idempotency_key="test:bulk", kind=LedgerTransaction.Kind.ORIGINATOR
                ),
                [(pending, 5, None), (expense, -5, None)],
            )
        ]
    )
    assert LedgerTransaction.objects.filter(pk=written).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "table",
    [
        "rewards_entry",
        "rewards_ledgertransaction",
        "rewards_account",
        "rewards_carryforward",
        "rewards_period",
        "rewards_payout",
        "rewards_payoutbatch",
    ],
)
def test_truncating_a_money_table_is_refused(earner, table):
    refused(f"TRUNCATE {table} CASCADE", match="TRUNCATE on rewards_")
    assert Period.objects.count() == 1


@pytest.mark.django_db
def test_truncate_cascading_from_the_catalog_is_refused(earner):
    # the ledger and the sales point to products: emptying the catalog would
    # empty them too
    refused("TRUNCATE catalog_product CASCADE", match="TRUNCATE on")
    assert LedgerTransaction.objects.count() == 1


@pytest.mark.django_db
def test_a_session_that_allows_it_may_truncate(earner):
    # what the test settings do for Django's flushes between transactional tests
    run("TRUNCATE rewards_entry", truncate_allowed=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("amount_cents", 999_999),
        ("method", "voucher"),
        ("request_key", "other"),
        ("voucher_code", "CPT-FAKE"),
        ("created_at", "2020-01-01T00:00:00Z"),
    ],
)
def test_a_payouts_amount_and_identity_cannot_change(transfer, column, value):
    refused(
        f"UPDATE rewards_payout SET {column} = %s WHERE id = %s", [value, transfer.pk]
    )
    transfer.refresh_from_db()
    assert transfer.amount_cents == 2000 and transfer.request_key == "k1"


@pytest.mark.django_db
def test_a_payout_cannot_change_member_nor_be_deleted(transfer):
    other = MemberFactory()
    refused(
        "UPDATE rewards_payout SET member_id = %s WHERE id = %s",
        [other.pk, transfer.pk],
    )
    refused("DELETE FROM rewards_payout WHERE id = %s", [transfer.pk])
    assert Payout.objects.filter(pk=transfer.pk, member=transfer.member).exists()


@pytest.mark.django_db
def test_a_payouts_workflow_and_bank_details_still_move(transfer):
    manager = MemberFactory(is_superuser=True)
    payout_approve(payout=transfer, by=manager)
    run(
        "UPDATE rewards_payout SET iban = '', account_holder = '' WHERE id = %s",
        [transfer.pk],
    )
    transfer.refresh_from_db()
    assert (transfer.status, transfer.iban) == (Payout.Status.APPROVED, "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("month", "2026-09-01"),
        ("closed_at", "2026-11-02T00:00:00Z"),
        ("hold_days", 0),
        ("net_cents", 1),
        ("late_net_cents", 1),
        ("originators_cents", 1),
        ("reviewers_cents", 1),
        ("carried_cents", -1),
        ("lines", 0),
    ],
)
def test_a_closed_months_totals_and_dates_cannot_change(earner, column, value):
    period = Period.objects.get()
    refused(
        f"UPDATE rewards_period SET {column} = %s WHERE id = %s", [value, period.pk]
    )
    period.refresh_from_db()
    assert (period.month, period.originators_cents) == (OCT, 5000)


@pytest.mark.django_db
def test_a_closed_month_is_released_once_and_never_deleted(earner):
    period = Period.objects.get()
    refused("DELETE FROM rewards_period WHERE id = %s", [period.pk])
    # the release sets its date once; it cannot be moved afterwards
    rewards_release(now=timezone.now() + dt.timedelta(days=31))
    period.refresh_from_db()
    assert period.released_at is not None
    refused(
        "UPDATE rewards_period SET released_at = now() - interval '1 year'"
        " WHERE id = %s",
        [period.pk],
    )


@pytest.mark.django_db
def test_who_closed_a_month_may_only_be_forgotten(earner):
    # given November closed by a manager
    closer, other = MemberFactory(), MemberFactory()
    november, _ = period_close(
        month=dt.date(2026, 11, 1), by=closer, now=at(2026, 12, 1, 9)
    )
    # then it cannot be said to be someone else's close
    refused(
        "UPDATE rewards_period SET closed_by_id = %s WHERE id = %s",
        [other.pk, november.pk],
    )
    # but the closer's account may go (the foreign key's SET NULL)
    run("UPDATE rewards_period SET closed_by_id = NULL WHERE id = %s", [november.pk])
    november.refresh_from_db()
    assert november.closed_by is None
