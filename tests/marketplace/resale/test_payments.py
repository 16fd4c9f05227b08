"""The seller is paid through the ledger when the store confirms the hand-off: one
balanced movement, once, on the same statement as rewards, each line in words."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from marketplace.resale.models import Handoff, Payout, ResaleSettings
from marketplace.resale.payments import handoff_payment_post, sale_split
from marketplace.resale.services import handoff_confirm, listing_reserve
from rewards.models import Entry, LedgerTransaction
from rewards.models import Payout as RewardsPayout
from rewards.selectors import statement_entries, statement_lines, wallet_summary
from rewards.services import rewards_release

from .fixtures import HANDOFF_DAY, NOW, PRICE


@pytest.fixture
def reserved(listing, buyer, store):
    return listing_reserve(
        listing=listing, buyer=buyer, store=store, day=HANDOFF_DAY, now=NOW
    )


def confirm(reserved, staff, store, **kwargs):
    return handoff_confirm(
        store=store, code=reserved.code, by=staff, paid_cents=PRICE, now=NOW, **kwargs
    )


def ledger_total() -> int:
    return Entry.objects.aggregate(total=Sum("amount_cents"))["total"] or 0


def rules(**values):
    settings = ResaleSettings.load()
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()


def test_a_confirmed_hand_off_pays_the_seller_pending_then_available(
    reserved, staff, store, seller
):
    rules(commission_bp=500)  # 5 %
    handoff = confirm(reserved, staff, store)

    assert handoff.ledger_key == f"resale:handoff:{handoff.pk}"
    txn = LedgerTransaction.objects.get(idempotency_key=handoff.ledger_key)
    assert txn.kind == "resale_sale"
    assert ledger_total() == 0
    summary = wallet_summary(member_id=seller.pk)
    # €45.00 less 5 % (€2.25): €42.75 pending for the hold period
    assert (summary.pending_cents, summary.available_cents) == (4275, 0)
    [line] = statement_lines(statement_entries(member_id=seller.pk))
    assert line.text == (
        "Second-hand sale of “Sécateur Pro à lame franche” at Lyon Part-Dieu: €45.00 "
        "paid by the buyer, less the shop's commission of €2.25 (5\u00a0%): €42.75"
    )

    rewards_release(now=NOW + dt.timedelta(days=31))
    summary = wallet_summary(member_id=seller.pk)
    assert (summary.pending_cents, summary.available_cents) == (0, 4275)


def test_confirming_twice_or_posting_again_pays_once(reserved, staff, store, seller):
    handoff = confirm(reserved, staff, store)
    with pytest.raises(ValidationError):
        confirm(reserved, staff, store)
    handoff_payment_post(Handoff.objects.get(pk=handoff.pk), now=NOW)
    assert LedgerTransaction.objects.filter(kind="resale_sale").count() == 1
    assert wallet_summary(member_id=seller.pk).pending_cents == PRICE


def test_store_credit_adds_the_bonus_and_issues_a_voucher_at_once(
    reserved, staff, store, seller
):
    rules(commission_bp=0, store_credit_bonus_bp=1000)  # +10 %
    confirm(reserved, staff, store, payout=Payout.STORE_CREDIT)

    voucher = RewardsPayout.objects.get(member=seller)
    assert voucher.amount_cents == 4950 and voucher.voucher_code
    assert ledger_total() == 0
    summary = wallet_summary(member_id=seller.pk)
    assert (summary.pending_cents, summary.available_cents) == (0, 0)
    texts = [
        line.text for line in statement_lines(statement_entries(member_id=seller.pk))
    ]
    assert any("bonus of €4.50 (10\u00a0%): €49.50" in text for text in texts)
    assert any(voucher.voucher_code in text for text in texts)


def test_a_failed_confirmation_posts_nothing(reserved, staff, store):
    with pytest.raises(ValidationError):
        handoff_confirm(
            store=store, code=reserved.code, by=staff, paid_cents=PRICE - 1, now=NOW
        )
    assert not LedgerTransaction.objects.exists()


@pytest.mark.parametrize(
    ("price", "commission_bp", "commission", "part"),
    [
        (4500, 0, 0, 4500),
        (999, 1250, 124, 875),
        (1, 5000, 0, 1),
        (200_000, 10_000, 200_000, 0),
    ],
)
def test_the_commission_is_rounded_down_in_the_seller_s_favour(
    db, price, commission_bp, commission, part
):
    rules(commission_bp=commission_bp)
    split = sale_split(price_cents=price, payout=Payout.CASH)
    assert (split.commission_cents, split.part_cents) == (commission, part)


def test_a_seller_outside_the_programme_sees_the_sale_and_how_to_be_paid(
    client, reserved, staff, store, seller
):
    confirm(reserved, staff, store)
    client.force_login(seller)
    page = client.get("/me/wallet/").content.decode()
    assert "Join the rewards programme" in page
    assert "Second-hand sale of “Sécateur Pro à lame franche”" in page
    assert "Join the programme above to take your money" in page
    assert "Ask for this payout" not in page


def test_a_member_without_any_money_sees_only_the_invitation(client, buyer):
    client.force_login(buyer)
    page = client.get("/me/wallet/").content.decode()
    assert "Join the rewards programme" in page
    assert "Statement" not in page
