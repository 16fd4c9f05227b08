import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Sum
from django.utils import translation

from rewards.models import (
    Account,
    CarryForward,
    Entry,
    LedgerTransaction,
    Period,
    Programme,
)
from rewards.selectors import statement_entries, statement_lines, wallet_summary
from rewards.services import period_close, product_originators_set
from tests.factories import MemberFactory, ProductFactory

from .conftest import at, ingest, member_joined, review_publish, sale_row

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
SEP = dt.date(2026, 9, 1)
AUG = dt.date(2026, 8, 1)


def _lines(member):
    with translation.override("en"):
        return [
            line.text
            for line in statement_lines(statement_entries(member_id=member.pk))
        ]


def _ledger_balanced():
    for txn in LedgerTransaction.objects.all():
        assert txn.entries.aggregate(t=Sum("amount_cents"))["t"] == 0
    assert (Entry.objects.aggregate(t=Sum("amount_cents"))["t"] or 0) == 0


def test_originators_get_their_share_of_one_percent_with_the_sentence(product):
    # given a product with two originators at 50 % each and €12,340.00 net in October
    alice, bob = member_joined(), member_joined()
    product_originators_set(product=product, shares={alice: 5000, bob: 5000})
    ingest(
        [
            sale_row("PLANTER-1", 1_300_000, at(2026, 10, 3), event_id="S1"),
            sale_row(
                "PLANTER-1", 66_000, at(2026, 10, 20), kind="refund", refund_of="S1"
            ),
        ]
    )
    # when October is closed
    period, created = period_close(month=OCT)
    # then each originator has €61.70 pending, explained in one line
    assert created
    assert wallet_summary(member_id=alice.pk).pending_cents == 6170
    assert _lines(alice) == [
        "1\xa0% of €12,340.00 net sales of Self-watering planter in October 2026, "
        "your share 50\xa0%: €61.70"
    ]
    assert period.net_cents == 1_234_000
    assert period.originators_cents == 12_340
    _ledger_balanced()


def test_reviewers_share_the_pool_by_quality(product):
    # given three eligible reviews with quality 0.82, 1.28 and 1.00 (3.10 in total)
    authors = [member_joined() for _ in range(3)]
    for author, quality in zip(authors, [8200, 12800, 10000], strict=True):
        review_publish(product, author, quality=quality)
    ingest([sale_row("PLANTER-1", 1_000_000, at(2026, 10, 5))])
    # when October is closed (pool: 0.5 % of €10,000.00 = €50.00)
    period_close(month=OCT)
    # then the pool is split by quality to the cent
    amounts = [wallet_summary(member_id=a.pk).pending_cents for a in authors]
    assert amounts == [1323, 2064, 1613]
    assert sum(amounts) == 5000
    assert _lines(authors[0]) == [
        "Reviewer pool of Self-watering planter in October 2026 (0.5\xa0% of "
        "€10,000.00 net sales: €50.00): your review's quality 0.82 of 3.10 in "
        "total → €13.23"
    ]
    _ledger_balanced()


def test_originators_who_had_not_opted_in_are_not_paid_their_part(product):
    # given two originators at 50 %, one of whom never joined the programme
    alice, outsider = member_joined(), MemberFactory()
    product_originators_set(product=product, shares={alice: 5000, outsider: 5000})
    ingest([sale_row("PLANTER-1", 100_000, at(2026, 10, 5))])
    # when October is closed
    period = period_close(month=OCT)[0]
    # then Alice gets her half; the other half is not paid to anyone
    assert wallet_summary(member_id=alice.pk).pending_cents == 500
    assert wallet_summary(member_id=outsider.pk).pending_cents == 0
    assert period.originators_cents == 500
    _ledger_balanced()


def test_only_eligible_reviews_earn(product):
    # given reviews that fail one rule each, and one that passes
    eligible = member_joined()
    review_publish(product, eligible, quality=5000)
    review_publish(product, MemberFactory(), quality=9000)  # never opted in
    review_publish(product, member_joined(), quality=9000, verified=False)
    review_publish(product, member_joined(), quality=9000, published=at(2026, 11, 2))
    review_publish(product, member_joined(), quality=0)
    late_joiner = member_joined()
    late_joiner.rewards_membership.opted_in_at = at(2026, 11, 1, 1)
    late_joiner.rewards_membership.save()
    review_publish(product, late_joiner, quality=9000)
    ingest([sale_row("PLANTER-1", 100_000, at(2026, 10, 5))])
    # when October is closed
    period_close(month=OCT)
    # then the whole pool (€5.00) goes to the one eligible review
    assert Entry.objects.filter(account__kind=Account.Kind.PENDING).count() == 1
    assert wallet_summary(member_id=eligible.pk).pending_cents == 500


def test_closing_the_same_month_again_adds_nothing(product):
    alice = member_joined()
    product_originators_set(product=product, shares={alice: 10_000})
    ingest([sale_row("PLANTER-1", 50_000, at(2026, 10, 5))])
    period_close(month=OCT)
    before = Entry.objects.count()
    # when October is closed again, by the command too
    _, created = period_close(month=OCT)
    call_command("rewards_close", "2026-10", "--quiet")
    # then nothing was added
    assert not created
    assert Entry.objects.count() == before
    assert Period.objects.count() == 1


def test_months_out_of_order_are_refused(product):
    period_close(month=AUG)
    with pytest.raises(ValidationError, match="next one to close is 2026-09"):
        period_close(month=OCT)
    with pytest.raises(ValidationError, match="next one to close is 2026-09"):
        period_close(month=dt.date(2026, 7, 1))
    period_close(month=SEP)
    assert list(Period.objects.values_list("month", flat=True)) == [SEP, AUG]


