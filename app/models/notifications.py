"""Notifications: what happened that a person should know about, and whether they have seen it."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models.types import created_at_field, datetime_field


class Notification(SQLModel, table=True):
    """One line in someone's bell; repeated events with the same unread `batch_key` raise `count`."""

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    kind: str = Field(max_length=40)
    url: str = Field(max_length=500)
    message: str = Field(max_length=500)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    batch_key: str | None = Field(default=None, max_length=200, index=True)
    count: int = 1
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    read_at: datetime | None = datetime_field()


class NotificationPublic(SQLModel):
    id: int
    kind: str
    url: str
    text: str
    actor_id: int | None
    actor_name: str | None
    count: int
    created_at: datetime
    updated_at: datetime
    read: bool


class UnreadCount(SQLModel):
    unread: int
