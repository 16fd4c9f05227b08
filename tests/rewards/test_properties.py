"""Property tests: replays and orders change nothing; the ledger always balances."""

import datetime as dt
import itertools
import re

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from rewards.models import Entry, LedgerTransaction, Payout
from rewards.selectors import wallet_summary
from rewards.services import (
    iban_clean,
    payout_reject,
    payout_request,
    period_close,
    product_originators_set,
    rewards_release,
)
from tests.factories import MemberFactory, ProductFactory

from .conftest import at, ingest, member_joined, review_publish, sale_row

SEP, OCT = dt.date(2026, 9, 1), dt.date(2026, 10, 1)


def _ledger_fingerprint():
    """The ledger as comparable values (ids and creation times left out)."""
    return sorted(
        (
            entry.transaction.idempotency_key,
            entry.account.kind,
            entry.account.member.email if entry.account.member else "",
            entry.amount_cents,
            entry.weight,
        )
        for entry in Entry.objects.select_related(
            "transaction", "account", "account__member"
        )
    )


events = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # product
        st.integers(min_value=1, max_value=500_000),  # amount
        st.booleans(),  # refund
        st.sampled_from([SEP, OCT]),
        st.integers(min_value=1, max_value=28),
    ),
    min_size=1,
    max_size=12,
)


def _rows(data):
    """The events as sent: a refund refunds the latest sale of its product not yet
    refunded, for at most its amount; with none, it names a sale never sent."""
    rows, unrefunded = [], {}
    for i, (p, amount, refund, month, day) in enumerate(data):
        when = at(month.year, month.month, day)
        if not refund:
            unrefunded.setdefault(p, []).append((f"E{i}", amount))
            rows.append(sale_row(f"P-{p}", amount, when, event_id=f"E{i}"))
            continue
        sale_id, sold = (unrefunded.get(p) or [("NEVER-SENT", amount)]).pop()
        rows.append(
            sale_row(
                f"P-{p}",
                min(amount, sold),
                when,
                kind="refund",
                refund_of=sale_id,
                event_id=f"E{i}",
            )
        )
    return rows


class TestIngestOrderAndReplays(TestCase):
    def _world(self, data, order, *, shuffle):
        """Sales sent in order once, or shuffled with replays; closed; the ledger."""
        products = [ProductFactory(sku=f"P-{n}", name=f"P{n}") for n in range(3)]
        members = [member_joined(email=f"a{n}@example.com") for n in range(3)]
        for n, product in enumerate(products):
            product_originators_set(
                product=product,
                shares={members[n]: 6000, members[(n + 1) % 3]: 4000},
            )
            review_publish(product, members[(n + 2) % 3], quality=5000 + n)
        rows = _rows(data)
        if shuffle:
            rows = rows + rows[: len(rows) // 2]
            order.shuffle(rows)
        for start in range(0, len(rows), 3):
            ingest(rows[start : start + 3])
        period_close(month=SEP)
        period_close(month=OCT)
        names = {f"product:{p.pk}": f"product:{n}" for n, p in enumerate(products)}
        fingerprint = []
        for key, kind, email, amount, weight in _ledger_fingerprint():
            key = re.sub(r"product:\d+$", lambda match: names[match.group(0)], key)
            fingerprint.append((key, kind, email, amount, weight))
        return sorted(fingerprint)

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=events, order=st.randoms(use_true_random=False))
    def test_any_order_with_replays_gives_the_same_ledger(self, data, order):
        fingerprints = []
        for attempt in range(2):
            # each world is rolled back afterwards: the ledger itself is never
            # deleted from (PostgreSQL's trigger would refuse it)
            with transaction.atomic():
                fingerprints.append(self._world(data, order, shuffle=bool(attempt)))
                transaction.set_rollback(True)
        assert sorted(fingerprints[0]) == sorted(fingerprints[1])


