"""Notifications: what happened that a person should know about, whether they have seen it, how they want to hear of
it (in the app, by e-mail at once or in a daily digest) and the mails waiting to go out."""

from datetime import date, datetime
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
    delivery: str | None = Field(default=None, max_length=10, index=True)  # "email" or "digest" while not yet mailed
    mailed_at: datetime | None = datetime_field()
    push_pending: bool = Field(default=False, index=True)  # to be pushed to the recipient's devices


class NotificationSetting(SQLModel, table=True):
    """One person's choices: a channel per category of notification and the hour of their daily digest."""

    __tablename__ = "notification_setting"
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    channels: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    digest_hour: int = 8  # local time, in the person's time zone
    last_digest_on: date | None = None  # the local day whose digest was composed
    push: list[str] | None = Field(default=None, sa_column=Column(JSON))  # categories pushed; None: the defaults


class OutgoingMail(SQLModel, table=True):
    """A mail waiting to be sent (or sent): composed once, retried until the SMTP server takes it."""

    __tablename__ = "outgoing_mail"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=100, unique=True)  # what it tells of ("notification:12", "digest:3:2026-12-04")
    recipient_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    text_body: str
    html_body: str
    created_at: datetime = created_at_field()
    next_attempt_at: datetime = created_at_field(index=True)
    attempts: int = 0
    locked_until: datetime | None = datetime_field()
    sent_at: datetime | None = datetime_field()
    failed_at: datetime | None = datetime_field()
    last_error: str = Field(default="", max_length=500)


class PushSubscription(SQLModel, table=True):
    """A browser's Web Push subscription (a phone, a desktop): where to post and the keys to encrypt for."""

    __tablename__ = "push_subscription"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    # the browser session that subscribed: once it is signed out (or revoked), nothing more is pushed to it
    session_id: int | None = Field(default=None, foreign_key="user_session.id", index=True, ondelete="CASCADE")
    endpoint: str = Field(max_length=2000, unique=True)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    created_at: datetime = created_at_field()
    last_sent_at: datetime | None = datetime_field()


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
