"""The rewards programme in a member's data: exported in cents; on erasure the
ledger keeps every row, the balance is settled as the programme says and bank
details of settled payouts are blanked."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from community.members.member_data import member_data_erase, member_data_export
from rewards.models import Entry, Payout
from rewards.selectors import batch_csv, wallet_summary
from rewards.services import (
    batch_mark_paid,
    payout_approve,
    payout_request,
    payouts_export,
    period_close,
    product_originators_set,
    rewards_release,
)

from .conftest import at, ingest, member_joined, sale_row

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.fixture
def earner(product):
    """€50.00 earned in October (100 % originator of €5,000.00), now available."""
    member = member_joined(email="lea@example.fr")
    product_originators_set(product=product, shares={member: 10_000})
    ingest([sale_row("PLANTER-1", 500_000, at(2026, 10, 5))])
    period_close(month=OCT)
    rewards_release(now=timezone.now() + dt.timedelta(days=31))
    return member


def transfer(member, amount, key):
    return payout_request(
        member=member,
        method="transfer",
        amount_cents=amount,
        request_key=key,
        iban=IBAN,
        account_holder="Léa Martin",
    )


def ledger():
    return sorted(
        Entry.objects.values_list(
            "transaction__idempotency_key", "account_id", "amount_cents"
        )
    )


def test_the_export_holds_wallet_statement_and_payouts_in_cents(earner, manager):
    # given a voucher and a transfer paid by finance
    payout_request(member=earner, method="voucher", amount_cents=1_000, request_key="v")
    payout_approve(payout=transfer(earner, 2_000, "t"), by=manager)
    batch_mark_paid(batch=payouts_export(by=manager), by=manager)
    # when her data is exported
    rewards = member_data_export(member=earner)["sections"]["rewards"]
    # then the wallet, each statement line and each payout are there
    assert rewards["membership"]["opted_in_at"] == "2026-01-01T11:00:00Z"
    assert rewards["wallet"] == {
        "pending_cents": 0,
        "available_cents": 2_000,
        "earned_cents": 5_000,
    }
    statement = rewards["statement"]
    assert sorted(line["kind"] for line in statement) == [
        "originator",
        "release",
        "transfer",
        "voucher",
    ]
    assert sum(line["pending_cents"] for line in statement) == 0
    assert sum(line["available_cents"] for line in statement) == 2_000
    assert statement[0]["text"].startswith("1\xa0% of €5,000.00 net sales")
    assert [
        (p["method"], p["status"], p["amount_cents"], p["iban"])
        for p in rewards["payouts"]
    ] == [
        ("voucher", "issued", 1_000, ""),
        ("transfer", "paid", 2_000, "FR7630006000011234567890189"),
    ]
    assert rewards["originated_products"] == [{"sku": "PLANTER-1", "share_bp": 10_000}]


def test_erasure_blanks_bank_details_and_settles_the_balance_in_the_ledger(
    earner, manager
):
    # given a transfer paid by finance, €30.00 still available
    payout_approve(payout=transfer(earner, 2_000, "t"), by=manager)
    batch = payouts_export(by=manager)
    batch_mark_paid(batch=batch, by=manager)
    before = ledger()
    assert wallet_summary(member_id=earner.pk).available_cents == 3_000
    # when her data is erased
    erased = member_data_erase(member=earner)
    # then the payout no longer holds her bank details, and keeps its amount
    assert erased["rewards"] == 3  # the bank details, the voucher and its entry
    payout = Payout.objects.get(member=earner, method="transfer")
    assert (payout.iban, payout.account_holder) == ("", "")
    assert (payout.amount_cents, payout.status) == (2_000, Payout.Status.PAID)
    assert "FR76" not in batch_csv(batch=batch)
    # and her balance was paid as a voucher, as the programme's default says
    voucher = Payout.objects.get(member=earner, method="voucher")
    assert (voucher.amount_cents, voucher.status) == (3_000, Payout.Status.ISSUED)
    # and the ledger kept every row, only added balanced ones, sums to zero, and
    # the anonymised account holds nothing more
    assert set(before) <= set(ledger())
    assert Entry.objects.aggregate(total=Sum("amount_cents"))["total"] == 0
    wallet = wallet_summary(member_id=earner.pk)
    assert (wallet.pending_cents, wallet.available_cents) == (0, 0)


@pytest.mark.parametrize("step", ["requested", "approved", "exported"])
def test_erasure_is_refused_while_a_transfer_is_under_way(earner, manager, step):
    # given a transfer not yet paid
    payout = transfer(earner, 2_000, "t")
    if step in ("approved", "exported"):
        payout_approve(payout=payout, by=manager)
    if step == "exported":
        payouts_export(by=manager)
    # when her data is erased
    with pytest.raises(ValidationError, match="€20.00 to this member is still under"):
        member_data_erase(member=earner)
    # then nothing is erased anywhere: finance can still pay her
    earner.refresh_from_db()
    assert earner.email == "lea@example.fr" and earner.is_active
    assert Payout.objects.get(pk=payout.pk).iban == "FR7630006000011234567890189"


def test_the_command_says_why_nothing_was_erased(earner):
    # given a transfer awaiting approval
    transfer(earner, 2_000, "t")
    # when the operator erases her account
    with pytest.raises(CommandError, match="Nothing was erased: A bank transfer"):
        call_command("member_data", "erase", "lea@example.fr", "--yes")
    # then the account is still hers
    earner.refresh_from_db()
    assert earner.is_active
