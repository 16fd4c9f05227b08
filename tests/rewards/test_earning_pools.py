"""Earning pools: the close pays whatever pools are registered, as it pays its own.

A fake pool stands for a kind of content to come (resale sellers, say): registered
for the test only, it is paid by a close, balanced, replayed without effect, and
explained on the member's statement in its own words.
"""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Sum
from django.utils import timezone, translation
from wagtail import hooks

from rewards.models import Entry, LedgerTransaction, Period
from rewards.pools import (
    EARNING_POOL_HOOK,
    EarningPool,
    EarningShare,
    ProductShares,
    accrual_kinds,
)
from rewards.selectors import statement_entries, statement_lines, wallet_summary
from rewards.services import period_close, product_originators_set, rewards_release

from .conftest import at, ingest, member_joined, review_publish, sale_row

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


class SellersPool(EarningPool):
    """10 % of a product's net to the one member who sells it second-hand."""

    name = "sellers"
    kind = "seller"
    order = 300

    def __init__(self, product_id: int, member_id: int):
        self.product_id = product_id
        self.member_id = member_id

    def rate_bp(self, programme) -> int:
        return 1000

    def product_shares(self, *, programme, end, product_ids=None):
        if product_ids is not None and self.product_id not in product_ids:
            return {}
        share = EarningShare(key=self.member_id, member_id=self.member_id, weight=1)
        return {self.product_id: ProductShares([share], details={"listings": 3})}

    def statement_text(self, entry, values: dict) -> str:
        listings = entry.transaction.details["listings"]
        return (
            f"Sellers of {values['product']} in {values['month']} "
            f"({values['rate']} of {values['net']}, {listings} listings): "
            f"{values['amount']}"
        )


@pytest.fixture
def seller(product):
    """A member the fake pool pays on the planter, registered for the test only."""
    member = member_joined()
    with hooks.register_temporarily(
        EARNING_POOL_HOOK, lambda: SellersPool(product.pk, member.pk)
    ):
        yield member


def _lines(member):
    with translation.override("en"):
        return [
            line.text
            for line in statement_lines(statement_entries(member_id=member.pk))
        ]


def test_a_registered_pool_is_paid_by_the_close_and_explained(product, seller):
    # given €1,234.56 net of the planter in October
    ingest([sale_row("PLANTER-1", 123_456, at(2026, 10, 5))])
    # when October is closed
    period, created = period_close(month=OCT)
    # then the seller has 10 %, rounded down to the cent, pending and earned
    assert created
    summary = wallet_summary(member_id=seller.pk)
    assert summary.pending_cents == 12_345
    assert summary.earned_cents == 12_345
    # under the pool's own key and kind, balanced by the programme's expense
    txn = LedgerTransaction.objects.get()
    assert txn.idempotency_key == f"close:2026-10:sellers:product:{product.pk}"
    assert txn.kind == "seller"
    assert txn.details["total"] == 12_345
    assert txn.details["listings"] == 3
    assert txn.entries.aggregate(total=Sum("amount_cents"))["total"] == 0
    assert period.lines == 1
    # and the statement says how it was computed, in the pool's words
    assert _lines(seller) == [
        "Sellers of Self-watering planter in October 2026 (10\xa0% of €1,234.56, "
        "3 listings): €123.45"
    ]


def test_closing_again_pays_a_registered_pool_nothing_more(product, seller):
    # given October closed with the fake pool
    ingest([sale_row("PLANTER-1", 100_000, at(2026, 10, 5))])
    period_close(month=OCT)
    before = list(Entry.objects.values_list("id", "amount_cents"))
    # when it is closed again
    _, created = period_close(month=OCT)
    # then nothing was added
    assert not created
    assert list(Entry.objects.values_list("id", "amount_cents")) == before
    assert wallet_summary(member_id=seller.pk).pending_cents == 10_000


def test_a_registered_pool_is_paid_beside_the_others_and_released(product, seller):
    # given an originator and a reviewer of the planter besides the seller
    originator, reviewer = member_joined(), member_joined()
    product_originators_set(product=product, shares={originator: 10_000})
    review_publish(product, reviewer, quality=8000)
    ingest([sale_row("PLANTER-1", 100_000, at(2026, 10, 5))])
    # when October is closed, then released after its hold
    period = period_close(month=OCT)[0]
    rewards_release(now=timezone.now() + dt.timedelta(days=31))
    # then each pool paid its own rate of the same net, in the pools' order
    assert [
        wallet_summary(member_id=member.pk).available_cents
        for member in (originator, reviewer, seller)
    ] == [1000, 500, 10_000]
    assert list(
        LedgerTransaction.objects.filter(period=period, kind__in=accrual_kinds())
        .order_by("id")
        .values_list("kind", flat=True)
    ) == ["originator", "reviewer", "seller"]
    # and the month's figures of the programme's own pools are today's
    assert (period.originators_cents, period.reviewers_cents) == (1000, 500)
    assert Period.objects.get().lines == 3


def test_two_pools_with_one_name_are_refused(product, seller):
    # given a second pool registered under a name already taken
    class Impostor(SellersPool):
        kind = "impostor"

    with hooks.register_temporarily(
        EARNING_POOL_HOOK, lambda: Impostor(product.pk, seller.pk)
    ):
        # when a month is closed, then it is refused before anything is written
        with pytest.raises(ImproperlyConfigured, match="name"):
            period_close(month=OCT)
    assert not Period.objects.exists()