def test_a_month_not_over_cannot_be_closed():
    with pytest.raises(ValidationError, match="not over yet"):
        period_close(month=dt.date(2099, 1, 1))


def test_the_command_refuses_bad_months_with_a_message():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("rewards_close", "octobre", "--quiet")


def test_rates_are_those_in_force_at_the_month_start(product):
    # given a 2 % version from September and a 3 % version from mid-October
    Programme.objects.create(in_force_from=dt.date(2026, 9, 1), originator_rate_bp=200)
    Programme.objects.create(
        in_force_from=dt.date(2026, 10, 15), originator_rate_bp=300
    )
    alice = member_joined()
    product_originators_set(product=product, shares={alice: 10_000})
    ingest([sale_row("PLANTER-1", 100_000, at(2026, 10, 20))])
    # when October is closed
    period_close(month=OCT)
    # then September's version (in force on October 1st) applies: 2 %
    assert wallet_summary(member_id=alice.pk).pending_cents == 2000


def test_late_sale_is_an_adjustment_of_the_next_close(product):
    # given September closed, then a September sale received afterwards
    alice = member_joined()
    product_originators_set(product=product, shares={alice: 10_000})
    ingest([sale_row("PLANTER-1", 100_000, at(2026, 9, 10))])
    period_close(month=SEP)
    ingest([sale_row("PLANTER-1", 20_000, at(2026, 9, 28))])
    # when October is closed
    period = period_close(month=OCT)[0]
    # then the late sale pays as an adjustment line that says so
    assert wallet_summary(member_id=alice.pk).pending_cents == 1000 + 200
    assert period.late_net_cents == 20_000
    newest = _lines(alice)[0]
    assert newest.startswith("1\xa0% of €200.00 net sales of Self-watering planter in")
    assert "September 2026" in newest
    assert "received after its close" in newest


def test_late_refund_is_taken_back_from_the_next_close(product):
    # given September paid on €1,000.00, then a €300.00 refund of September arrives
    alice = member_joined()
    product_originators_set(product=product, shares={alice: 10_000})
    ingest([sale_row("PLANTER-1", 100_000, at(2026, 9, 10), event_id="S1")])
    period_close(month=SEP)
    ingest(
        [sale_row("PLANTER-1", 30_000, at(2026, 9, 29), kind="refund", refund_of="S1")]
    )
    ingest([sale_row("PLANTER-1", 50_000, at(2026, 10, 10))])
    # when October is closed
    period_close(month=OCT)
    # then October pays on €500.00 − €300.00 = €200.00, and the line says why
    assert wallet_summary(member_id=alice.pk).pending_cents == 1000 + 200
    newest = _lines(alice)[0]
    assert "1\xa0% of €200.00 net sales" in newest
    assert "€300.00 was taken back first" in newest
    _ledger_balanced()


def test_negative_net_is_carried_forward_never_below_zero(product):
    # given August paid, then September with more refunds than sales (−€800.00)
    alice = member_joined()
    product_originators_set(product=product, shares={alice: 10_000})
    ingest([sale_row("PLANTER-1", 100_000, at(2026, 8, 10), event_id="A1")])
    period_close(month=AUG)
    ingest(
        [
            sale_row("PLANTER-1", 10_000, at(2026, 9, 3)),
            sale_row(
                "PLANTER-1", 90_000, at(2026, 9, 4), kind="refund", refund_of="A1"
            ),
        ]
    )
    # when September is closed: nothing is taken from Alice's balance
    september = period_close(month=SEP)[0]
    assert wallet_summary(member_id=alice.pk).pending_cents == 1000
    assert september.carried_cents == -80_000
    # and October's €500.00 is still €300.00 short: nothing paid, carried again
    ingest([sale_row("PLANTER-1", 50_000, at(2026, 10, 10))])
    october = period_close(month=OCT)[0]
    assert wallet_summary(member_id=alice.pk).pending_cents == 1000
    assert CarryForward.objects.get(period=october).net_cents == -30_000
    # and November's €1,000.00 pays on the €700.00 left
    ingest([sale_row("PLANTER-1", 100_000, at(2026, 11, 10))])
    Period.objects.filter(pk=october.pk)  # noqa: B018 - November is not over yet:
    period_close(month=dt.date(2026, 11, 1), now=at(2026, 12, 1, 9))
    assert wallet_summary(member_id=alice.pk).pending_cents == 1000 + 700
    _ledger_balanced()


def test_products_without_originators_or_reviews_pay_nothing(product):
    ingest([sale_row("PLANTER-1", 100_000, at(2026, 10, 10))])
    period = period_close(month=OCT)[0]
    assert period.lines == 0
    assert LedgerTransaction.objects.count() == 0


def test_close_query_count_does_not_grow_with_products_or_sales():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given September with 2 products sold, October with 12 products sold 20 times
    alice = member_joined()
    products = [ProductFactory() for _ in range(12)]
    for p in products:
        product_originators_set(product=p, shares={alice: 10_000})
    ingest([sale_row(p.sku, 1000, at(2026, 9, 5)) for p in products[:2]])
    ingest(
        [
            sale_row(p.sku, 1000 + i, at(2026, 10, 1 + i % 28))
            for i, p in enumerate(products * 20)
        ]
    )
    # when each month is closed
    with CaptureQueriesContext(connection) as small:
        period_close(month=SEP)
    with CaptureQueriesContext(connection) as large:
        period_close(month=OCT)
    # then both closes ran the same number of queries
    assert len(large) <= len(small) + 2  # October also reads September's carries
    assert wallet_summary(member_id=alice.pk).pending_cents > 0
