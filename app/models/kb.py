"""Knowledge base: articles, append-only revisions, categories, acknowledgements, views, reviews."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import EnumString, StrictId, created_at_field, datetime_field

TITLE_MAX = 200


class ArticleStatus(StrEnum):
    draft = "draft"
    in_review = "in_review"
    published = "published"
    archived = "archived"


class ChangeState(StrEnum):
    """The state of a pending change to a published article."""

    draft = "draft"
    in_review = "in_review"


class KbCategory(SQLModel, table=True):
    """A section of the knowledge base; two levels (a parent has no parent)."""

    __tablename__ = "kb_category"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    slug: str = Field(max_length=120, unique=True)
    parent_id: int | None = Field(default=None, foreign_key="kb_category.id", index=True, ondelete="RESTRICT")
    created_at: datetime = created_at_field()


class KbArticle(SQLModel, table=True):
    """An article; its text lives in revisions. `current_revision_id` is the published one."""

    __tablename__ = "kb_article"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=TITLE_MAX)
    status: ArticleStatus = Field(default=ArticleStatus.draft, sa_type=EnumString(ArticleStatus, 16), index=True)
    change_state: ChangeState | None = Field(default=None, sa_type=EnumString(ChangeState, 16))
    category_id: int | None = Field(default=None, foreign_key="kb_category.id", index=True, ondelete="SET NULL")
    author_id: int = Field(foreign_key="user.id", index=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    requires_acknowledgement: bool = False
    review_interval_months: int = 12
    review_due: date | None = Field(default=None, index=True)
    # Plain ids, not foreign keys: article and revision would otherwise reference each other.
    current_revision_id: int | None = None
    head_revision_id: int | None = None
    current_major: int = 0
    source: str = Field(default="", max_length=500)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field(index=True)
    published_at: datetime | None = datetime_field()


class KbRevision(SQLModel, table=True):
    """One saved text of an article; never changed except for its publication stamp, set once."""

    __tablename__ = "kb_revision"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_kb_revision_article_id_number"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="kb_article.id", index=True, ondelete="CASCADE")
    number: int
    title: str = Field(max_length=TITLE_MAX)
    body: str
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    author_id: int = Field(foreign_key="user.id")
    base_revision_id: int | None = None
    restored_from_id: int | None = None
    change_note: str = Field(default="", max_length=500)
    created_at: datetime = created_at_field()
    version_major: int | None = None
    version_minor: int | None = None
    published_at: datetime | None = datetime_field()
    published_by_id: int | None = Field(default=None, foreign_key="user.id")


class KbArticleDepartment(SQLModel, table=True):
    """The audience of an article limited to departments (none: everyone)."""

    __tablename__ = "kb_article_department"

    article_id: int = Field(foreign_key="kb_article.id", primary_key=True, ondelete="CASCADE")
    department_id: int = Field(foreign_key="department.id", primary_key=True, ondelete="CASCADE")


class KbArticleTag(SQLModel, table=True):
    """The tags of an article's visible version, for browsing."""

    __tablename__ = "kb_article_tag"

    article_id: int = Field(foreign_key="kb_article.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(max_length=60, primary_key=True, index=True)


class KbLink(SQLModel, table=True):
    """An article's published text links to another article."""

    __tablename__ = "kb_link"

    source_id: int = Field(foreign_key="kb_article.id", primary_key=True, ondelete="CASCADE")
    target_id: int = Field(foreign_key="kb_article.id", primary_key=True, index=True, ondelete="CASCADE")


class KbAcknowledgement(SQLModel, table=True):
    """A reader acknowledged a major version; never updated or deleted."""

    __tablename__ = "kb_acknowledgement"
    __table_args__ = (UniqueConstraint("article_id", "user_id", "version", name="uq_kb_acknowledgement_once"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="kb_article.id", index=True, ondelete="RESTRICT")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="RESTRICT")
    version: int
    created_at: datetime = created_at_field()


class KbView(SQLModel, table=True):
    """Someone opened an article (at most one row per person, article and version per half hour)."""

    __tablename__ = "kb_view"
    __table_args__ = (Index("ix_kb_view_article_id_created_at", "article_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="kb_article.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    revision_id: int | None = Field(default=None, foreign_key="kb_revision.id", ondelete="SET NULL")
    version: str = Field(default="", max_length=16)
    created_at: datetime = created_at_field()


class KbReviewEvent(SQLModel, table=True):
    """The lifecycle trail: submitted, returned (with a comment), published, reviewed without changes."""

    __tablename__ = "kb_review_event"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="kb_article.id", index=True, ondelete="CASCADE")
    revision_id: int | None = Field(default=None, foreign_key="kb_revision.id", ondelete="SET NULL")
    action: str = Field(max_length=32)
    actor_id: int = Field(foreign_key="user.id")
    comment: str = Field(default="", max_length=2000)
    created_at: datetime = created_at_field()


class KbReminder(SQLModel, table=True):
    """A review reminder sent; the unique key makes the daily job idempotent."""

    __tablename__ = "kb_reminder"
    __table_args__ = (UniqueConstraint("article_id", "kind", "sent_on", name="uq_kb_reminder_once"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="kb_article.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    review_due: date
    sent_on: date
    created_at: datetime = created_at_field()


# API shapes


class ArticleCreate(SQLModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    body: str = Field(default="", max_length=200_000)
    slug: str | None = Field(default=None, max_length=120)
    category: StrictId | None = None
    tags: list[str] = Field(default_factory=list, max_length=20)
    department_ids: list[StrictId] = Field(default_factory=list)
    owner_id: StrictId | None = None
    requires_acknowledgement: bool = False
    review_interval_months: int | None = Field(default=None, ge=1, le=60)
    change_note: str = Field(default="", max_length=500)
    override_reason: str | None = Field(default=None, max_length=500)  # publish text that looks like patient data


class ArticleUpdate(SQLModel):
    """A save: text fields make a new revision (based on `base_revision_id`); the rest is metadata."""

    base_revision_id: StrictId | None = None
    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    body: str | None = Field(default=None, max_length=200_000)
    tags: list[str] | None = Field(default=None, max_length=20)
    change_note: str = Field(default="", max_length=500)
    category: StrictId | None = None
    department_ids: list[StrictId] | None = None
    owner_id: StrictId | None = None
    requires_acknowledgement: bool | None = None
    review_interval_months: int | None = Field(default=None, ge=1, le=60)
    review_due: date | None = None
    override_reason: str | None = Field(default=None, max_length=500)  # save text that looks like patient data


class ChangeKind(StrEnum):
    """What publishing a change asks of readers: nothing new (editorial) or to acknowledge it again (major)."""

    editorial = "editorial"
    major = "major"


class PublishRequest(SQLModel):
    """Publish the newest revision. Once a version is published, the kind must be chosen: `kind` ("editorial" or
    "major"), or the older `major` (true/false); a major version needs a change note (here or on the revision). The
    first publication is always version 1.0."""

    kind: ChangeKind | None = None
    major: bool | None = None
    change_note: str = Field(default="", max_length=500)
    override_reason: str | None = Field(default=None, max_length=500)  # a change note that looks like patient data

    def chosen_kind(self) -> ChangeKind | None:
        """The kind the caller chose, whichever way they said it; None when they did not."""
        if self.kind is not None:
            return self.kind
        if self.major is not None:
            return ChangeKind.major if self.major else ChangeKind.editorial
        return None


class RestoreRequest(SQLModel):
    """Restore an old revision's text; `override_reason` when that text looks like patient data."""

    override_reason: str | None = Field(default=None, max_length=500)


class ReturnRequest(SQLModel):
    comment: str = Field(min_length=1, max_length=2000)


class CategoryCreate(SQLModel):
    name: str = Field(min_length=1, max_length=120)
    parent_id: StrictId | None = None


class CategoryPublic(SQLModel):
    id: int
    name: str
    slug: str
    parent_id: int | None


class ArticlePublic(SQLModel):
    id: int
    url: str
    slug: str
    title: str
    body: str
    html: str
    status: str
    change_state: str | None
    category: int | None
    category_name: str | None
    tags: list[str]
    department_ids: list[int]
    owner_id: int
    author_id: int
    requires_acknowledgement: bool
    review_interval_months: int
    review_due: date | None
    review_overdue: bool
    version: str | None
    revision_id: int | None
    head_revision_id: int | None
    acknowledged_version: int | None
    needs_acknowledgement: bool
    updated_at: datetime


class ArticleSummary(SQLModel):
    id: int
    url: str
    slug: str
    title: str
    status: str
    change_state: str | None
    category: int | None
    owner_id: int
    review_due: date | None
    review_overdue: bool
    updated_at: datetime


class ArticleRevisionPublic(SQLModel):
    id: int
    number: int
    title: str
    author_id: int
    author_name: str
    change_note: str
    created_at: datetime
    version: str | None
    major: bool | None
    restored_from_id: int | None
    published: bool


class RevisionDetail(ArticleRevisionPublic):
    body: str
    html: str
    tags: list[str]


class AcknowledgementPublic(SQLModel):
    user_id: int
    name: str
    email: str
    department_names: list[str]
    version: int | None
    acknowledged_at: datetime | None
    current: bool


class AcknowledgementReport(SQLModel):
    article_id: int
    current_version: int
    acknowledged: int
    missing: int
    items: list[AcknowledgementPublic]
