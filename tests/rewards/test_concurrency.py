"""Real threads against the real database (SQLite file or PostgreSQL)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rewards.models import Entry, LedgerTransaction, Payout, Period
from rewards.selectors import wallet_summary
from rewards.services import (
    payout_request,
    period_close,
    product_originators_set,
    rewards_release,
)
from tests.factories import ProductFactory

from .conftest import at, ingest, member_joined, sale_row

OCT = dt.date(2026, 10, 1)


def _earner_with(cents: int):
    """A member with `cents` available (100 % originator of 100 × cents net)."""
    member = member_joined()
    product = ProductFactory()
    product_originators_set(product=product, shares={member: 10_000})
    ingest([sale_row(product.sku, cents * 100, at(2026, 10, 5))])
    period_close(month=OCT)
    rewards_release(now=timezone.now() + dt.timedelta(days=31))
    return member


@pytest.mark.django_db(transaction=True)
def test_simultaneous_closes_of_one_month_write_it_once(threads_db):
    # given sales to pay on
    member = member_joined()
    product = ProductFactory()
    product_originators_set(product=product, shares={member: 10_000})
    ingest([sale_row(product.sku, 100_000, at(2026, 10, 5))])
    # when six threads close October at once
    results, failures = threads_db([lambda: period_close(month=OCT)] * 6)
    # then one created it, the others saw it closed, and it was paid once
    assert failures == []
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    counts = threads_db.read(
        lambda: (
            Period.objects.count(),
            LedgerTransaction.objects.count(),
            wallet_summary(member_id=member.pk).pending_cents,
        )
    )
    assert counts == (1, 1, 1000)


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_payouts_never_exceed_the_balance(threads_db):
    # given €50.00 available and twenty requests of €10.00 at once
    member = _earner_with(5000)

    def request(n):
        def call():
            try:
                return payout_request(
                    member=member,
                    method="voucher",
                    amount_cents=1000,
                    request_key=f"key-{n}",
                )
            except ValidationError:
                return None

        return call

    results, failures = threads_db([request(n) for n in range(20)])
    # then exactly five were paid and the balance is zero, never below
    assert failures == []
    assert sum(1 for r in results if r is not None) == 5
    summary, payouts, total = threads_db.read(
        lambda: (
            wallet_summary(member_id=member.pk),
            Payout.objects.count(),
            sum(Entry.objects.values_list("amount_cents", flat=True)),
        )
    )
    assert summary.available_cents == 0
    assert payouts == 5
    assert total == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_by_twenty_threads_pays_once(threads_db):
    member = _earner_with(5000)
    results, failures = threads_db(
        [
            lambda: payout_request(
                member=member, method="voucher", amount_cents=2000, request_key="same"
            )
        ]
        * 20
    )
    assert failures == []
    assert len({payout.pk for payout in results}) == 1
    available = threads_db.read(
        lambda: wallet_summary(member_id=member.pk).available_cents
    )
    assert available == 3000
