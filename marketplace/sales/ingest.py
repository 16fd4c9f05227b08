"""The steps of `services.sale_events_ingest`, in the order it takes them.

Rows become events (product, store and member found; repeats within the batch
compared with their first copy), the sale-id locks are taken, what is recorded
under the batch's ids is read in one query, each event is checked against it
(replay, conflict, or a sale and its refunds that must fit), and the accepted
events are inserted in one statement. A fixed number of queries per batch.
"""

import datetime as dt
import hashlib
import json
import uuid
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from marketplace.catalog.models import Product, Store
from marketplace.integrations.models import ApiClient
from marketplace.integrations.rows import EventsBulkResult, SaleEventRow

from .models import SaleEvent, SaleEventConflict


def _members_by_ref(refs: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    """(loyalty card number → member id, lower-cased e-mail → member id)."""
    cards = {ref for ref in refs if "@" not in ref}
    emails = {ref.lower() for ref in refs if "@" in ref}
    if not cards and not emails:
        return {}, {}
    condition = Q()
    if cards:
        condition |= Q(loyalty_card_number__in=cards)
    if emails:
        condition |= Q(email_lower__in=emails)
    by_card: dict[str, int] = {}
    by_email: dict[str, int] = {}
    members = (
        get_user_model()
        .objects.annotate(email_lower=Lower("email"))
        .filter(condition)
        .values_list("id", "loyalty_card_number", "email_lower")
    )
    for member_id, card, email in members:
        if card:
            by_card[card] = member_id
        by_email[email] = member_id
    return by_card, by_email


@dataclass
class Event:
    """A valid row with its product, store and member found: an event to record."""

    index: int
    row: SaleEventRow
    product_id: int
    store_id: int | None
    member_id: int | None

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def is_refund(self) -> bool:
        return self.row.type == SaleEvent.Kind.REFUND

    def as_recorded(self) -> dict[str, Any]:
        """The event as `recorded_read` gives recorded ones."""
        row = self.row
        return {
            "external_id": row.id,
            "kind": row.type,
            "product_id": self.product_id,
            "product__sku": row.sku,
            "quantity": row.quantity,
            "amount_cents": row.amount_cents,
            "store__code": row.store,
            "channel": row.channel,
            "customer_ref": row.customer_ref or "",
            "occurred_at": row.occurred_at,
            "refund_of": row.refund_of or "",
        }

    def model(self, *, client: ApiClient | None, batch: uuid.UUID) -> SaleEvent:
        row = self.row
        sign = -1 if self.is_refund else 1
        return SaleEvent(
            external_id=row.id,
            kind=row.type,
            product_id=self.product_id,
            quantity=row.quantity,
            amount_cents=row.amount_cents,
            net_cents=sign * row.amount_cents,
            store_id=self.store_id,
            channel=row.channel,
            customer_ref=row.customer_ref or "",
            member_id=self.member_id,
            occurred_at=row.occurred_at,
            refund_of=row.refund_of or "",
            client=client,
            ingest_batch=batch,
        )


@dataclass
class Refunded:
    """What the recorded and accepted refunds of one sale add up to."""

    quantity: int = 0
    amount_cents: int = 0
    skus: set[str] = field(default_factory=set)
    ids: list[str] = field(default_factory=list)

    def add(self, *, event_id: str, sku: str, quantity: int, amount_cents: int) -> None:
        self.quantity += quantity
        self.amount_cents += amount_cents
        self.skus.add(sku)
        self.ids.append(event_id)


# API field → key of a recorded event's values, compared when an id comes again.
_COMPARED = {
    "type": "kind",
    "sku": "product__sku",
    "quantity": "quantity",
    "amount_cents": "amount_cents",
    "store": "store__code",
    "channel": "channel",
    "customer_ref": "customer_ref",
    "occurred_at": "occurred_at",
    "refund_of": "refund_of",
}


def _differences(recorded: dict[str, Any], sent: dict[str, Any]) -> list[str]:
    """The API fields whose value differs between a recorded event and a resend.

    A blank recorded customer reference matches any: the sender may not have known
    the customer then, or the customer was forgotten on request (erasure) and the
    sender still has it; neither is a disagreement worth a retailer's time.
    """
    return [
        name
        for name, key in _COMPARED.items()
        if recorded[key] != sent[key]
        and not (name == "customer_ref" and not recorded[key])
    ]


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


@dataclass
class Conflict:
    """A row whose id is recorded (or earlier in the batch) with other content."""

    event: Event
    recorded: dict[str, Any]
    fields: list[str]

    def model(self, *, client: ApiClient | None) -> SaleEventConflict:
        sent = self.event.as_recorded()
        content = {name: _json_value(sent[key]) for name, key in _COMPARED.items()}
        fingerprint = hashlib.sha256(
            json.dumps([self.event.id, content], sort_keys=True).encode()
        ).hexdigest()
        return SaleEventConflict(
            external_id=self.event.id,
            client=client,
            fields=self.fields,
            recorded={f: _json_value(self.recorded[_COMPARED[f]]) for f in self.fields},
            sent={f: content[f] for f in self.fields},
            fingerprint=fingerprint,
        )


def events_resolve(
    valid: list[tuple[int, SaleEventRow]], rows: list[Any], result: EventsBulkResult
) -> tuple[list[Event], list[Conflict]]:
    """The first row of each id with its product, store and member; unknown SKUs and
    stores are row errors; a later row with the same id is a duplicate of the first,
    or a conflict with it when its content differs."""
    skus = {row.sku for _, row in valid}
    codes = {row.store for _, row in valid if row.store}
    refs = {row.customer_ref for _, row in valid if row.customer_ref}
    products = dict(Product.objects.filter(sku__in=skus).values_list("sku", "id"))
    stores = (
        dict(Store.objects.filter(code__in=codes).values_list("code", "id"))
        if codes
        else {}
    )
    by_card, by_email = _members_by_ref(refs)
    first: dict[str, Event] = {}
    conflicts: list[Conflict] = []
    for index, row in valid:
        errors = {}
        product_id = products.get(row.sku)
        if product_id is None:
            errors["sku"] = "Unknown SKU."
        store_id = stores.get(row.store) if row.store else None
        if row.store and store_id is None:
            errors["store"] = "Unknown store code."
        if errors:
            result.add_error(index, rows[index], errors)
            continue
        ref = row.customer_ref or ""
        member_id = by_email.get(ref.lower()) if "@" in ref else by_card.get(ref)
        event = Event(index, row, product_id, store_id, member_id)
        earlier = first.get(row.id)
        if earlier is None:
            first[row.id] = event
            continue
        recorded = earlier.as_recorded()
        fields = _differences(recorded, event.as_recorded())
        if fields:
            conflicts.append(Conflict(event, recorded, fields))
        else:
            result.duplicates += 1
    return list(first.values()), conflicts


# Sales and their refunds are checked against each other under a lock per sale id,
# taken before anything is read: a refund takes its sale's exclusively (two batches
# refunding one sale go one after the other), a sale its own shared (sales alone
# never wait for each other, but a sale and a refund of it do, whichever arrives
# first). The ids fall into 64 buckets, so a batch holds at most 64 locks whatever
# its size: PostgreSQL's lock table is sized for 64 a connection by default, and a
# lock per id ran out of it with a few dozen batches of 1,000 at once. This
# constant is the first key of the two-key advisory locks, so they meet no other.
SALE_LOCK_CLASS = 0x5A1E
SALE_LOCK_BUCKETS = 64


def _sale_bucket(sale_id: str) -> int:
    return zlib.crc32(sale_id.encode()) % SALE_LOCK_BUCKETS


def sales_lock(*, sales: set[str], refunded: set[str]) -> None:
    """Take the sale-id locks for this transaction, in bucket order (no deadlock).

    PostgreSQL only: SQLite's immediate transactions already let one writer in at
    a time, and it reads inside that transaction.
    """
    if connection.vendor != "postgresql" or not (sales or refunded):
        return
    exclusive = {_sale_bucket(sale_id): False for sale_id in sales}
    exclusive.update({_sale_bucket(sale_id): True for sale_id in refunded})
    buckets = sorted(exclusive)
    with connection.cursor() as cursor:
        # The ordered subquery is not flattened, so the locks go in bucket order.
        cursor.execute(
            "SELECT CASE WHEN exclusive THEN pg_advisory_xact_lock(%s, bucket)"
            " ELSE pg_advisory_xact_lock_shared(%s, bucket) END"
            " FROM (SELECT bucket, exclusive FROM unnest(%s::int[], %s::bool[])"
            " AS wanted (bucket, exclusive) ORDER BY bucket) AS ordered",
            [
                SALE_LOCK_CLASS,
                SALE_LOCK_CLASS,
                buckets,
                [exclusive[bucket] for bucket in buckets],
            ],
        )


def recorded_read(keys: set[str]) -> tuple[dict[str, dict], dict[str, Refunded]]:
    """Recorded events under these ids, and the recorded refunds naming them."""
    by_id: dict[str, dict] = {}
    refunded: dict[str, Refunded] = defaultdict(Refunded)
    if not keys:
        return by_id, refunded
    if connection.vendor == "postgresql":
        recorded = _recorded_rows_postgresql(keys)
    else:
        recorded = SaleEvent.objects.filter(
            Q(external_id__in=keys) | Q(refund_of__in=keys)
        ).values(*_COMPARED.values(), "external_id", "product_id")
    for event in recorded:
        if event["external_id"] in keys:
            by_id[event["external_id"]] = event
        if event["kind"] == SaleEvent.Kind.REFUND and event["refund_of"] in keys:
            refunded[event["refund_of"]].add(
                event_id=event["external_id"],
                sku=event["product__sku"],
                quantity=event["quantity"],
                amount_cents=event["amount_cents"],
            )
    return by_id, refunded


# The keys of a recorded event's values, in the order of _RECORDED_SQL's columns.
_RECORDED_KEYS = (
    "external_id",
    "kind",
    "product_id",
    "product__sku",
    "quantity",
    "amount_cents",
    "store__code",
    "channel",
    "customer_ref",
    "occurred_at",
    "refund_of",
)


def _recorded_sql() -> str:
    event, product, store = SaleEvent, Product, Store
    return (
        "SELECT e.external_id, e.kind, e.product_id, p.sku, e.quantity,"
        " e.amount_cents, s.code, e.channel, e.customer_ref, e.occurred_at,"
        " e.refund_of"
        f" FROM {event._meta.db_table} e"
        f" JOIN {product._meta.db_table} p ON p.id = e.product_id"
        f" LEFT JOIN {store._meta.db_table} s ON s.id = e.store_id"
        # One array parameter each instead of IN lists of 1,000 placeholders,
        # which Django builds and psycopg quotes one by one. Each array is behind a
        # scalar subquery so the planner does not see its 1,000 values: when it
        # does (an IN list or a literal array), it reckons that 2,000 index probes
        # cost more than reading the whole table, and scans all of it (38 ms at
        # 240,000 events, growing with the table; 2 ms through the indexes).
        " WHERE e.external_id = ANY((SELECT %s::varchar[])::varchar[])"
        " OR e.refund_of = ANY((SELECT %s::varchar[])::varchar[])"
    )


def _recorded_rows_postgresql(keys: set[str]) -> list[dict[str, Any]]:
    """`recorded_read`'s query on PostgreSQL, with the same values as the ORM's."""
    wanted = list(keys)
    with connection.cursor() as cursor:
        cursor.execute(_recorded_sql(), [wanted, wanted])
        return [dict(zip(_RECORDED_KEYS, row, strict=True)) for row in cursor]


def _sale_errors(event: Event, refunds: Refunded | None) -> dict[str, str]:
    """A sale arriving after refunds of it: they must fit in it."""
    if refunds is None or not refunds.ids:
        return {}
    row = event.row
    names = ", ".join(sorted(refunds.ids)[:5])
    if refunds.skus != {row.sku}:
        return {
            "sku": f"Refunds recorded for this sale ({names}) are of SKU "
            f"{', '.join(sorted(refunds.skus))}; a refund carries its sale's SKU."
        }
    if refunds.quantity > row.quantity:
        return {
            "quantity": f"Refunds recorded for this sale ({names}) total "
            f"{refunds.quantity} units, more than its {row.quantity}."
        }
    if refunds.amount_cents > row.amount_cents:
        return {
            "amount_cents": f"Refunds recorded for this sale ({names}) total "
            f"{refunds.amount_cents} cents, more than its {row.amount_cents}."
        }
    return {}


def _refund_errors(
    event: Event, sale: dict | None, refunds: Refunded | None
) -> dict[str, str]:
    """A refund of a recorded (or accepted) sale: same SKU, and with the refunds
    before it, no more units or cents than were sold."""
    if sale is None:
        return {}
    row = event.row
    if sale["kind"] != SaleEvent.Kind.SALE:
        return {"refund_of": f"{row.refund_of} is a refund, not a sale."}
    if sale["product__sku"] != row.sku:
        return {
            "sku": f"Sale {row.refund_of} is of SKU {sale['product__sku']}; a refund "
            "carries its sale's SKU."
        }
    quantity = row.quantity + (refunds.quantity if refunds else 0)
    if quantity > sale["quantity"]:
        return {
            "quantity": f"Refunds of {row.refund_of} would total {quantity} units, "
            f"more than the {sale['quantity']} sold."
        }
    amount = row.amount_cents + (refunds.amount_cents if refunds else 0)
    if amount > sale["amount_cents"]:
        return {
            "amount_cents": f"Refunds of {row.refund_of} would total {amount} cents, "
            f"more than the {sale['amount_cents']} sold."
        }
    return {}


def events_check(
    events: list[Event],
    *,
    recorded: dict[str, dict],
    refunded: dict[str, Refunded],
    rows: list[Any],
    result: EventsBulkResult,
    conflicts: list[Conflict],
) -> list[Event]:
    """The events to insert: not recorded yet, and fitting with their sale or
    refunds. Sales go first, so a refund sent in the batch of its sale, before it
    or after it, is checked against it."""
    accepted: list[Event] = []
    fresh: list[Event] = []
    for event in events:
        known = recorded.get(event.id)
        if known is None:
            fresh.append(event)
            continue
        fields = _differences(known, event.as_recorded())
        if fields:
            conflicts.append(Conflict(event, known, fields))
        else:
            result.duplicates += 1
    sales = {event.id: event for event in fresh if not event.is_refund}
    for event in sales.values():
        errors = _sale_errors(event, refunded.get(event.id))
        if errors:
            result.add_error(event.index, rows[event.index], errors)
            continue
        recorded[event.id] = event.as_recorded()
        accepted.append(event)
    for event in fresh:
        if not event.is_refund:
            continue
        row = event.row
        if refunded.get(event.id) and refunded[event.id].ids:
            names = ", ".join(sorted(refunded[event.id].ids)[:5])
            errors = {
                "type": f"Refunds recorded ({names}) name {event.id} as their sale: "
                "it cannot be a refund."
            }
        else:
            errors = _refund_errors(
                event, recorded.get(row.refund_of), refunded.get(row.refund_of)
            )
        if errors:
            result.add_error(event.index, rows[event.index], errors)
            continue
        refunded[row.refund_of].add(
            event_id=event.id,
            sku=row.sku,
            quantity=row.quantity,
            amount_cents=row.amount_cents,
        )
        recorded[event.id] = event.as_recorded()
        accepted.append(event)
    return accepted


def events_insert(
    accepted: list[Event],
    *,
    client: ApiClient | None,
    batch: uuid.UUID,
    result: EventsBulkResult,
    conflicts: list[Conflict],
) -> set[str]:
    """Insert the accepted events in one statement; count what was new and
    return the sender's ids this call recorded."""
    # Inserting in id order makes concurrent batches lock index entries in the same
    # order on PostgreSQL, so overlapping batches wait for each other, never deadlock.
    ordered = sorted(accepted, key=lambda event: event.id)
    if connection.vendor == "postgresql":
        created = _insert_postgresql(ordered, client=client, batch=batch)
    else:
        created = _insert_orm(ordered, client=client, batch=batch)
    result.created = len(created)
    # Rows recorded by a concurrent call in the meantime were skipped by the unique
    # sender's id (a sale: two calls may record sales of one id at once); they are
    # compared with what won.
    skipped = [event for event in ordered if event.id not in created]
    if not skipped:
        return created
    winners, _ = recorded_read({event.id for event in skipped})
    for event in skipped:
        fields = _differences(winners[event.id], event.as_recorded())
        if fields:
            conflicts.append(Conflict(event, winners[event.id], fields))
        else:
            result.duplicates += 1
    return created


def _insert_orm(
    ordered: list[Event], *, client: ApiClient | None, batch: uuid.UUID
) -> set[str]:
    """bulk_create, then the ids carrying this batch's mark: the new ones."""
    # One INSERT for a batch of 1,000 events rather than 16 of 66.
    SaleEvent.objects.bulk_create(
        [event.model(client=client, batch=batch) for event in ordered],
        ignore_conflicts=True,
    )
    ids = [event.id for event in ordered]
    return set(
        SaleEvent.objects.filter(external_id__in=ids, ingest_batch=batch).values_list(
            "external_id", flat=True
        )
    )


# (column, PostgreSQL array type) of each value an event brings, in _INSERT order.
_INSERTED = (
    ("external_id", "varchar"),
    ("kind", "varchar"),
    ("product", "bigint"),
    ("quantity", "integer"),
    ("amount_cents", "bigint"),
    ("net_cents", "bigint"),
    ("store", "bigint"),
    ("channel", "varchar"),
    ("customer_ref", "varchar"),
    ("member", "bigint"),
    ("occurred_at", "timestamptz"),
    ("refund_of", "varchar"),
)


def _insert_sql() -> str:
    columns = [SaleEvent._meta.get_field(name).column for name, _ in _INSERTED]
    batch_columns = [
        SaleEvent._meta.get_field(name).column
        for name in ("received_at", "client", "ingest_batch")
    ]
    arrays = ", ".join(f"%s::{kind}[]" for _, kind in _INSERTED)
    return (
        f"INSERT INTO {SaleEvent._meta.db_table}"
        f" ({', '.join(columns + batch_columns)})"
        f" SELECT {', '.join(columns)}, %s, %s, %s"
        f" FROM unnest({arrays}) AS event ({', '.join(columns)})"
        f" ON CONFLICT ({SaleEvent._meta.get_field('external_id').column}) DO NOTHING"
        f" RETURNING {SaleEvent._meta.get_field('external_id').column}"
    )


def _insert_postgresql(
    ordered: list[Event], *, client: ApiClient | None, batch: uuid.UUID
) -> set[str]:
    """One INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING: the
    ids it returns are the new ones.

    Measured on a batch of 1,000, it costs a third of what bulk_create and the read
    after it did: no model instances, no 15,000 placeholders to build and quote, and
    no second query. unnest keeps the arrays' order, so rows go in id order.
    """
    rows = [event.row for event in ordered]
    refund = SaleEvent.Kind.REFUND
    values = [
        [row.id for row in rows],
        [row.type for row in rows],
        [event.product_id for event in ordered],
        [row.quantity for row in rows],
        [row.amount_cents for row in rows],
        [-row.amount_cents if row.type == refund else row.amount_cents for row in rows],
        [event.store_id for event in ordered],
        [row.channel for row in rows],
        [row.customer_ref or "" for row in rows],
        [event.member_id for event in ordered],
        [row.occurred_at for row in rows],
        [row.refund_of or "" for row in rows],
    ]
    # received_at as the ORM's auto_now_add would set it: Django's clock, not the
    # database's, so tests that move time move it too.
    received_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(),
            [received_at, client.pk if client else None, batch, *values],
        )
        return {external_id for (external_id,) in cursor.fetchall()}
