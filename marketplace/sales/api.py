"""Integration API: the retailer's systems push sales and refunds."""

from django.http import HttpRequest
from ninja import Router, Schema

from marketplace.integrations.auth import ApiTokenAuth
from marketplace.integrations.models import SCOPE_SALES_WRITE
from marketplace.integrations.rows import SaleEventRow
from marketplace.integrations.schemas import (
    BULK_RESPONSES,
    bulk_answer,
    rows_limit,
    rows_of,
)

from .services import sale_events_ingest

router = Router(tags=["sales"], auth=ApiTokenAuth(SCOPE_SALES_WRITE))


class SalesBulkIn(Schema):
    events: rows_of(SaleEventRow)


@router.post(
    "/sales/bulk",
    response=BULK_RESPONSES,
    exclude_none=True,
    summary="Record sales and refunds",
)
def sales_bulk(request: HttpRequest, payload: SalesBulkIn):
    """Record up to 1,000 sale and refund events, idempotently by their `id`.

    An event already recorded (sent before, or twice in this batch) counts as a
    duplicate and changes nothing; events may come in any order, a refund before its
    sale. `amount_cents` is positive for both kinds: a refund is stored as a negative
    amount. `occurred_at` is ISO 8601; a time without an offset is taken as UTC.
    `customer_ref` (loyalty card number, or e-mail compared without case) links the
    event to a member when one matches.
    """
    rows_limit(payload.events)
    return bulk_answer(sale_events_ingest(client=request.auth, rows=payload.events))
