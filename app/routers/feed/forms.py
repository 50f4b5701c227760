"""The feed's HTML forms and what they turn into."""

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from app.errors import InvalidInput
from app.models.feed import (
    CommentCreate,
    Event,
    EventCreate,
    EventFormat,
    EventUpdate,
    PostCreate,
    PostKind,
    PostUpdate,
    RsvpStatus,
)
from app.models.types import FIRST_YEAR, LAST_YEAR


class EventForm(BaseModel):
    event_title: str = ""
    event_format: EventFormat = EventFormat.seminar
    event_starts_at: str = ""
    event_ends_at: str = ""
    event_place: str = ""
    event_link: str = ""
    event_capacity: str = ""
    override_reason: str = ""  # why what looks like patient data may be published anyway


class PostForm(EventForm):
    body: str = ""
    kind: PostKind = PostKind.tip
    tags: str = ""
    department_ids: list[int] = []
    must_read: bool = False
    upload_ids: list[int] = []  # files kept from a form that came back (ticked: still attached)


class PostEditForm(BaseModel):
    """A post's new text and tags (its kind, audience and event stay)."""

    body: str = ""
    tags: str = ""
    override_reason: str = ""

    def to_update(self) -> PostUpdate:
        return PostUpdate(body=self.body, tags=_tags(self.tags), override_reason=self.override_reason or None)


class ReactionForm(BaseModel):
    """Add or take back a reaction (one of `REACTIONS`)."""

    emoji: str


class PinForm(BaseModel):
    """Pin a post, until the end of a day (YYYY-MM-DD, in the manager's zone) or for good (empty)."""

    pinned_until: str = ""


class RsvpForm(BaseModel):
    status: RsvpStatus


class CommentForm(BaseModel):
    body: str = ""
    parent_id: int | None = None
    override_reason: str = ""

    def to_create(self) -> CommentCreate:
        """The comment form as the service's input."""
        return CommentCreate(body=self.body, parent_id=self.parent_id, override_reason=self.override_reason or None)


def _tags(typed: str) -> list[str]:
    """Tags typed with spaces, commas or hashes."""
    return [t for t in typed.replace("#", " ").replace(",", " ").split() if t]


def _local_time(value: str, label: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("Enter the {field} as a date and time.", field=label) from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise InvalidInput(
            "Enter the {field} within the years {first} to {last}.", field=label, first=FIRST_YEAR, last=LAST_YEAR
        )
    return moment


def _event(form: EventForm) -> EventCreate:
    if not form.event_title.strip():
        raise InvalidInput("An event needs a title.")
    capacity = form.event_capacity.strip()
    if capacity and (not capacity.isdigit() or not 1 <= int(capacity) <= 100_000):
        raise InvalidInput("The number of places must be a whole number above zero.")
    return EventCreate(
        title=form.event_title.strip()[:200],
        format=form.event_format,
        starts_at=_local_time(form.event_starts_at, "start"),
        ends_at=_local_time(form.event_ends_at, "end"),
        place=form.event_place[:300],
        link=form.event_link[:500],
        capacity=int(capacity) if capacity else None,
    )


def to_event_update(form: EventForm) -> EventUpdate:
    """The event form as a full change (an empty number of places means no limit)."""
    return EventUpdate.model_validate({**_event(form).model_dump(), "override_reason": form.override_reason or None})


def event_form(event: Event, tz: ZoneInfo) -> EventForm:
    """An event's values for its edit form, times in the editor's zone."""

    def local(value: datetime) -> str:
        return value.astimezone(tz).strftime("%Y-%m-%dT%H:%M")

    return EventForm(
        event_title=event.title,
        event_format=event.format,
        event_starts_at=local(event.starts_at),
        event_ends_at=local(event.ends_at),
        event_place=event.place,
        event_link=event.link,
        event_capacity=str(event.capacity or ""),
    )


def to_post_create(form: PostForm, upload_ids: list[int]) -> PostCreate:
    """The form as the service's input; times typed without a zone are in the author's zone."""
    return PostCreate(
        body=form.body,
        kind=form.kind,
        tags=_tags(form.tags),
        department_ids=form.department_ids,
        must_read=form.must_read,
        upload_ids=upload_ids,
        event=_event(form) if form.kind == PostKind.event else None,
        override_reason=form.override_reason or None,
    )
