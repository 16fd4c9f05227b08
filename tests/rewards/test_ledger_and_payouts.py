import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from rewards.models import (
    Account,
    Entry,
    LedgerImmutable,
    LedgerTransaction,
    Payout,
    Period,
)
from rewards.selectors import batch_csv, wallet_summary
from rewards.services import (
    batch_mark_paid,
    iban_clean,
    payout_approve,
    payout_reject,
    payout_request,
    payouts_export,
    period_close,
    product_originators_set,
    rewards_release,
)
from tests.factories import MemberFactory

from .conftest import at, ingest, member_joined, sale_row

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


def _days_later(days):
    return timezone.now() + dt.timedelta(days=days)


IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.fixture
def earner(product):
    """A member with €50.00 pending from October (100 % originator of €5,000.00)."""
    member = member_joined()
    product_originators_set(product=product, shares={member: 10_000})
    ingest([sale_row("PLANTER-1", 500_000, at(2026, 10, 5))])
    period_close(month=OCT)
    return member


@pytest.fixture
def paid_earner(earner):
    rewards_release(now=_days_later(31))
    return earner


def test_ledger_rows_refuse_update_and_delete(earner):
    txn = LedgerTransaction.objects.first()
    entry = Entry.objects.first()
    with pytest.raises(LedgerImmutable):
        txn.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    with pytest.raises(LedgerImmutable):
        Entry.objects.filter(pk=entry.pk).update(amount_cents=1)
    with pytest.raises(LedgerImmutable):
        LedgerTransaction.objects.all().delete()
    entry.refresh_from_db()
    assert Entry.objects.count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_trigger_refuses_raw_update_and_delete(earner):
    entry = Entry.objects.first()
    for sql in (
        "UPDATE rewards_entry SET amount_cents = 1 WHERE id = %s",
        "DELETE FROM rewards_entry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.amount_cents == 5000


def test_release_after_hold_only_and_once(earner):
    # before 30 days after the close: still pending
    assert rewards_release(now=_days_later(29)) == 0
    assert wallet_summary(member_id=earner.pk).available_cents == 0
    # after: available, and running again changes nothing
    assert rewards_release(now=_days_later(31)) == 1
    assert rewards_release(now=_days_later(32)) == 0
    call_command("rewards_release")
    summary = wallet_summary(member_id=earner.pk)
    assert (summary.pending_cents, summary.available_cents) == (0, 5000)
    assert summary.earned_cents == 5000
    assert Period.objects.get().released_at is not None


def test_voucher_is_issued_at_once_with_a_unique_code(paid_earner):
    payout = payout_request(
        member=paid_earner, method="voucher", amount_cents=2000, request_key="k1"
    )
    other = payout_request(
        member=paid_earner, method="voucher", amount_cents=1000, request_key="k2"
    )
    assert payout.status == Payout.Status.ISSUED
    assert payout.voucher_code.startswith("CPT-") and len(payout.voucher_code) == 18
    assert payout.voucher_code != other.voucher_code
    assert wallet_summary(member_id=paid_earner.pk).available_cents == 2000


def test_the_same_request_sent_twice_pays_once(paid_earner):
    first = payout_request(
        member=paid_earner, method="voucher", amount_cents=2000, request_key="same"
    )
    second = payout_request(
        member=paid_earner, method="voucher", amount_cents=2000, request_key="same"
    )
    assert first.pk == second.pk
    assert wallet_summary(member_id=paid_earner.pk).available_cents == 3000


def test_payouts_below_the_minimum_or_above_the_balance_are_refused(paid_earner):
    with pytest.raises(ValidationError, match="minimum payout"):
        payout_request(
            member=paid_earner, method="voucher", amount_cents=999, request_key="a"
        )
    with pytest.raises(ValidationError, match="available"):
        payout_request(
            member=paid_earner, method="voucher", amount_cents=5001, request_key="b"
        )
    assert Payout.objects.count() == 0


def test_members_outside_the_programme_cannot_ask_for_a_payout():
    with pytest.raises(PermissionDenied):
        payout_request(
            member=MemberFactory(), method="voucher", amount_cents=1000, request_key="x"
        )


@pytest.mark.parametrize(
    "iban",
    ["FR76 3000 6000 0112 3456 7890 188", "FR76300060000112345678901", "1234", ""],
)
def test_iban_checksum_and_format(iban):
    with pytest.raises(ValidationError):
        iban_clean(iban)


def test_valid_ibans_are_normalised():
    assert iban_clean(IBAN) == "FR7630006000011234567890189"
    assert iban_clean("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert iban_clean("GB82-WEST-1234-5698-7654-32") == "GB82WEST12345698765432"


def test_bank_transfer_approved_exported_then_paid(paid_earner, manager):
    payout = payout_request(
        member=paid_earner,
        method="transfer",
        amount_cents=5000,
        request_key="t",
        iban=IBAN,
        account_holder='Alice "Ali" Martin, Lyon',
    )
    assert payout.status == Payout.Status.REQUESTED
    assert wallet_summary(member_id=paid_earner.pk).available_cents == 0
    payout_approve(payout=payout, by=manager)
    batch = payouts_export(by=manager)
    text = batch_csv(batch=batch)
    assert text.splitlines()[1] == (
        f'COMPTOIR-REWARDS-{payout.pk},"Alice ""Ali"" Martin, Lyon",'
        "FR7630006000011234567890189,50.00,EUR"
    )
    batch_mark_paid(batch=batch, by=manager)
    batch_mark_paid(batch=batch, by=manager)  # twice: paid once
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    paid_out = Account.objects.get(kind=Account.Kind.PAID_OUT)
    assert sum(paid_out.entries.values_list("amount_cents", flat=True)) == 5000
    assert payouts_export(by=manager) is None


def test_rejected_transfer_returns_the_money_with_a_reversal(paid_earner, manager):
    payout = payout_request(
        member=paid_earner,
        method="transfer",
        amount_cents=3000,
        request_key="t",
        iban=IBAN,
        account_holder="Alice Martin",
    )
    payout_reject(payout=payout, by=manager, note="Name does not match the account")
    assert wallet_summary(member_id=paid_earner.pk).available_cents == 5000
    reversal = LedgerTransaction.objects.get(kind=LedgerTransaction.Kind.REVERSAL)
    assert reversal.reverses.idempotency_key == f"payout:{payout.pk}"
    with pytest.raises(ValidationError):
        payout_reject(payout=payout, by=manager)


def test_only_rewards_managers_decide_payouts(paid_earner):
    payout = payout_request(
        member=paid_earner,
        method="transfer",
        amount_cents=3000,
        request_key="t",
        iban=IBAN,
        account_holder="Alice Martin",
    )
    with pytest.raises(PermissionDenied):
        payout_approve(payout=payout, by=paid_earner)
    with pytest.raises(PermissionDenied):
        payouts_export(by=paid_earner)


def test_the_whole_ledger_sums_to_zero_after_every_kind_of_movement(
    paid_earner, manager
):
    payout_request(
        member=paid_earner, method="voucher", amount_cents=1000, request_key="v"
    )
    transfer = payout_request(
        member=paid_earner,
        method="transfer",
        amount_cents=1500,
        request_key="t",
        iban=IBAN,
        account_holder="A",
    )
    payout_approve(payout=transfer, by=manager)
    batch_mark_paid(batch=payouts_export(by=manager), by=manager)
    assert sum(Entry.objects.values_list("amount_cents", flat=True)) == 0
    assert timezone.now()
