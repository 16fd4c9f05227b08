"""The ledger's balance guard: a transaction whose entries do not sum to zero is
never written, whichever way it is off, and the error names it."""

import pytest
from django.urls import reverse

from rewards.ledger import (
    UnbalancedTransaction,
    member_account_ids,
    system_account_id,
    transactions_write,
)
from rewards.models import Account, Entry, LedgerTransaction
from tests.factories import MemberFactory

from .conftest import member_joined

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    """A member's pending account and the programme's expense account."""
    member = member_joined()
    pending = member_account_ids([member.pk], Account.Kind.PENDING)[member.pk]
    return pending, system_account_id(Account.Kind.EXPENSE)


def _movement(key, *entries):
    return (
        LedgerTransaction(
            idempotency_key=key, kind=LedgerTransaction.Kind.ORIGINATOR, details={}
        ),
        list(entries),
    )


@pytest.mark.parametrize(
    ("member_cents", "expense_cents"),
    [(1000, -999), (999, -1000)],
    ids=["a cent too much", "a cent too little"],
)
def test_an_unbalanced_transaction_is_refused_and_nothing_is_written(
    accounts, member_cents, expense_cents
):
    # given a batch whose first movement balances and whose second is off by a cent
    pending, expense = accounts
    batch = [
        _movement("test:balanced", (pending, 500, None), (expense, -500, None)),
        _movement(
            "test:off-by-a-cent",
            (pending, member_cents, None),
            (expense, expense_cents, None),
        ),
    ]
    # when it is written
    with pytest.raises(UnbalancedTransaction) as refused:
        transactions_write(batch)
    # then the error names the unbalanced movement, and not even the balanced one
    # of the batch was written
    assert str(refused.value) == "test:off-by-a-cent"
    assert not LedgerTransaction.objects.exists()
    assert not Entry.objects.exists()


def test_a_balanced_batch_is_written_whole(accounts):
    # given two balanced movements
    pending, expense = accounts
    batch = [
        _movement("test:one", (pending, 500, 10), (expense, -500, None)),
        _movement("test:two", (pending, 1, None), (expense, -1, None)),
    ]
    # when they are written
    ids = transactions_write(batch)
    # then both are there, in order, each summing to zero
    assert [LedgerTransaction.objects.get(pk=pk).idempotency_key for pk in ids] == [
        "test:one",
        "test:two",
    ]
    for pk in ids:
        amounts = Entry.objects.filter(transaction_id=pk).values_list(
            "amount_cents", flat=True
        )
        assert sum(amounts) == 0


def test_the_ledger_cannot_be_edited_from_the_admin(client):
    # given a superuser and a transaction in the ledger
    admin = MemberFactory(email="admin@comptoir.example", is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    member = member_joined()
    pending = member_account_ids([member.pk], Account.Kind.PENDING)[member.pk]
    expense = system_account_id(Account.Kind.EXPENSE)
    [pk] = transactions_write(
        [_movement("test:admin", (pending, 100, None), (expense, -100, None))]
    )

    def url(name, *args):
        return reverse(f"wagtailsnippets_rewards_ledgertransaction:{name}", args=args)

    # when they try to add, edit or delete it, then they may not; they may look
    assert client.get(url("add")).status_code in (302, 403)
    assert client.get(url("edit", pk)).status_code in (302, 403)
    client.post(url("delete", pk))
    assert LedgerTransaction.objects.filter(pk=pk).exists()
    assert client.get(url("inspect", pk)).status_code == 200
