"""Schemas shared by the integration API's endpoints."""

from typing import Annotated, Any

from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field, WithJsonSchema

from .rows import MAX_ROWS, BulkResult, Row


def rows_of(model: type[Row]) -> Any:
    """A list of rows typed `Any` (each row is validated alone, later) but documented
    in the OpenAPI schema with the row's real shape."""
    return Annotated[
        list[Annotated[Any, WithJsonSchema(model.model_json_schema())]],
        Field(description=f"At most {MAX_ROWS} rows a call."),
    ]


class Message(Schema):
    detail: str


class RowError(Schema):
    index: int = Field(description="Position of the row in the list, from 0.")
    id: str | int | None = Field(None, description="The row's id, for sales.")
    sku: str | int | None = Field(None, description="The row's SKU, for the catalog.")
    errors: dict[str, str] = Field(description="Field name → what is wrong.")


class BulkResultOut(Schema):
    created: int
    updated: int
    duplicates: int = Field(
        description="Rows that changed nothing: already recorded exactly so."
    )
    errors: list[RowError]


class RowConflict(Schema):
    index: int = Field(description="Position of the row in the list, from 0.")
    id: str = Field(description="The event's id, already recorded with other content.")
    fields: list[str] = Field(
        description="The fields whose value differs from what was recorded."
    )


class EventsBulkResultOut(BulkResultOut):
    conflicts: list[RowConflict] = Field(
        description=(
            "Rows whose id was already recorded with other content: nothing was "
            "recorded for them, and they are listed for the retailer in the admin."
        )
    )


BULK_RESPONSES = {
    200: BulkResultOut,
    400: Message,
    401: Message,
    403: Message,
    413: Message,
}
EVENTS_BULK_RESPONSES = {**BULK_RESPONSES, 200: EventsBulkResultOut}


def rows_limit(rows: list[Any]) -> None:
    """Refuse a batch above the limit as a whole: 413, nothing recorded."""
    if len(rows) > MAX_ROWS:
        raise HttpError(
            413,
            f"At most {MAX_ROWS} rows a call; this one has {len(rows)}. "
            "Split it into several calls.",
        )


def bulk_answer(result: BulkResult) -> dict[str, Any]:
    return result.as_dict()
