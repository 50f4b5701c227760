"""List queries: opaque keyset cursors, the `{items, next_cursor}` list shape, and the day filters."""

import base64
import binascii
import json
import math
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from app.errors import InvalidInput
from app.models.types import FIRST_YEAR, LAST_YEAR

T = TypeVar("T")
MAX_LIMIT = 100
MAX_CURSOR_TEXT = 100


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(*values: Any) -> str:
    """An opaque cursor for the position after the last item shown."""
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *kinds: type) -> list[Any] | None:
    """The position a cursor stands for, one value of each kind (int, float, str, or an aware datetime written as
    text); a cursor that was not made by `encode_cursor` for these kinds is the caller's error (422)."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("The page cursor is not valid.") from None
    if not isinstance(values, list) or len(values) != len(kinds):
        raise InvalidInput("The page cursor is not valid.")
    return [_cursor_value(value, kind) for value, kind in zip(values, kinds, strict=True)]


def _cursor_value(value: Any, kind: type) -> Any:
    """One value of a cursor as `kind`, or a 422."""
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    if kind is str and isinstance(value, str) and 0 < len(value) <= MAX_CURSOR_TEXT:
        return value
    if kind is datetime and isinstance(value, str) and len(value) <= MAX_CURSOR_TEXT and (moment := _aware_utc(value)):
        return moment
    raise InvalidInput("The page cursor is not valid.")


def _aware_utc(text: str) -> datetime | None:
    """An ISO time with its zone, in UTC; None for anything else."""
    try:
        moment = datetime.fromisoformat(text)
        return moment.astimezone(UTC) if moment.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None


def parse_day(value: str | None) -> date | None:
    """A day typed in a list's date filter (YYYY-MM-DD); anything else, or a year out of range, is a 422."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            "Dates look like 2026-03-31, in the years {first} to {last}.", first=FIRST_YEAR, last=LAST_YEAR
        )
    return day


def clamp_limit(limit: int) -> int:
    """A page size between 1 and 100."""
    return max(1, min(limit, MAX_LIMIT))
