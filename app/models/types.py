"""Column types shared by every model."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, TypeDecorator
from sqlmodel import Field


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


def created_at_field(**kwargs: Any) -> Any:
    """A UTC timestamp column defaulting to now."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, **kwargs)


def datetime_field(**kwargs: Any) -> Any:
    """An optional UTC timestamp column."""
    return Field(default=None, sa_type=UTCDateTime, **kwargs)
