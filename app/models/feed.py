"""The team feed: posts (tips, questions, announcements, events), comments, reactions, must-read
acknowledgements, events with RSVPs."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.models.types import EnumString, InputDateTime, StrictId, created_at_field, datetime_field

MAX_BODY = 20_000
MAX_TAGS = 10


class PostKind(StrEnum):
    tip = "tip"
    question = "question"
    announcement = "announcement"
    event = "event"


class EventFormat(StrEnum):
    seminar = "seminar"
    training = "training"
    round_table = "round_table"
    prevention_campaign = "prevention_campaign"


class RsvpStatus(StrEnum):
    going = "going"
    maybe = "maybe"
    declined = "declined"
    waitlisted = "waitlisted"


REACTIONS = ("👍", "❤️", "👏", "🙏", "💡", "😮")


def _partial_index(name: str, columns: tuple[str, ...], where: str) -> Index:
    """An index of only the rows `where` holds for, on both databases: the few pinned or deleted posts of millions."""
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))


class Post(SQLModel, table=True):
    """A post; `department_ids` live in PostDepartment (none means everyone)."""

    __table_args__ = (
        _partial_index("ix_post_pinned", ("id",), "pinned_at IS NOT NULL"),
        _partial_index("ix_post_deleted", ("deleted_by_id", "deleted_at"), "deleted_at IS NOT NULL"),
    )

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    kind: PostKind = Field(sa_type=EnumString(PostKind, 16), index=True)
    body: str = Field(sa_type=Text)
    html: str = Field(sa_type=Text)
    must_read: bool = Field(default=False, index=True)
    created_at: datetime = created_at_field(index=True)
    edited_at: datetime | None = datetime_field()
    pinned_at: datetime | None = datetime_field()
    pinned_until: datetime | None = datetime_field()
    deleted_at: datetime | None = datetime_field()
    deleted_by_id: int | None = Field(default=None, foreign_key="user.id")


class PostDepartment(SQLModel, table=True):
    __tablename__ = "post_department"

    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="CASCADE")
    department_id: int = Field(foreign_key="department.id", primary_key=True, index=True, ondelete="CASCADE")


class PostTag(SQLModel, table=True):
    __tablename__ = "post_tag"

    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(max_length=60, primary_key=True, index=True)


class PostRevision(SQLModel, table=True):
    """An earlier version of a post, kept when it is edited."""

    __tablename__ = "post_revision"

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True, ondelete="CASCADE")
    body: str = Field(sa_type=Text)
    written_at: datetime = created_at_field()
    replaced_at: datetime = created_at_field()
    editor_id: int = Field(foreign_key="user.id")
    patient_data: bool = False  # the replaced text looked like patient data: only admins see this version


class Comment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True, ondelete="CASCADE")
    parent_id: int | None = Field(default=None, foreign_key="comment.id", ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id", index=True)
    body: str = Field(sa_type=Text)
    html: str = Field(sa_type=Text)
    created_at: datetime = created_at_field()
    deleted_at: datetime | None = datetime_field()


class Reaction(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("post_id", "user_id", "emoji"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    emoji: str = Field(max_length=16)
    created_at: datetime = created_at_field()


class CommentReaction(SQLModel, table=True):
    """A reaction to a comment: the same emoji and rules as `Reaction` on posts."""

    __tablename__ = "comment_reaction"
    # The unique constraint's index starts with comment_id, so it also serves the per-comment lookups.
    __table_args__ = (UniqueConstraint("comment_id", "user_id", "emoji"),)

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    emoji: str = Field(max_length=16)
    created_at: datetime = created_at_field()


class PostRead(SQLModel, table=True):
    """Someone pressed "I have read it" on a must-read announcement."""

    __tablename__ = "post_read"

    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    read_at: datetime = created_at_field()


class Event(SQLModel, table=True):
    """The event details of a post of kind `event`."""

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", unique=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    format: EventFormat = Field(sa_type=EnumString(EventFormat, 32))
    starts_at: datetime = created_at_field(index=True)
    ends_at: datetime = created_at_field()
    place: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=500)
    capacity: int | None = None


class Rsvp(SQLModel, table=True):
    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    status: RsvpStatus = Field(sa_type=EnumString(RsvpStatus, 16))
    updated_at: datetime = created_at_field(index=True)


class EventCreate(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    format: EventFormat = EventFormat.seminar
    starts_at: InputDateTime
    ends_at: InputDateTime
    place: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=500)
    capacity: int | None = Field(default=None, ge=1, le=100_000)


class EventUpdate(SQLModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    format: EventFormat | None = None
    starts_at: InputDateTime | None = None
    ends_at: InputDateTime | None = None
    place: str | None = Field(default=None, max_length=300)
    link: str | None = Field(default=None, max_length=500)
    capacity: int | None = Field(default=None, ge=1, le=100_000)
    override_reason: str | None = Field(default=None, max_length=500)  # publish anyway what looks like patient data


class PostCreate(SQLModel):
    body: str = ""
    kind: PostKind = PostKind.tip
    tags: list[str] = []
    department_ids: list[StrictId] = []
    must_read: bool = False
    upload_ids: list[StrictId] = []
    event: EventCreate | None = None
    override_reason: str | None = Field(default=None, max_length=500)  # publish anyway what looks like patient data


class PostUpdate(SQLModel):
    body: str | None = None
    tags: list[str] | None = None
    override_reason: str | None = Field(default=None, max_length=500)  # publish anyway what looks like patient data


class CommentCreate(SQLModel):
    body: str = ""
    parent_id: StrictId | None = None
    override_reason: str | None = Field(default=None, max_length=500)  # publish anyway what looks like patient data


class ReactionCreate(SQLModel):
    emoji: str = Field(max_length=16)


class PinRequest(SQLModel):
    pinned_until: InputDateTime | None = None


class RsvpCreate(SQLModel):
    status: RsvpStatus


class AuthorPublic(SQLModel):
    id: int
    name: str
    handle: str


class ReactionCount(SQLModel):
    emoji: str
    count: int
    mine: bool


class AttachmentPublic(SQLModel):
    id: int
    url: str
    filename: str
    content_type: str
    size: int
    is_image: bool


class EventPublic(SQLModel):
    id: int
    post_id: int
    url: str
    ics_url: str
    title: str
    format: EventFormat
    starts_at: datetime
    ends_at: datetime
    place: str
    link: str
    capacity: int | None
    going: int
    maybe: int
    waitlisted: int
    my_status: RsvpStatus | None
    is_full: bool


class PostPublic(SQLModel):
    id: int
    url: str
    kind: PostKind
    body: str
    html: str
    tags: list[str]
    extra_tags: list[str] = Field(default=[], description="tags the text does not already show as #tags")
    department_ids: list[int]
    author: AuthorPublic
    created_at: datetime
    edited_at: datetime | None
    edited: bool
    pinned: bool
    pinned_until: datetime | None
    must_read: bool
    read_by_me: bool
    reactions: list[ReactionCount]
    comment_count: int
    attachments: list[AttachmentPublic]
    event: EventPublic | None
    can_edit: bool
    can_delete: bool


class CommentPublic(SQLModel):
    id: int
    post_id: int
    parent_id: int | None
    url: str
    body: str
    html: str
    author: AuthorPublic
    created_at: datetime
    reactions: list[ReactionCount]


class PostRevisionPublic(SQLModel):
    id: int
    body: str
    written_at: datetime
    replaced_at: datetime
    patient_data: bool = Field(default=False, description="the text looked like patient data (shown to admins only)")


class ReaderPublic(AuthorPublic):
    read_at: datetime


class DepartmentReadsPublic(SQLModel):
    department: str  # "No department" (in the caller's language) for the people without one
    read: list[ReaderPublic]
    unread: list[AuthorPublic]


class Reactor(SQLModel):
    emoji: str
    user: AuthorPublic


class RsvpPublic(SQLModel):
    user: AuthorPublic
    status: RsvpStatus
    updated_at: datetime
