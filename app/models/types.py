"""Column types shared by every model."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError
from sqlalchemy import DateTime, String, TypeDecorator
from sqlmodel import Field

FIRST_YEAR, LAST_YEAR = 1900, 2999  # a date typed outside these years is a typo, and its arithmetic overflows


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A `timestamptz` that always comes back aware in UTC, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use app.models.types.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EnumString(TypeDecorator[StrEnum]):
    """A `StrEnum` stored as its text (a VARCHAR): loaded rows hold the member, not a bare str."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum
        self.length = length

    def process_result_value(self, value: str | None, dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum(value)


def created_at_field(**kwargs: Any) -> Any:
    """A UTC timestamp column defaulting to now."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, **kwargs)


def datetime_field(**kwargs: Any) -> Any:
    """An optional UTC timestamp column."""
    return Field(default=None, sa_type=UTCDateTime, **kwargs)


def _refuse_bool(value: Any) -> Any:
    """JSON's true and false are not ids (pydantic's lax mode would read them as 1 and 0)."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# An id in request input: an integer, or its digits as a form sends them; never true/false.
StrictId = Annotated[int, BeforeValidator(_refuse_bool)]


def _within_calendar(value: datetime) -> datetime:
    """A time a person typed: within Kolo's years, so converting it to UTC cannot overflow."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "datetime_range", "Dates must be in the years {first} to {last}", {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


# A date and time in request input (event times, a pin's end).
InputDateTime = Annotated[datetime, AfterValidator(_within_calendar)]
