"""The feed's HTML forms and what they turn into."""

from datetime import datetime

from pydantic import BaseModel

from app.errors import InvalidInput
from app.models.feed import EventCreate, EventFormat, PostCreate, PostKind


class PostForm(BaseModel):
    body: str = ""
    kind: PostKind = PostKind.tip
    tags: str = ""
    department_ids: list[int] = []
    must_read: bool = False
    event_title: str = ""
    event_format: EventFormat = EventFormat.seminar
    event_starts_at: str = ""
    event_ends_at: str = ""
    event_place: str = ""
    event_link: str = ""
    event_capacity: str = ""


class CommentForm(BaseModel):
    body: str = ""
    parent_id: int | None = None


def _local_time(value: str, label: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("Enter the {field} as a date and time.", field=label) from None


def _event(form: PostForm) -> EventCreate:
    if not form.event_title.strip():
        raise InvalidInput("An event needs a title.")
    capacity = form.event_capacity.strip()
    if capacity and (not capacity.isdigit() or int(capacity) < 1):
        raise InvalidInput("The number of places must be a whole number above zero.")
    return EventCreate(title=form.event_title.strip()[:200], format=form.event_format,
                       starts_at=_local_time(form.event_starts_at, "start"),
                       ends_at=_local_time(form.event_ends_at, "end"), place=form.event_place[:300],
                       link=form.event_link[:500], capacity=int(capacity) if capacity else None)


def to_post_create(form: PostForm, upload_ids: list[int]) -> PostCreate:
    """The form as the service's input; times typed without a zone are in the author's zone."""
    tags = [t for t in form.tags.replace("#", " ").replace(",", " ").split() if t]
    return PostCreate(body=form.body, kind=form.kind, tags=tags, department_ids=form.department_ids,
                      must_read=form.must_read, upload_ids=upload_ids,
                      event=_event(form) if form.kind == PostKind.event else None)
