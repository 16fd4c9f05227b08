"""The wallet at the till: staff spend a member's available store credit towards
what they collect, as a balanced ledger transaction the member sees on their
statement; never more than the balance, not even all at once (SQLite and
PostgreSQL: run once with DATABASE_URL=postgres://…)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.reservations.models import Reservation
from rewards.models import Account, Entry, LedgerTransaction
from rewards.selectors import wallet_summary
from rewards.services import (
    period_close,
    product_originators_set,
    programme_join,
    rewards_release,
    store_credit_spend,
)
from tests.factories import ProductFactory
from tests.rewards.conftest import at, ingest, sale_row, threads_db  # noqa: F401

OCT = dt.date(2026, 10, 1)


def credit_give(*members_cents):
    """Give members available credit the way the programme does: originators of
    a product sold in October, the month closed, then released after its hold."""
    for member, cents in members_cents:
        membership = programme_join(member=member, accept_terms=True)
        membership.opted_in_at = at(2026, 1, 1)
        membership.save(update_fields=["opted_in_at"])
        product = ProductFactory()
        product_originators_set(product=product, shares={member: 10_000})
        ingest([sale_row(product.sku, cents * 100, at(2026, 10, 5))])
    period_close(month=OCT)
    rewards_release(now=timezone.now() + dt.timedelta(days=31))
    for member, cents in members_cents:
        assert wallet_summary(member_id=member.pk).available_cents == cents


def available(member) -> int:
    return wallet_summary(member_id=member.pk).available_cents


def ledger_total() -> int:
    return Entry.objects.aggregate(total=Sum("amount_cents"))["total"] or 0


def spend(member, cents, *, key="till-1", by, store, reference="ABCDEFGH"):
    return store_credit_spend(
        member=member,
        amount_cents=cents,
        key=key,
        by=by,
        store=store,
        reference=reference,
    )


# --- The service ---------------------------------------------------------------


@pytest.mark.django_db
def test_staff_spend_the_members_credit_at_their_store(member, staff, store):
    credit_give((member, 3000))

    txn = spend(member, 1200, by=staff, store=store)

    assert txn.kind == LedgerTransaction.Kind.TILL
    assert txn.idempotency_key == "till:till-1"
    assert txn.details["store"] == "lyon-part-dieu"
    assert txn.details["reference"] == "ABCDEFGH"
    entries = dict(txn.entries.values_list("account__kind", "amount_cents"))
    assert entries == {Account.Kind.AVAILABLE: -1200, Account.Kind.STORE_CREDIT: 1200}
    assert available(member) == 1800
    assert ledger_total() == 0


@pytest.mark.django_db
def test_above_the_balance_is_refused_in_words(member, staff, store):
    credit_give((member, 3000))

    with pytest.raises(ValidationError) as refused:
        spend(member, 3001, by=staff, store=store)

    assert refused.value.message_dict == {
        "amount": ["Camille has €30.00 of store credit available."]
    }
    assert available(member) == 3000
    assert not LedgerTransaction.objects.filter(kind="till").exists()


@pytest.mark.django_db
def test_a_member_without_credit_is_refused(member, staff, store):
    with pytest.raises(ValidationError, match="has €0.00 of store credit"):
        spend(member, 100, by=staff, store=store)


@pytest.mark.django_db
@pytest.mark.parametrize("cents", [0, -500, "12"])
def test_an_amount_that_is_not_one_is_refused(member, staff, store, cents):
    credit_give((member, 3000))

    with pytest.raises(ValidationError):
        spend(member, cents, by=staff, store=store)

    assert available(member) == 3000


@pytest.mark.django_db
def test_replaying_the_same_key_spends_once(member, staff, store):
    credit_give((member, 3000))

    first = spend(member, 1000, key="form-7", by=staff, store=store)
    again = spend(member, 1000, key="form-7", by=staff, store=store)
    other_amount = spend(member, 2500, key="form-7", by=staff, store=store)

    assert first.pk == again.pk == other_amount.pk
    assert available(member) == 2000


@pytest.mark.django_db
def test_only_the_stores_staff_may_spend_there(member, other_staff, store, product):
    credit_give((member, 3000))

    with pytest.raises(PermissionDenied):
        spend(member, 1000, by=other_staff, store=store)
    with pytest.raises(PermissionDenied):
        spend(member, 1000, by=member, store=store)

    assert available(member) == 3000


@pytest.mark.django_db
def test_the_statement_shows_the_spend_in_words(member, staff, store):
    credit_give((member, 3000))
    spend(member, 1250, by=staff, store=store)
    client = Client()
    client.force_login(member)

    html = client.get(reverse("rewards:wallet")).content.decode()
    csv = client.get(reverse("rewards:statement_csv")).content.decode()

    assert "Spent at the till in Lyon Part-Dieu: €12.50" in html
    assert 'id="wallet-available">€17.50<' in html
    assert "Spent at the till in Lyon Part-Dieu: €12.50" in csv
    assert ",-12.50" in csv


# --- At once -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_spending_at_once_never_takes_the_balance_below_zero(
    threads_db,  # noqa: F811
    member,
    staff,
    store,
    other_store,
):
    # given €30.00 available, and ten €5.00 purchases at two tills at once
    credit_give((member, 3000))
    other_store.staff.add(staff)

    def purchase(n):
        def call():
            try:
                return spend(
                    member,
                    500,
                    key=f"till-{n}",
                    by=staff,
                    store=store if n % 2 else other_store,
                )
            except ValidationError:
                return None

        return call

    results, failures = threads_db([purchase(n) for n in range(10)])

    # then six went through, the others were refused, and the balance is zero
    assert failures == []
    assert sum(1 for r in results if r is not None) == 6
    balance, spends, total = threads_db.read(
        lambda: (
            available(member),
            LedgerTransaction.objects.filter(kind="till").count(),
            ledger_total(),
        )
    )
    assert (balance, spends, total) == (0, 6, 0)


@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_at_once_spends_once(
    threads_db,  # noqa: F811
    member,
    staff,
    store,
):
    credit_give((member, 3000))

    results, failures = threads_db(
        [lambda: spend(member, 1000, key="double-click", by=staff, store=store)] * 4
    )

    assert failures == []
    assert len({txn.pk for txn in results}) == 1
    assert threads_db.read(lambda: available(member)) == 2000


# --- From the reservation's admin page ----------------------------------------


def credit_url(reservation) -> str:
    return reverse("reservations_admin:credit", args=[reservation.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


@pytest.mark.django_db
def test_the_page_offers_the_smaller_of_the_credit_and_the_total(
    staff_client, reservation, member
):
    # €49.80 to pay, €30.00 available
    credit_give((member, 3000))

    html = staff_client.get(
        reverse("reservations_admin:detail", args=[reservation.pk])
    ).content.decode()

    assert 'id="desk-credit-available">€30.00<' in html
    assert 'name="amount" value="30.00"' in html
    assert 'name="request_key"' in html


@pytest.mark.django_db
def test_no_credit_no_form(staff_client, reservation):
    html = staff_client.get(
        reverse("reservations_admin:detail", args=[reservation.pk])
    ).content.decode()

    assert "Use store credit" not in html


@pytest.mark.django_db
def test_staff_use_the_credit_typed_in_euros(staff_client, reservation, member):
    credit_give((member, 3000))

    response = staff_client.post(
        credit_url(reservation), {"amount": "12,50 €", "request_key": "form-1"}
    )
    replay = staff_client.post(
        credit_url(reservation), {"amount": "12,50 €", "request_key": "form-1"}
    )

    assert response.status_code == replay.status_code == 302
    assert messages_of(response) == [
        "€12.50 of store credit used: €37.30 left to pay at the till."
    ]
    assert Reservation.objects.get(pk=reservation.pk).credit_applied_cents == 1250
    assert available(member) == 1750
    [txn] = LedgerTransaction.objects.filter(kind="till")
    assert txn.details["reference"] == reservation.code
    assert ledger_total() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "told"),
    [
        ("30.01", "Camille has €30.00 of store credit available."),
        ("abc", "Give the amount in euros, e.g. 12.50."),
        ("0", "The amount must be above zero."),
        ("-5", "Give the amount in euros, e.g. 12.50."),
        ("", "Give the amount in euros, e.g. 12.50."),
    ],
)
def test_what_cannot_be_spent_is_told_in_words(
    staff_client, reservation, member, amount, told
):
    credit_give((member, 3000))

    response = staff_client.post(
        credit_url(reservation), {"amount": amount, "request_key": "form-2"}
    )

    assert response.status_code == 302
    assert messages_of(response) == [told]
    assert available(member) == 3000


@pytest.mark.django_db
def test_never_more_than_is_left_to_pay(staff_client, reservation, member):
    # €60.00 available, €49.80 to pay
    credit_give((member, 6000))

    response = staff_client.post(
        credit_url(reservation), {"amount": "50.00", "request_key": "form-3"}
    )

    assert messages_of(response) == [
        "At most €49.80 of this reservation is left to pay."
    ]
    assert available(member) == 6000
