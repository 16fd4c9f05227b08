"""Integration API: the tills read a store's reservations and mark them collected.

Mounted under /api/v1/ through the integrations' plug-in point (an `ApiSection`
registered in wagtail_hooks.py), behind the `reservations:write` scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field, WithJsonSchema

from comptoir.keyset import Keyset
from marketplace.catalog.selectors import store_get
from marketplace.integrations.auth import ApiTokenAuth
from marketplace.integrations.rows import EventId
from marketplace.integrations.schemas import Message
from marketplace.sales.models import SaleEvent

from .models import Reservation, ReservationStatus
from .selectors import reservation_for_api, reservations_for_api, till_sale_get
from .services import reservation_collect

SCOPE_RESERVATIONS_WRITE = "reservations:write"
RESERVATION_SCOPES = {
    SCOPE_RESERVATIONS_WRITE: _("Read reservations and mark them collected"),
}

MAX_ID = 2**63 - 1
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Same order as the model's Meta.ordering and the desk: oldest pick-up first.
RESERVATION_KEYSET = Keyset(("pickup_day", "id"), tag="pickup")

router = Router(tags=["reservations"], auth=ApiTokenAuth(SCOPE_RESERVATIONS_WRITE))

ERROR_RESPONSES = {400: Message, 401: Message, 403: Message}


class ReservationOut(Schema):
    id: int
    code: str = Field(
        description=(
            "The pick-up code the member shows (their QR code holds it), without "
            'the dash they read: "ABCDEFGH" for ABCD-EFGH.'
        )
    )
    status: ReservationStatus
    store: str = Field(description="The store's code.")
    sku: str
    product_name: str
    quantity: int
    unit_price_cents: int = Field(description="The price when reserved, in cents.")
    total_cents: int = Field(description="quantity × unit_price_cents.")
    pickup_day: dt.date
    customer_ref: str | None = Field(
        description=(
            "The member's loyalty card number, or null when they have none (never "
            "their e-mail). Send it back as the sale's `customer_ref`."
        )
    )
    credit_applied_cents: int = Field(
        description="Store credit the member already used towards it, in cents."
    )
    created_at: dt.datetime
    ready_at: dt.datetime | None
    ended_at: dt.datetime | None = Field(
        description="When it was collected, cancelled or released."
    )


class ReservationPageOut(Schema):
    results: list[ReservationOut]
    next: str | None = Field(
        description=(
            "Opaque cursor: pass it as `after` for the next page; null on the last."
        )
    )


class CollectedIn(Schema):
    sale_id: EventId | None = Field(
        None,
        description=(
            "The `id` of the till's sale event for this purchase, sent before "
            "through /sales/bulk: the reservation is linked to it."
        ),
    )


# Query values are read as text and checked here, so a bad one is answered 400 in
# words like an unknown store, not with the body-shape message of a 422.
LimitParam = Annotated[
    str | None,
    WithJsonSchema(
        {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_LIMIT,
            "default": DEFAULT_LIMIT,
        }
    ),
]
StatusParam = Annotated[
    str | None, WithJsonSchema({"type": "string", "enum": ReservationStatus.values})
]


class ReservationsQuery(Schema):
    store: str | None = Field(None, description="A store's code; all stores if none.")
    status: StatusParam = Field(
        None,
        description="Confirmed and ready ones still hold stock; every status if none.",
    )
    after: str | None = Field(
        None, description="The `next` cursor of the previous page."
    )
    limit: LimitParam = Field(
        None, description=f"A page holds 1 to {MAX_LIMIT}, {DEFAULT_LIMIT} by default."
    )


def reservation_out(reservation: Reservation) -> dict[str, Any]:
    """What the tills see of a reservation: no name, no e-mail."""
    return {
        "id": reservation.pk,
        "code": reservation.code,
        "status": reservation.status,
        "store": reservation.store.code,
        "sku": reservation.product.sku,
        "product_name": reservation.product.name,
        "quantity": reservation.quantity,
        "unit_price_cents": reservation.unit_price_cents,
        "total_cents": reservation.total_cents,
        "pickup_day": reservation.pickup_day,
        "customer_ref": reservation.member.loyalty_card_number or None,
        "credit_applied_cents": reservation.credit_applied_cents,
        "created_at": reservation.created_at,
        "ready_at": reservation.ready_at,
        "ended_at": reservation.ended_at,
    }


def _limit(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return limit


def _store_code(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return store_get(code=value).code
    except Http404:
        raise HttpError(400, f"Unknown store code {value!r}.") from None


def _status(value: str | None) -> str | None:
    if not value:
        return None
    if value not in ReservationStatus.values:
        raise HttpError(
            400,
            f"Unknown status {value!r}; one of: {', '.join(ReservationStatus.values)}.",
        )
    return value


@router.get(
    "/reservations/",
    response={200: ReservationPageOut, **ERROR_RESPONSES},
    summary="List reservations for the tills",
)
def reservations_list(request: HttpRequest, query: Query[ReservationsQuery]):
    """Reservations, oldest pick-up day first (then by `id`), a page at a time.

    Filter by `store` (its code) and `status`. The answer's `next` is an opaque
    cursor: pass it as `after` to get the following page, until `next` is null.
    A reservation shows on one page only. An unknown store or status, a `limit`
    outside 1–200 or a cursor that cannot be read is answered 400 with a `detail`
    in words.
    """
    store, status, after, limit = query.store, query.status, query.after, query.limit
    per_page = _limit(limit)
    queryset = reservations_for_api(
        store_code=_store_code(store), status=_status(status)
    )
    page = RESERVATION_KEYSET.page(queryset, {"after": after or ""}, per_page=per_page)
    if page.fell_back:
        raise HttpError(
            400, "The cursor `after` cannot be read; pass the `next` of an answer."
        )
    return {
        "results": [reservation_out(r) for r in page.object_list],
        "next": page.next_cursor or None,
    }


def _reservation(reservation_id: int) -> Reservation:
    # An id beyond the database's integers is no reservation, not an overflow.
    if not 1 <= reservation_id <= MAX_ID:
        raise HttpError(404, f"No reservation with id {reservation_id}.")
    reservation = reservation_for_api(reservation_id)
    if reservation is None:
        raise HttpError(404, f"No reservation with id {reservation_id}.")
    return reservation


def _sale_event(sale_id: str, reservation: Reservation) -> SaleEvent:
    # Linking the wrong sale would mark the wrong purchase as verified, and a sale
    # already linked elsewhere would break the one-to-one link: say so in words.
    sale = till_sale_get(sale_id)
    if sale is None:
        raise HttpError(
            400,
            f"Unknown sale id {sale_id!r}: send the sale through /sales/bulk first, "
            "or mark the reservation collected without it.",
        )
    if reservation.status == ReservationStatus.COLLECTED:
        return sale
    if sale.product_id != reservation.product_id or (
        sale.store_id is not None and sale.store_id != reservation.store_id
    ):
        raise HttpError(
            400,
            f"Sale {sale_id!r} is not of this reservation's product at its store.",
        )
    linked = getattr(sale, "reservation", None)
    if linked is not None and linked.pk != reservation.pk:
        raise HttpError(
            409, f"Sale {sale_id!r} is already linked to reservation {linked.pk}."
        )
    return sale


@router.post(
    "/reservations/{reservation_id}/collected",
    response={200: ReservationOut, 404: Message, 409: Message, **ERROR_RESPONSES},
    summary="Mark a reservation collected",
)
def reservation_collected(
    request: HttpRequest, reservation_id: int, payload: CollectedIn | None = None
):
    """The member took their reservation at the till: it is collected, and its
    units stop being held (the sale itself lowers the stock).

    Give the till's sale in `sale_id` to link the purchase to the member; an
    unknown one is answered 400. Idempotent: marking it collected again answers
    200 with the same reservation and changes nothing. A cancelled or released
    reservation is answered 409, an unknown id 404, each with a `detail` in words.
    """
    reservation = _reservation(reservation_id)
    sale_id = payload.sale_id if payload is not None else None
    sale = _sale_event(sale_id, reservation) if sale_id else None
    if reservation.status != ReservationStatus.COLLECTED:
        if not reservation.is_open:
            raise HttpError(
                409,
                f"Reservation {reservation.pk} was {reservation.status}: it cannot "
                "be collected; sell the product as any other sale.",
            )
        try:
            reservation_collect(reservation=reservation, by=None, sale_event=sale)
        except ValidationError as exc:
            # Moved on meanwhile (cancelled by the member, released): its new state.
            raise HttpError(409, " ".join(exc.messages)) from None
        except IntegrityError:
            # The same sale linked to another reservation at the same instant.
            raise HttpError(
                409, f"Sale {sale_id!r} is already linked to another reservation."
            ) from None
    return reservation_out(_reservation(reservation_id))
