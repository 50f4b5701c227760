"""Synonym groups managers curate: their own groups, and edits of the shipped thesaurus's groups (or switching one
off), which search applies from the next query."""

from datetime import datetime
from typing import Literal

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models.types import created_at_field

Origin = Literal["shipped", "edited", "local"]


class SynonymGroup(SQLModel, table=True):
    """A group of terms that find each other: a local group (`shipped_head` empty), or the row that overrides the
    shipped group with that head (new terms, or `disabled`: switched off)."""

    __tablename__ = "synonym_group"

    id: int | None = Field(default=None, primary_key=True)
    shipped_head: str | None = Field(default=None, max_length=200, unique=True)
    terms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    disabled: bool = False
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class SynonymGroupCreate(SQLModel):
    """A new group: its terms, the first one its name (at least two different ones)."""

    terms: list[str] = Field(max_length=200)


class SynonymGroupUpdate(SQLModel):
    """New terms for a group, or `restore: true` to put a shipped group back as Kolo ships it (switched on again)."""

    terms: list[str] | None = Field(default=None, max_length=200)
    restore: bool = False


class SynonymGroupPublic(SQLModel):
    """One group as search sees it. `id` is `local:<number>` for a group managers added and `shipped:<head>` for a
    group of the shipped thesaurus (edited or switched off, it keeps that id); `shipped_terms` are the shipped
    group's own terms (null for a local group)."""

    id: str
    head: str
    terms: list[str]
    origin: Origin
    disabled: bool
    shipped_terms: list[str] | None
    updated_at: datetime | None
