"""The search outbox: written in the same transaction as the content it describes."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.types import created_at_field


class SearchOutbox(SQLModel, table=True):
    __tablename__ = "search_outbox"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    op: str = Field(default="upsert", max_length=8)
    created_at: datetime = created_at_field()