class TestPoolSplitsToTheCent(TestCase):
    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        net=st.integers(min_value=200, max_value=5_000_000),
        # equal qualities come up often, so ties between reviews are tried too
        qualities=st.lists(
            st.sampled_from([1, 2500, 5000, 8200, 10_000, 13_500])
            | st.integers(1, 13_500),
            min_size=1,
            max_size=6,
        ),
    )
    def test_a_close_gives_the_leftover_cents_to_the_largest_remainders(
        self, net, qualities
    ):
        with transaction.atomic():
            # given a product's reviews of any quality and any net in October
            product = ProductFactory(sku="SPLIT-1")
            reviews = [
                review_publish(product, member_joined(), quality=quality)
                for quality in qualities
            ]
            ingest([sale_row("SPLIT-1", net, at(2026, 10, 5))])
            # when October is closed
            period_close(month=OCT)
            # then the pool (0.5 % of the net, to the cent below) is paid whole:
            # each review gets the floor of its exact share, and the cents left go
            # one each to the largest remainders, equal ones to the oldest review
            pool = net * 50 // 10_000
            whole = sum(qualities)
            paid = dict(
                Entry.objects.filter(
                    transaction__kind=LedgerTransaction.Kind.REVIEWER
                ).values_list("account__member_id", "amount_cents")
            )
            parts = [paid.get(review.author_id, 0) for review in reviews]
            assert sum(parts) == pool
            ranked = sorted(
                range(len(reviews)),
                key=lambda n: (-(pool * qualities[n] % whole), reviews[n].pk),
            )
            left = pool - sum(pool * quality // whole for quality in qualities)
            for rank, n in enumerate(ranked):
                floor = pool * qualities[n] // whole
                assert parts[n] == floor + (1 if rank < left else 0)
            transaction.set_rollback(True)


IBAN = "FR7630006000011234567890189"
_event_numbers = itertools.count(1)


class LedgerMachine(RuleBasedStateMachine):
    """Any sequence of ingest, close, release, payout and reject keeps the ledger
    balanced and never lets a balance go below zero."""

    @initialize()
    def world(self):
        self.manager = MemberFactory(email="boss@example.com", is_superuser=True)
        self.members = [member_joined() for _ in range(2)]
        self.products = [ProductFactory() for _ in range(2)]
        for product in self.products:
            product_originators_set(
                product=product,
                shares={self.members[0]: 7000, self.members[1]: 3000},
            )
        self.month = dt.date(2026, 1, 1)
        self.number = 0
        self.unrefunded: dict[int, list[tuple[str, int]]] = {}
        self.now = timezone.now()

    @rule(
        product=st.integers(0, 1),
        amount=st.integers(1, 2_000_000),
        refund=st.booleans(),
    )
    def ingest_event(self, product, amount, refund):
        self.number += 1
        day = self.month
        # unique across examples: the machine's examples share one database
        event_id = f"M-{next(_event_numbers)}"
        sale_id = ""
        sales = self.unrefunded.setdefault(product, [])
        if refund:
            # the latest sale not yet refunded, for at most its amount; with none,
            # a refund whose sale never arrives (it counts in nothing)
            sale_id, sold = sales.pop() if sales else ("NEVER-SENT", amount)
            amount = min(amount, sold)
        else:
            sales.append((event_id, amount))
        ingest(
            [
                sale_row(
                    self.products[product].sku,
                    amount,
                    at(day.year, day.month, 10),
                    kind="refund" if refund else "sale",
                    refund_of=sale_id,
                    event_id=event_id,
                )
            ]
        )

    @precondition(lambda self: self.month < dt.date(2026, 11, 1))
    @rule()
    def close(self):
        period_close(month=self.month)
        period_close(month=self.month)  # a replay adds nothing
        self.month = dt.date(
            self.month.year + self.month.month // 12, self.month.month % 12 + 1, 1
        )

    @rule()
    def release(self):
        rewards_release(now=self.now + dt.timedelta(days=40))

    @rule(
        member=st.integers(0, 1), cents=st.integers(1000, 50_000), voucher=st.booleans()
    )
    def payout(self, member, cents, voucher):
        self.number += 1
        try:
            payout_request(
                member=self.members[member],
                method="voucher" if voucher else "transfer",
                amount_cents=cents,
                request_key=f"r{self.number}",
                iban=IBAN,
                account_holder="X",
            )
        except Exception as error:  # noqa: BLE001 - only refusals are expected
            assert type(error).__name__ == "ValidationError"

    @rule()
    def reject(self):
        waiting = Payout.objects.filter(status=Payout.Status.REQUESTED).first()
        if waiting:
            payout_reject(payout=waiting, by=self.manager, note="no")

    @invariant()
    def balanced(self):
        if not hasattr(self, "members"):
            return
        assert (Entry.objects.aggregate(t=Sum("amount_cents"))["t"] or 0) == 0
        unbalanced = (
            LedgerTransaction.objects.annotate(t=Sum("entries__amount_cents"))
            .exclude(t=0)
            .count()
        )
        assert unbalanced == 0
        for member in self.members:
            summary = wallet_summary(member_id=member.pk)
            assert summary.pending_cents >= 0
            assert summary.available_cents >= 0


LedgerMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class TestLedgerMachine(LedgerMachine.TestCase, TestCase):
    pass


def test_iban_checksum_catches_any_single_digit_change():
    # the mod-97 check: changing one digit of a valid IBAN always breaks it
    for position in range(4, 27):
        digit = IBAN[position]
        for replacement in "0123456789":
            if replacement == digit:
                continue
            changed = IBAN[:position] + replacement + IBAN[position + 1 :]
            with pytest.raises(Exception):  # noqa: B017, PT011
                iban_clean(changed)
