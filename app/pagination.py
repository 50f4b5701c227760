"""Keyset pagination: opaque cursors and the `{items, next_cursor}` list shape."""

import base64
import binascii
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from app.errors import InvalidInput

T = TypeVar("T")
MAX_LIMIT = 100


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(*values: Any) -> str:
    """An opaque cursor for the position after the last item shown."""
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int = 1) -> list[Any] | None:
    """The position a cursor stands for; a malformed cursor is the caller's error (422)."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("The page cursor is not valid.") from None
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidInput("The page cursor is not valid.")
    return values


def clamp_limit(limit: int) -> int:
    """A page size between 1 and 100."""
    return max(1, min(limit, MAX_LIMIT))
