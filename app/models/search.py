"""Search tables: the outbox (written with the content it describes), the index replicas that apply it, the query log
and guide requests."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models.types import created_at_field, datetime_field


class SearchOutbox(SQLModel, table=True):
    __tablename__ = "search_outbox"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    op: str = Field(default="upsert", max_length=8)
    created_at: datetime = created_at_field()


class SearchReplica(SQLModel, table=True):
    """One copy of the search index (a node's index folder) and how far it has applied the outbox: rows every live
    copy has applied are deleted."""

    __tablename__ = "search_replica"

    name: str = Field(primary_key=True, max_length=64)
    applied_id: int = 0
    seen_at: datetime = created_at_field()


class SearchQueryLog(SQLModel, table=True):
    """One search someone ran: what they typed, how much it found, whether they opened a result."""

    __tablename__ = "search_query_log"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=500)
    # lowercase, apostrophes folded, spaces collapsed: how the content-gap report groups queries
    normalized: str = Field(max_length=500, index=True)
    # its lemmas (stems for English) in alphabetical order, stop and question words left out: how the content-gap
    # report groups queries ("Пролежні?" and "про пролежнів" are one); the normalized text when nothing is left
    lemma_key: str = Field(default="", max_length=500, index=True)
    result_count: int = 0
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    department_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    shown: bool = False  # results were displayed to the person (the page rendered them, the API returned them)
    clicked: bool = False
    created_at: datetime = created_at_field(index=True)


class GuideRequestStatus(StrEnum):
    open = "open"
    closed = "closed"


class GuideRequest(SQLModel, table=True):
    """A manager's request that someone writes the guide staff searched for and did not find."""

    __tablename__ = "guide_request"

    id: int | None = Field(default=None, primary_key=True)
    query: str = Field(max_length=500, index=True)  # the normalized query it answers
    title: str = Field(max_length=200)
    note: str = Field(default="", max_length=2000)
    owner_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    requested_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    status: str = Field(default=GuideRequestStatus.open, max_length=8, index=True)
    article_id: int | None = Field(default=None, foreign_key="kb_article.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    closed_at: datetime | None = datetime_field()


class GuideRequestPublic(SQLModel):
    id: int
    query: str
    title: str
    note: str
    owner_id: int
    requested_by_id: int | None
    status: str
    article_id: int | None
    created_at: datetime
    closed_at: datetime | None


class SearchCommentPublic(SQLModel):
    """The best matching comment under a post in the results (only one the caller may read)."""

    id: int
    snippet: str
    author_id: int | None
    author: str
    date: datetime | None
    url: str


class SearchItemPublic(SQLModel):
    """One result; `snippet` is escaped HTML whose only tag is `<mark>` around the matched words. A post stands for
    its thread: `comments` of its comments match, the best one is `comment`. `author` is the writer (an article's
    owner; a person's own name), `date` when it was written (none for a person)."""

    type: str
    id: int
    title: str
    url: str
    snippet: str
    score: float
    author_id: int | None
    author: str
    date: datetime | None
    department_ids: list[int]
    departments: list[str]
    comments: int
    comment: SearchCommentPublic | None


class FacetValuePublic(SQLModel):
    value: str
    label: str
    count: int


class SearchPagePublic(SQLModel):
    items: list[SearchItemPublic]
    total: int  # threads: a post and its matching comments count once
    total_exact: bool  # False: more than `total` match
    suggestion: str | None
    facets: dict[str, list[FacetValuePublic]]  # by kind, tag, department and author: how many threads hold one
    next_cursor: str | None
    degraded: bool  # the index is unreadable or being rebuilt: nothing could be searched


class SearchGapPublic(SQLModel):
    """One query staff ran in the period that found nothing or whose results nobody opened."""

    query: str
    searches: int
    people: int
    no_results: int
    no_click: int
    open_request_id: int | None
