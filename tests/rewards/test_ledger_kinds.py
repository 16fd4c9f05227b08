"""A content app's own movements in the wallet (rewards/kinds.py, point 16): written
once per key, balanced, explained on the statement, held then released, and stopped
before a payout by a registered check."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from wagtail import hooks

from rewards.kinds import LEDGER_KIND_HOOK, PAYOUT_CHECK_HOOK, LedgerKind, PayoutCheck
from rewards.ledger import UnbalancedTransaction
from rewards.member_data import rewards_erase
from rewards.models import Entry, LedgerTransaction, Payout
from rewards.selectors import statement_entries, statement_lines, wallet_summary
from rewards.services import ledger_post, payout_request, rewards_release, voucher_issue

from .conftest import at, member_joined

SALE = "test_sale"


def _explain(details, amount, cents):
    if cents < 0:
        return f"Voucher for {details['item']}: {amount}"
    return f"Sale of {details['item']}: {amount}"


@pytest.fixture
def sale_kind(db):
    kind = LedgerKind(
        kind=SALE,
        label="test sale",
        explain=_explain,
        held=True,
        system_accounts={"test_till": "taken at the till", "test_fee": "commission"},
    )
    with hooks.register_temporarily(LEDGER_KIND_HOOK, lambda: kind):
        yield kind


def sale_post(member, *, key="sale:1", price=4000, fee=400, when=None):
    return ledger_post(
        key=key,
        kind=SALE,
        lines=[
            ("test_till", None, -price),
            ("test_fee", None, fee),
            ("pending", member, price - fee),
        ],
        details={"item": "Tondeuse"},
        now=when or at(2026, 11, 2),
    )


def test_a_movement_is_written_once_and_balances(sale_kind):
    member = member_joined()
    txn, written = sale_post(member)
    again, written_again = sale_post(member, price=9999)
    assert written and not written_again and again.pk == txn.pk
    assert (
        Entry.objects.filter(transaction=txn).aggregate(t=Sum("amount_cents"))["t"] == 0
    )
    assert wallet_summary(member_id=member.pk).pending_cents == 3600
    # a sale is not rewards earnings
    assert wallet_summary(member_id=member.pk).earned_cents == 0


def test_unbalanced_unknown_or_foreign_accounts_are_refused(sale_kind):
    member = member_joined()
    with pytest.raises(UnbalancedTransaction):
        ledger_post(
            key="x", kind=SALE, lines=[("test_till", None, -10), ("pending", member, 9)]
        )
    with pytest.raises(ValueError, match="not registered"):
        ledger_post(key="y", kind="nobody", lines=[])
    with pytest.raises(ValueError, match="not this kind's account"):
        ledger_post(
            key="z", kind=SALE, lines=[("paid_out", None, -10), ("pending", member, 10)]
        )
    assert not LedgerTransaction.objects.exists()


def test_the_statement_explains_each_line_then_the_hold_releases_it(sale_kind):
    member = member_joined()
    sale_post(member, when=at(2026, 11, 2))
    [line] = statement_lines(statement_entries(member_id=member.pk))
    assert line.text == "Sale of Tondeuse: €36.00"
    assert (line.pending_cents, line.available_cents) == (3600, 0)

    # the programme's 30-day hold, counted from the sale
    assert rewards_release(now=at(2026, 11, 2) + dt.timedelta(days=29)) == 0
    assert rewards_release(now=at(2026, 11, 2) + dt.timedelta(days=31)) == 1
    assert rewards_release(now=at(2026, 11, 2) + dt.timedelta(days=32)) == 0
    summary = wallet_summary(member_id=member.pk)
    assert (summary.pending_cents, summary.available_cents) == (0, 3600)
    texts = [
        line.text for line in statement_lines(statement_entries(member_id=member.pk))
    ]
    assert texts == [
        "Released after the hold period: €36.00",
        "Sale of Tondeuse: €36.00",
    ]


def test_a_voucher_turns_available_money_into_store_credit_once(sale_kind):
    member = member_joined()
    ledger_post(
        key="credit:1",
        kind=SALE,
        lines=[("test_till", None, -2500), ("available", member, 2500)],
        details={"item": "Perceuse"},
    )
    voucher = voucher_issue(member=member, amount_cents=2500, request_key="resale:1")
    assert (
        voucher_issue(member=member, amount_cents=2500, request_key="resale:1")
        == voucher
    )
    assert voucher.status == Payout.Status.ISSUED and voucher.voucher_code
    assert wallet_summary(member_id=member.pk).available_cents == 0


def test_a_registered_check_stops_the_next_payout_in_words(sale_kind):
    member = member_joined()
    ledger_post(
        key="credit:2",
        kind=SALE,
        lines=[("test_till", None, -5000), ("available", member, 5000)],
        details={"item": "Scie"},
    )
    check = PayoutCheck(name="tax", refusal=lambda m: "Give your tax details first.")
    with hooks.register_temporarily(PAYOUT_CHECK_HOOK, lambda: check):
        with pytest.raises(ValidationError, match="Give your tax details first."):
            payout_request(
                member=member, method="voucher", amount_cents=2000, request_key="p1"
            )
    assert not Payout.objects.exists()
    payout_request(member=member, method="voucher", amount_cents=2000, request_key="p1")


def test_erasure_releases_what_is_still_held_before_settling(sale_kind):
    member = member_joined()
    sale_post(member, when=at(2026, 11, 20))
    rewards_erase(member)
    summary = wallet_summary(member_id=member.pk)
    assert summary.pending_cents == 0 and summary.available_cents == 0
    # the whole ledger still sums to zero
    assert Entry.objects.aggregate(t=Sum("amount_cents"))["t"] == 0
