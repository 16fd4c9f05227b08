"""Integration API: the retailer's systems push sales and refunds."""

from django.http import HttpRequest
from ninja import Router, Schema

from marketplace.integrations.auth import ApiTokenAuth
from marketplace.integrations.models import SCOPE_SALES_WRITE
from marketplace.integrations.rows import SaleEventRow
from marketplace.integrations.schemas import (
    EVENTS_BULK_RESPONSES,
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
    response=EVENTS_BULK_RESPONSES,
    exclude_none=True,
    summary="Record sales and refunds",
)
def sales_bulk(request: HttpRequest, payload: SalesBulkIn):
    """Record up to 1,000 sale and refund events, idempotently by their `id`.

    An event already recorded with the same content (sent before, or twice in this
    batch) counts as a duplicate and changes nothing. An `id` already recorded with
    other content is listed in `conflicts` with the fields that differ: nothing is
    recorded for it, and the retailer finds it in the admin. Events may come in any
    order: a refund names its sale in `refund_of` and may arrive before it; it counts
    in net revenue once its sale has arrived. The refunds of a sale carry its `sku`
    and together never exceed its `quantity` or `amount_cents` (row errors).
    `amount_cents` is positive for both kinds: a refund is stored as a negative
    amount. `occurred_at` is ISO 8601 with its offset (`+01:00` or `Z`), from
    2000-01-01 to a day from now. `customer_ref` (loyalty card number, or e-mail
    compared without case) links the event to a member when one matches.
    """
    rows_limit(payload.events)
    return bulk_answer(sale_events_ingest(client=request.auth, rows=payload.events))
