"""Writes to sales: ingesting the retailer's sale and refund events."""

import uuid
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from comptoir.db import sqlite_real_variable_limit
from marketplace.integrations.models import ApiClient
from marketplace.integrations.rows import (
    EventsBulkResult,
    SaleEventRow,
    rows_validate,
)

from .ingest import (
    events_check,
    events_insert,
    events_resolve,
    recorded_read,
    sales_lock,
)
from .listeners import sales_recorded_tell
from .models import SaleEvent, SaleEventConflict
from .selectors import sale_events_of_customer

IngestResult = EventsBulkResult


def sale_events_ingest(
    *, client: ApiClient | None, rows: list[Any]
) -> EventsBulkResult:
    """Record a batch of sale and refund events; returns counts, errors, conflicts.

    Idempotency rule: an event is keyed by the sender's `id`. Sent again — in the
    same batch, in another batch, in any order, or by two calls at once — with the
    same content it is a duplicate and changes nothing; with other content it is a
    conflict: nothing is recorded, the row is listed in `conflicts` with the fields
    that differ, and kept once in `SaleEventConflict` for the retailer to look into.

    A refund names its sale (`refund_of`) and may arrive before it: it is kept, and
    counts in net revenue only once its sale arrives. The refunds of a sale carry
    its SKU and together never exceed its quantity or amount: a refund that would is
    a row error, and so is a sale arriving after refunds of it that do not fit.
    Concurrent batches check sales and refunds under a lock per sale id.

    Bad rows are reported by index and field; the good rows of the batch are
    recorded in one transaction. A customer_ref links the event to the member with
    that loyalty card number, or with that e-mail address compared without case.
    """
    result = EventsBulkResult(key="id")
    valid = rows_validate(rows, SaleEventRow, result)
    if not valid:
        return result
    events, conflicts = events_resolve(valid, rows, result)
    batch = uuid.uuid4()
    with transaction.atomic(), sqlite_real_variable_limit():
        sales_lock(
            sales={event.id for event in events if not event.is_refund},
            refunded={event.row.refund_of for event in events if event.is_refund},
        )
        keys = {event.id for event in events} | {
            event.row.refund_of for event in events if event.is_refund
        }
        recorded, refunded = recorded_read(keys)
        accepted = events_check(
            events,
            recorded=recorded,
            refunded=refunded,
            rows=rows,
            result=result,
            conflicts=conflicts,
        )
        if accepted:
            created = events_insert(
                accepted, client=client, batch=batch, result=result, conflicts=conflicts
            )
            # Reservations collected at the till and the like (listeners.py): a
            # lazy queryset, by sender's id (unique index), that a listener narrows
            # before reading.
            if created:
                sales_recorded_tell(SaleEvent.objects.filter(external_id__in=created))
        if conflicts:
            SaleEventConflict.objects.bulk_create(
                [conflict.model(client=client) for conflict in conflicts],
                ignore_conflicts=True,
            )
    for conflict in sorted(conflicts, key=lambda c: c.event.index):
        result.add_conflict(conflict.event.index, conflict.event.id, conflict.fields)
    result.errors.sort(key=lambda error: error["index"])
    return result


@transaction.atomic
def sale_events_forget_customer(*, member) -> int:
    """Unlink a member from their sales and blank the customer reference; returns
    how many events were touched.

    For erasure requests: the one change ever made to a recorded event. Products,
    amounts and dates stay, so revenue, rewards and reviews' verified purchases of
    others do not move.
    """
    events = sale_events_of_customer(member=member)
    # The model's append-only guard is bypassed on purpose, for these two fields
    # only; PostgreSQL's trigger lets exactly this through (migration 0004).
    return QuerySet.update(events, member=None, customer_ref="")
