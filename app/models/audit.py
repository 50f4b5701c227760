"""The append-only audit log, each entry chained to the one before it by a hash (see app.services.audit_chain)."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.models.types import created_at_field


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_action_created_at", "action", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = created_at_field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    action: str = Field(max_length=64)
    subject: str = Field(default="", max_length=254, index=True)
    target_type: str = Field(default="", max_length=32)
    target_id: int | None = None
    ip: str = Field(default="", max_length=64, index=True)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The entry's place in the chain (1, 2, …; given as its transaction commits), the hash of the entry before it
    # and its own hash over its fields and that one.
    seq: int | None = Field(default=None, unique=True)
    prev_hash: str = Field(default="", max_length=64)
    entry_hash: str = Field(default="", max_length=64)
