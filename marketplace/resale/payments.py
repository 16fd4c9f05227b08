"""The seller is paid through the rewards ledger (rewards/kinds.py).

A hand-off confirmed at a store posts one balanced movement: what the buyer paid
at the till (the programme's account `resale_till`), the shop's commission
(`resale_fee`), the seller's part. Taken as money, the part waits in the seller's
pending account for the hold period, then is available and paid out like rewards.
Taken as store credit, the part plus the bonus is credited at once and turned into
a voucher. A buy-back credits its price as a voucher too, from `resale_stock` (what
the shop paid for goods it bought back). Each movement is keyed by what it pays for,
so a hand-off confirmed twice, or a retried task, posts once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.money import format_cents
from rewards.explain import percent
from rewards.kinds import LedgerKind
from rewards.services import ledger_post, voucher_issue

from .models import Payout, ResaleSettings

SALE_KIND = "resale_sale"
CREDIT_KIND = "resale_credit"
BUYBACK_KIND = "resale_buyback"
TILL_ACCOUNT = "resale_till"
FEE_ACCOUNT = "resale_fee"
STOCK_ACCOUNT = "resale_stock"
BASIS_POINTS = 10_000


@dataclass(frozen=True)
class SaleSplit:
    """What a sale at `price_cents` pays: the shop's commission (rounded down, in the
    seller's favour), the seller's part, and the bonus when taken as store credit."""

    price_cents: int
    commission_cents: int
    bonus_cents: int

    @property
    def part_cents(self) -> int:
        return self.price_cents - self.commission_cents

    @property
    def credited_cents(self) -> int:
        return self.part_cents + self.bonus_cents


def sale_split(*, price_cents: int, payout: str, rules: ResaleSettings | None = None):
    """The split of a sale under the shop's current rules."""
    rules = rules or ResaleSettings.load()
    commission = price_cents * rules.commission_bp // BASIS_POINTS
    bonus = 0
    if payout == Payout.STORE_CREDIT:
        bonus = (price_cents - commission) * rules.store_credit_bonus_bp // BASIS_POINTS
    return SaleSplit(
        price_cents=price_cents, commission_cents=commission, bonus_cents=bonus
    )


def handoff_key(handoff) -> str:
    return f"resale:handoff:{handoff.pk}"


def handoff_payment_post(handoff, *, now=None) -> str:
    """Pay the seller of a confirmed hand-off; returns the movement's key.

    Called inside the transaction that confirms it, so the sale and its money are
    recorded together or not at all; the same hand-off again posts nothing more.
    """
    rules = ResaleSettings.load()
    split = sale_split(
        price_cents=handoff.paid_cents, payout=handoff.payout, rules=rules
    )
    listing = handoff.listing
    details = {
        "listing": listing.pk,
        "title": listing.title,
        "store": handoff.store.code,
        "store_name": handoff.store.name,
        "handoff": handoff.pk,
        "price": split.price_cents,
        "commission": split.commission_cents,
        "commission_bp": rules.commission_bp,
    }
    key = handoff_key(handoff)
    lines = [
        (TILL_ACCOUNT, None, -split.price_cents),
        (FEE_ACCOUNT, None, split.commission_cents),
    ]
    if handoff.payout == Payout.STORE_CREDIT:
        details.update(bonus=split.bonus_cents, bonus_bp=rules.store_credit_bonus_bp)
        lines += [
            ("expense", None, -split.bonus_cents),
            ("available", handoff.seller, split.credited_cents),
        ]
        kind = CREDIT_KIND
    else:
        lines.append(("pending", handoff.seller, split.part_cents))
        kind = SALE_KIND
    ledger_post(
        key=key,
        kind=kind,
        lines=[line for line in lines if line[2]],
        details=details,
        product=listing.product,
        now=now,
    )
    if kind == CREDIT_KIND and split.credited_cents:
        voucher_issue(
            member=handoff.seller, amount_cents=split.credited_cents, request_key=key
        )
    return key


def buyback_key(buyback) -> str:
    return f"resale:buyback:{buyback.pk}"


def buyback_credit_post(buyback, *, now=None) -> str:
    """Credit an inspected buy-back as a store-credit voucher; returns the key."""
    key = buyback_key(buyback)
    listing = buyback.listing
    ledger_post(
        key=key,
        kind=BUYBACK_KIND,
        lines=[
            (STOCK_ACCOUNT, None, -buyback.credited_cents),
            ("available", buyback.member, buyback.credited_cents),
        ],
        details={
            "listing": listing.pk,
            "title": listing.title,
            "store": buyback.store.code if buyback.store_id else "",
            "store_name": buyback.store.name if buyback.store_id else "",
            "condition": buyback.inspected_condition or buyback.declared_condition,
        },
        product=buyback.product,
        now=now,
    )
    voucher_issue(
        member=buyback.member, amount_cents=buyback.credited_cents, request_key=key
    )
    return key


# --- Statement lines ----------------------------------------------------------------


def _sale_explain(details: dict, amount: str, cents: int) -> str:
    values = {
        "title": details.get("title", ""),
        "store": details.get("store_name") or details.get("store", ""),
        "price": format_cents(details.get("price", 0)),
        "amount": amount,
    }
    if details.get("commission"):
        return _(
            "Second-hand sale of “%(title)s” at %(store)s: %(price)s paid by the "
            "buyer, less the shop's commission of %(commission)s (%(rate)s): %(amount)s"
        ) % {
            **values,
            "commission": format_cents(details["commission"]),
            "rate": percent(details.get("commission_bp", 0)),
        }
    return (
        _(
            "Second-hand sale of “%(title)s” at %(store)s, paid %(price)s by the "
            "buyer: %(amount)s"
        )
        % values
    )


def _credit_explain(details: dict, amount: str, cents: int) -> str:
    sale = _sale_explain(details, format_cents(details.get("price", 0)), cents)
    return _(
        "%(sale)s — taken as store credit with a bonus of %(bonus)s (%(rate)s): "
        "%(amount)s"
    ) % {
        "sale": sale,
        "bonus": format_cents(details.get("bonus", 0)),
        "rate": percent(details.get("bonus_bp", 0)),
        "amount": amount,
    }


def _buyback_explain(details: dict, amount: str, cents: int) -> str:
    from .models import Condition

    condition = dict(Condition.choices).get(details.get("condition"), "")
    return _(
        "Bought back by the shop at %(store)s: “%(title)s” (%(condition)s), in store "
        "credit: %(amount)s"
    ) % {
        "store": details.get("store_name") or details.get("store", ""),
        "title": details.get("title", ""),
        "condition": str(condition).lower(),
        "amount": amount,
    }


def resale_ledger_kinds() -> list[LedgerKind]:
    """The movements resale writes, registered at rewards' ledger-kind point."""
    accounts = {
        TILL_ACCOUNT: gettext_lazy("second-hand sales taken at the tills"),
        FEE_ACCOUNT: gettext_lazy("second-hand commission"),
    }
    return [
        LedgerKind(
            kind=SALE_KIND,
            label=gettext_lazy("second-hand sale"),
            explain=_sale_explain,
            held=True,
            system_accounts=accounts,
        ),
        LedgerKind(
            kind=CREDIT_KIND,
            label=gettext_lazy("second-hand sale in store credit"),
            explain=_credit_explain,
            system_accounts=accounts,
        ),
        LedgerKind(
            kind=BUYBACK_KIND,
            label=gettext_lazy("buy-back in store credit"),
            explain=_buyback_explain,
            system_accounts={STOCK_ACCOUNT: gettext_lazy("goods bought back")},
        ),
    ]
