"""Events: details, RSVPs with a waiting list, the organizer's attendee list, and .ics export."""

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
from sqlmodel import Session, col, select

from app.errors import InvalidInput, NotFound, PermissionDenied
from app.i18n import zone
from app.models.feed import Event, EventCreate, EventUpdate, Post, Rsvp, RsvpStatus
from app.models.types import utcnow
from app.models.users import User
from app.search.outbox import enqueue
from app.services import ics
from app.services import notifications as notifications_service
from app.services.feed import access
from app.services.patient_data import guard
from app.services.transactions import all_or_nothing

STILL_COMING = (RsvpStatus.going, RsvpStatus.maybe, RsvpStatus.waitlisted)


def _aware(value: datetime, tz: ZoneInfo) -> datetime:
    """A time typed without a zone is in the organizer's zone."""
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


REQUIRED_FIELDS = ("title", "format", "starts_at", "ends_at", "place", "link")
SCREENED_FIELDS = ("title", "place", "link")  # what an event publishes as text


def _check(event: Event) -> None:
    if not event.title:
        raise InvalidInput("The event needs a title.")
    if event.ends_at <= event.starts_at:
        raise InvalidInput("The event must end after it starts.")
    if event.link and not event.link.startswith(("https://", "http://")):
        raise InvalidInput("The link must start with https:// or http://.")


def create_event(*, session: Session, post: Post, author: User, data: EventCreate) -> Event:
    """Add the event details to a new event post; no commit."""
    assert post.id is not None  # the new post is flushed first
    tz = zone(author.timezone)
    event = Event(
        post_id=post.id,
        title=data.title.strip(),
        format=data.format,
        starts_at=_aware(data.starts_at, tz),
        ends_at=_aware(data.ends_at, tz),
        place=data.place.strip(),
        link=data.link.strip(),
        capacity=data.capacity,
    )
    _check(event)
    session.add(event)
    session.flush()
    enqueue(session, f"event:{event.id}")
    return event


def get_event_or_raise(*, session: Session, user: User, event_id: int) -> tuple[Event, Post]:
    """An event whose post the user may read, with that post; or 404."""
    event = session.get(Event, event_id)
    if event is None or not access.can_read(session=session, user=user, post_id=event.post_id):
        raise NotFound("This event does not exist, or you cannot see it.")
    return event, access.get_post_or_raise(session=session, user=user, post_id=event.post_id)


@all_or_nothing
def update_event(*, session: Session, user: User, event: Event, post: Post, data: EventUpdate) -> Event:
    """Change an event (its organizer); everyone who answered is told, and more places let the waiting list in.
    New words that look like patient data are held back unless the organizer says why they may be published."""
    access.check_edit(user, post)
    changes = data.model_dump(exclude_unset=True, exclude={"override_reason"})
    typed = {name: str(changes[name] or "").strip() for name in SCREENED_FIELDS if name in changes}
    texts = {name: value for name, value in typed.items() if value != getattr(event, name)}
    screening = guard.screen(session=session, texts=texts, override_reason=data.override_reason)
    _lock(session, event)
    for name, value in changes.items():
        if value is None and name in REQUIRED_FIELDS:
            raise InvalidInput("The field {field} cannot be empty.", field=name)
        if isinstance(value, datetime):
            value = _aware(value, zone(user.timezone))
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    _check(event)
    session.add(event)
    screening.record(session=session, actor=user, target_type="event", target_id=event.id)
    answered = session.exec(
        select(Rsvp.user_id).where(Rsvp.event_id == event.id, col(Rsvp.status).in_(STILL_COMING))
    ).all()
    notifications_service.notify(
        session=session,
        recipient_ids=answered,
        kind="event_changed",
        actor=user,
        url=f"/events/{event.id}",
        message="The event “{title}” has changed",
        params={"title": event.title},
    )
    # Fewer places than people going drops nobody: newcomers wait until enough of them cancel.
    _promote_waiting(session=session, event=event)
    enqueue(session, f"event:{event.id}")
    session.commit()
    session.refresh(event)
    return event


def _going_count(session: Session, event_id: int) -> int:
    return len(
        session.exec(select(Rsvp.user_id).where(Rsvp.event_id == event_id, Rsvp.status == RsvpStatus.going)).all()
    )


