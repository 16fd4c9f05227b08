"""Per-row validation of bulk pushes: one bad row never fails its batch.

Rows arrive as untyped JSON values. Each is checked alone against a strict pydantic
model (integers must be JSON integers: 12.0 and "1299" are refused, never coerced),
and every problem becomes a per-row error naming the field, so the sender can fix
exactly what was wrong and send those rows again.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from django.utils import timezone
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from marketplace.catalog.services import MAX_TAG_LENGTH, MAX_TAGS

MAX_ROWS = 1000
# PositiveIntegerField is a 32-bit integer on PostgreSQL.
MAX_INT32 = 2**31 - 1
# Ten billion euros in a single line is a mistake, and it keeps SUMs far from 2**63.
MAX_AMOUNT_CENTS = 10**12

MONEY_FIELDS = {"price_cents", "amount_cents"}


def _clean_text(value: str) -> str:
    # PostgreSQL refuses NUL in text and lone surrogates cannot be encoded: refuse
    # them here, as a row error, rather than as a database error for the batch.
    if "\x00" in value:
        raise PydanticCustomError("text_nul", "Must not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("text_encoding", "Must be valid Unicode.") from None
    return value


def _strip_string(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str,
        BeforeValidator(_require_string),
        BeforeValidator(_strip_string),
        StringConstraints(min_length=min_length, max_length=max_length, strict=True),
        AfterValidator(_clean_text),
    ]


def _require_string(value: Any) -> Any:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Must be a string.")
    return value


def _id_value(value: Any) -> Any:
    # Many tills number their tickets: accept integer ids, stored as their digits.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PydanticCustomError("id_type", "Must be a string or an integer.")
    return str(value).strip()


def _iso_datetime(value: Any) -> datetime:
    message = "Must be an ISO 8601 date and time, e.g. 2025-03-01T14:30:00+01:00."
    if not isinstance(value, str):
        raise PydanticCustomError("datetime_format", message)
    try:
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, OverflowError):
        raise PydanticCustomError("datetime_format", message) from None
    if moment.tzinfo is None:
        # A till's local time is ambiguous twice a year and across the chain's time
        # zones: the sender says which one it means rather than us guessing.
        raise PydanticCustomError(
            "datetime_naive",
            "Must give its offset from UTC, e.g. 2025-03-01T14:30:00+01:00 or "
            "2025-03-01T13:30:00Z.",
        )
    try:
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise PydanticCustomError("datetime_format", message) from None


# Sales before this come from a misconfigured till clock, not from Comptoir's era.
EARLIEST_EVENT = datetime(2000, 1, 1, tzinfo=UTC)
# Tills' clocks drift and time zones differ: a day ahead is tolerated, no more.
FUTURE_TOLERANCE = timedelta(days=1)


def _plausible_moment(moment: datetime) -> datetime:
    if moment < EARLIEST_EVENT:
        raise PydanticCustomError("datetime_past", "Must be on 2000-01-01 or later.")
    if moment > timezone.now() + FUTURE_TOLERANCE:
        raise PydanticCustomError(
            "datetime_future", "Cannot be more than a day in the future."
        )
    return moment


def _whole_number(value: Any) -> Any:
    # JSON has one number type: refuse 12.0 and "12" rather than guess what was meant.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "Must be a whole number.")
    return value


def _bounded_int(ge: int, le: int) -> Any:
    def check(value: int) -> int:
        if value < ge:
            raise PydanticCustomError("int_min", "Must be at least {ge}.", {"ge": ge})
        if value > le:
            raise PydanticCustomError("int_max", "Must be at most {le}.", {"le": le})
        return value

    return Annotated[int, BeforeValidator(check), BeforeValidator(_whole_number)]


def _strict_bool(value: Any) -> Any:
    if not isinstance(value, bool):
        raise PydanticCustomError("bool_type", "Must be true or false.")
    return value


EventId = Annotated[
    str,
    BeforeValidator(_id_value),
    StringConstraints(min_length=1, max_length=100),
    AfterValidator(_clean_text),
]
Sku = _text(64, min_length=1)
StoreCode = _text(20, min_length=1)
Quantity = _bounded_int(0, MAX_INT32)
PositiveQuantity = _bounded_int(1, MAX_INT32)
PriceCents = _bounded_int(0, MAX_INT32)
AmountCents = _bounded_int(0, MAX_AMOUNT_CENTS)
StrictBool = Annotated[bool, BeforeValidator(_strict_bool)]
EventMoment = Annotated[
    datetime, BeforeValidator(_iso_datetime), AfterValidator(_plausible_moment)
]
# The catalog's own limits, checked here per row before any tag is read.
Tag = _text(MAX_TAG_LENGTH, min_length=1)


class Row(BaseModel):
    """Base of every row: unknown keys are ignored, so senders can add fields."""

    model_config = {"extra": "ignore"}

    def cross_errors(self) -> dict[str, str]:
        """Errors that involve several fields, once each field is valid alone."""
        return {}


class ProductRow(Row):
    sku: Sku
    name: _text(200, min_length=1)
    price_cents: PriceCents
    description: _text(20_000) = ""
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] | None = None
    active: StrictBool = True


class StockRow(Row):
    sku: Sku
    store: StoreCode
    quantity: Quantity


class SaleEventRow(Row):
    id: EventId
    type: Literal["sale", "refund"]
    sku: Sku
    quantity: PositiveQuantity
    amount_cents: AmountCents
    store: StoreCode | None = None
    channel: Literal["online", "store"]
    customer_ref: _text(254) | None = None
    occurred_at: EventMoment
    refund_of: EventId | None = None

    def cross_errors(self) -> dict[str, str]:
        if self.type == "refund" and not self.refund_of:
            return {"refund_of": "A refund must give the id of the sale it refunds."}
        if self.type == "sale" and self.refund_of:
            return {"refund_of": "Only a refund refers to a sale."}
        if self.refund_of and self.refund_of == self.id:
            return {"refund_of": "A refund cannot refund itself."}
        return {}


@dataclass
class BulkResult:
    """What a bulk push did: counts, and the errors of the rows that were refused.

    created: new records; updated: existing records changed; duplicates: rows that
    changed nothing because the same thing was already recorded (a replayed event,
    an unchanged product or stock level, or a repeat within the batch).
    """

    key: str
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add_error(self, index: int, raw: Any, errors: dict[str, str]) -> None:
        entry: dict[str, Any] = {"index": index}
        value = raw.get(self.key) if isinstance(raw, dict) else None
        if isinstance(value, str) and len(value) <= 100:
            try:
                entry[self.key] = _clean_text(value)
            except PydanticCustomError:
                pass
        elif isinstance(value, int) and not isinstance(value, bool):
            if abs(value) < 10**18:
                entry[self.key] = value
        entry["errors"] = errors
        self.errors.append(entry)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "errors": self.errors,
        }


@dataclass
class EventsBulkResult(BulkResult):
    """A bulk push of events, which are never updated: an id sent again with other
    content is a conflict, listed apart from the errors; no event is recorded for it.
    """

    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def add_conflict(self, index: int, event_id: str, fields: list[str]) -> None:
        self.conflicts.append({"index": index, self.key: event_id, "fields": fields})

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "conflicts": self.conflicts}


def _messages(exc: PydanticValidationError, model: type[Row]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        loc = error.get("loc") or ()
        name = str(loc[0]) if loc else "row"
        if name in errors:
            continue
        kind = error.get("type", "")
        if kind == "missing":
            message = "This field is required."
        elif name in MONEY_FIELDS and kind == "int_type":
            message = (
                "Must be a whole number of cents, e.g. 1299 for €12.99 "
                "(no decimals, no quotes)."
            )
        elif kind in ("string_too_short", "too_short"):
            message = "Cannot be empty."
        elif kind == "too_long" and name == "tags" and len(loc) == 1:
            message = f"At most {MAX_TAGS} tags."
        elif kind in ("string_too_long", "too_long"):
            limit = (error.get("ctx") or {}).get("max_length")
            message = f"At most {limit} characters."
        elif kind == "string_type":
            message = "Must be a string."
        elif kind == "list_type":
            message = "Must be a list."
        else:
            message = str(error.get("msg", "Invalid value."))
        if name == "tags" and len(loc) > 1:
            message = f"Tag {loc[1]}: {message}"
        errors[name] = message
    return errors


R = TypeVar("R", bound=Row)


def rows_validate(
    rows: list[Any], model: type[R], result: BulkResult
) -> list[tuple[int, R]]:
    """The rows that are valid on their own, with their index; errors go to result."""
    valid: list[tuple[int, R]] = []
    for index, raw in enumerate(rows):
        if not isinstance(raw, dict):
            result.add_error(index, raw, {"row": "Each row must be a JSON object."})
            continue
        try:
            row = model.model_validate(raw)
        except PydanticValidationError as exc:
            result.add_error(index, raw, _messages(exc, model))
            continue
        except (RecursionError, ValueError, TypeError, OverflowError):
            result.add_error(index, raw, {"row": "This row could not be read."})
            continue
        cross = row.cross_errors()
        if cross:
            result.add_error(index, raw, cross)
            continue
        valid.append((index, row))
    return valid
