"""Low-level ledger writes shared by the services: accounts and balanced inserts."""

import json
from collections.abc import Iterable, Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Sum

from comptoir.db import sqlite_real_variable_limit

from .models import Account, Entry, LedgerTransaction

BULK_BATCH = 2_000


class UnbalancedTransaction(Exception):
    """A transaction whose entries do not sum to zero: a bug, never written."""


def system_account_id(kind: str) -> int:
    account, _ = Account.objects.get_or_create(kind=kind, member=None)
    return account.pk


def member_account_ids(member_ids: Iterable[int], kind: str) -> dict[int, int]:
    """Member id → id of their account of this kind, creating missing ones in bulk."""
    wanted = set(member_ids)
    if not wanted:
        return {}
    found = _member_accounts(wanted, kind)
    missing = wanted - set(found)
    if missing:
        with sqlite_real_variable_limit():
            Account.objects.bulk_create(
                [
                    Account(kind=kind, member_id=member_id)
                    for member_id in sorted(missing)
                ],
                ignore_conflicts=True,
                batch_size=BULK_BATCH,
            )
        found = _member_accounts(wanted, kind)
    return found


def _member_accounts(member_ids: set[int], kind: str) -> dict[int, int]:
    rows = Account.objects.filter(kind=kind, member__isnull=False)
    # A long IN list costs more than reading every account of the kind.
    if len(member_ids) < 500:
        rows = rows.filter(member_id__in=member_ids)
    return {
        member_id: account_id
        for member_id, account_id in rows.values_list("member_id", "id")
        if member_id in member_ids
    }


def account_balance(account_id: int) -> int:
    total = Entry.objects.filter(account_id=account_id).aggregate(
        total=Sum("amount_cents")
    )["total"]
    return int(total or 0)


# One entry to write: (account id, signed amount in cents, weight or None).
EntrySpec = tuple[int, int, int | None]


def transactions_write(
    items: Sequence[tuple[LedgerTransaction, Sequence[EntrySpec]]],
) -> list[int]:
    """Insert transactions and their entries in bulk; each must sum to zero.

    Returns the new transactions' ids, in order. The unique idempotency key makes a
    second write of the same movement fail, so callers check for existing keys first
    and this never writes anything twice. Rows go in with plain multi-row INSERTs
    (`executemany`): building 60,000 model instances through the ORM cost more than
    the whole rest of a monthly close.
    """
    for txn, entries in items:
        if sum(amount for _, amount, _ in entries) != 0:
            raise UnbalancedTransaction(txn.idempotency_key)
    if not items:
        return []
    ops = connection.ops
    txn_table = connection.ops.quote_name(LedgerTransaction._meta.db_table)
    entry_table = connection.ops.quote_name(Entry._meta.db_table)
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    keys = [txn.idempotency_key for txn, _ in items]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {txn_table} (idempotency_key, kind, created_at, period_id,"
            f" product_id, reverses_id, details) VALUES (%s, %s, %s, %s, %s, %s,"
            f" %s{json_cast})",
            [
                (
                    txn.idempotency_key,
                    txn.kind,
                    ops.adapt_datetimefield_value(txn.created_at),
                    txn.period_id,
                    txn.product_id,
                    txn.reverses_id,
                    json.dumps(txn.details, cls=DjangoJSONEncoder),
                )
                for txn, _ in items
            ],
        )
        ids = _ids_of(keys)
        cursor.executemany(
            f"INSERT INTO {entry_table} (transaction_id, account_id, amount_cents,"
            " weight) VALUES (%s, %s, %s, %s)",
            [
                (ids[key], account_id, amount, weight)
                for key, (_, entries) in zip(keys, items, strict=True)
                for account_id, amount, weight in entries
            ],
        )
    return [ids[key] for key in keys]


def _ids_of(keys: list[str]) -> dict[str, int]:
    if len(keys) <= 500:
        rows = LedgerTransaction.objects.filter(idempotency_key__in=keys)
    else:
        # A close writes thousands: one read of the ids written since the first.
        first = LedgerTransaction.objects.get(idempotency_key=keys[0]).pk
        rows = LedgerTransaction.objects.filter(pk__gte=first)
    wanted = set(keys)
    return {
        key: pk
        for key, pk in rows.values_list("idempotency_key", "id")
        if key in wanted
    }