def _lock(session: Session, event: Event) -> None:
    # Lock the event row (PostgreSQL) so two people cannot take the last seat at once, nor answer while the
    # organizer changes the places; reload it, so the number of places is the one committed before the lock.
    session.exec(
        select(Event).where(Event.id == event.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def _promote_waiting(*, session: Session, event: Event) -> None:
    """Give the free seats to the waiting list in the order people joined it, and tell each of them."""
    assert event.id is not None  # read from the database
    query = (
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.waitlisted)
        .order_by(col(Rsvp.updated_at), col(Rsvp.user_id))
    )
    if event.capacity is not None:
        free = event.capacity - _going_count(session, event.id)
        if free <= 0:
            return
        query = query.limit(free)
    promoted = list(session.exec(query).all())
    now = utcnow()
    for row in promoted:
        row.status, row.updated_at = RsvpStatus.going, now
        session.add(row)
    notifications_service.notify(
        session=session,
        recipient_ids=[r.user_id for r in promoted],
        kind="event_seat",
        actor=None,
        url=f"/events/{event.id}",
        message="A seat is free: you are going to “{title}”",
        params={"title": event.title},
    )


def rsvp(*, session: Session, user: User, event: Event, status: RsvpStatus) -> Rsvp:
    """Answer going / maybe / not going; "going" to a full event puts the person on the waiting list."""
    if status == RsvpStatus.waitlisted:
        raise InvalidInput("Answer going, maybe or not going; the waiting list is chosen for you.")
    assert event.id is not None and user.id is not None  # both read from the database
    _lock(session, event)
    current = session.get(Rsvp, (event.id, user.id))
    was_going = current is not None and current.status == RsvpStatus.going
    if (
        status == RsvpStatus.going
        and not was_going
        and event.capacity is not None
        and _going_count(session, event.id) >= event.capacity
    ):
        status = RsvpStatus.waitlisted
    if current is None:
        current = Rsvp(event_id=event.id, user_id=user.id, status=status)
    elif current.status != status:
        current.status, current.updated_at = status, utcnow()
    session.add(current)
    session.flush()
    if was_going and status != RsvpStatus.going:
        _promote_waiting(session=session, event=event)
    session.commit()
    session.refresh(current)
    return current


def list_rsvps(*, session: Session, user: User, event: Event, post: Post) -> list[Rsvp]:
    """Everyone who answered, in the order they answered (the waiting list's order): organizer and managers."""
    if not access.can_see_attendees(user, post):
        raise PermissionDenied("Only the organizer or a manager can see the attendee list.")
    query = select(Rsvp).where(Rsvp.event_id == event.id).order_by(col(Rsvp.updated_at), col(Rsvp.user_id))
    return list(session.exec(query).all())


def events_for_posts(*, session: Session, post_ids: Iterable[int]) -> dict[int, Event]:
    """The events of many posts, in one query."""
    ids = list(post_ids)
    if not ids:
        return {}
    return {e.post_id: e for e in session.exec(select(Event).where(col(Event.post_id).in_(ids)))}


def rsvp_summary(
    *, session: Session, user: User, event_ids: list[int]
) -> tuple[dict[int, dict[str, int]], dict[int, RsvpStatus]]:
    """Per event: counts by status, and the user's own answer — in one query."""
    counts: dict[int, dict[str, int]] = {i: {s.value: 0 for s in RsvpStatus} for i in event_ids}
    mine: dict[int, RsvpStatus] = {}
    if event_ids:
        for row in session.exec(select(Rsvp).where(col(Rsvp.event_id).in_(event_ids))):
            counts[row.event_id][row.status] += 1
            if row.user_id == user.id:
                mine[row.event_id] = RsvpStatus(row.status)
    return counts, mine


def enqueue_for_post(*, session: Session, post_id: int) -> None:
    """Queue a post's event for search again (e.g. the post was deleted)."""
    event_id = session.exec(select(Event.id).where(Event.post_id == post_id)).first()
    if event_id is not None:
        enqueue(session, f"event:{event_id}")


def calendar_entry(*, event: Event, description: str, base_url: str, tentative: bool = False) -> icalendar.Event:
    """The event as an entry of a calendar file."""
    return ics.new_event(
        uid=f"event-{event.id}@kolo",
        summary=event.title,
        start=event.starts_at,
        end=event.ends_at,
        description=description[:1000],
        location=event.place or event.link,
        url=f"{base_url.rstrip('/')}/events/{event.id}",
        tentative=tentative,
    )


def to_ics(*, event: Event, description: str, base_url: str) -> str:
    """An iCalendar file with the one event."""
    calendar = ics.new_calendar()
    calendar.add_component(calendar_entry(event=event, description=description, base_url=base_url))
    return ics.to_text(calendar)
