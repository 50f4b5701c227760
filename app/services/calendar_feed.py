"""Each person's private calendar feed, for Outlook, Google Calendar or the phone's calendar: the events they are
going to (or may go to) and the meetings of onboarding, theirs or the ones they are met at.

The address holds a secret derived from the person's id and the feed's `generation` with the server's key, so it
can be shown again at any time and nothing that opens it is stored; a new address raises the generation, which
ends the old one at once; turning the feed off deletes the row."""

import hmac
from datetime import timedelta

import icalendar
from sqlmodel import Session, col, select

from app import i18n
from app.errors import NotFound
from app.models.feed import Event, Post, Rsvp, RsvpStatus
from app.models.onboarding import (
    AssignmentStatus,
    OnboardingAssignedTask,
    OnboardingAssignment,
    TaskKind,
    TaskStatus,
)
from app.models.types import utcnow
from app.models.users import CalendarFeed, User
from app.security import signature
from app.services import ics
from app.services import users as users_service
from app.services.feed import access as feed_access
from app.services.feed.events import calendar_entry

PAST = timedelta(days=90)  # events that ended longer ago are left out


def _secret(key: str, user_id: int, generation: int) -> str:
    return signature(key, "calendar", f"{user_id}:{generation}")[:40]


def token_of(*, key: str, feed: CalendarFeed) -> str:
    """The secret part of the feed's address."""
    return f"{feed.user_id}-{feed.generation}-{_secret(key, feed.user_id, feed.generation)}"


def read_feed(*, session: Session, user: User) -> CalendarFeed | None:
    """The user's feed, None while it is off."""
    return session.get(CalendarFeed, user.id)


def new_address(*, session: Session, user: User) -> CalendarFeed:
    """Turn the feed on, or give it a new address (the old one stops working)."""
    assert user.id is not None
    feed = session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
    else:
        feed.generation += 1
    session.add(feed)
    session.commit()
    session.refresh(feed)
    return feed


def turn_off(*, session: Session, user: User) -> None:
    """Delete the feed: its address answers 404 from now on."""
    feed = session.get(CalendarFeed, user.id)
    if feed is not None:
        session.delete(feed)
        session.commit()


def owner_of(*, session: Session, key: str, token: str) -> User:
    """The active person whose current address this is; 404 for anything else (a guessed, old or forged one)."""
    parts = token.split("-")
    gone = NotFound("This calendar address does not exist or was replaced.")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise gone
    feed = session.get(CalendarFeed, int(parts[0]))
    if feed is None or not hmac.compare_digest(token.encode(), token_of(key=key, feed=feed).encode()):
        raise gone
    user = session.get(User, feed.user_id)
    if user is None or not user.is_active:
        raise gone
    feed.last_read_at = utcnow()
    session.add(feed)
    session.commit()
    return user


def _events(session: Session, user: User, base_url: str) -> list[icalendar.Event]:
    departments = users_service.department_ids_of(session=session, user=user)
    rows = session.exec(
        select(Event, Post, Rsvp.status)
        .join(Post, col(Post.id) == Event.post_id)
        .join(Rsvp, col(Rsvp.event_id) == Event.id)
        .where(
            Rsvp.user_id == user.id,
            col(Rsvp.status).in_([RsvpStatus.going, RsvpStatus.maybe]),
            col(Event.ends_at) >= utcnow() - PAST,
            feed_access.readable_clause(user=user, department_ids=departments),
        )
        .order_by(col(Event.starts_at))
    ).all()
    return [
        calendar_entry(event=event, description=post.body, base_url=base_url, tentative=status == RsvpStatus.maybe)
        for event, post, status in rows
    ]


def _meetings(session: Session, user: User, base_url: str, language: str) -> list[icalendar.Event]:
    rows = session.exec(
        select(OnboardingAssignedTask, OnboardingAssignment)
        .join(OnboardingAssignment, col(OnboardingAssignment.id) == OnboardingAssignedTask.assignment_id)
        .where(
            OnboardingAssignedTask.kind == TaskKind.meet,
            OnboardingAssignedTask.status != TaskStatus.done,
            OnboardingAssignment.status == AssignmentStatus.open,
            (OnboardingAssignment.user_id == user.id) | (OnboardingAssignedTask.meet_user_id == user.id),
        )
        .order_by(col(OnboardingAssignedTask.due_date))
    ).all()
    ids = {a.user_id for _, a in rows} | {t.meet_user_id for t, _ in rows if t.meet_user_id}
    names = {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(ids)))} if ids else {}
    entries: list[icalendar.Event] = []
    for task, assignment in rows:
        if assignment.user_id == user.id:
            summary = i18n.gettext(language, "Onboarding: {title}", title=task.title)
            who = names.get(task.meet_user_id or 0, "")
            description = i18n.gettext(language, "Meet {name}. Plan: {plan}.", name=who, plan=assignment.name)
        else:
            newcomer = names.get(assignment.user_id, "")
            summary = i18n.gettext(
                language, "Meeting with a new colleague, {name}: {title}", name=newcomer, title=task.title
            )
            description = i18n.gettext(language, "Plan: {plan}.", plan=assignment.name)
        entries.append(
            ics.new_event(
                uid=f"onboarding-task-{task.id}@kolo",
                summary=summary,
                start=task.due_date,
                end=task.due_date + timedelta(days=1),
                description=f"{description}\n{task.instructions}".strip(),
                url=f"{base_url}/onboarding/assignments/{assignment.id}",
            )
        )
    return entries


def build(*, session: Session, user: User, base_url: str, language: str) -> str:
    """The person's calendar file: events they go to (tentative when "maybe"), then their open onboarding meetings as
    whole-day entries on the day they are due."""
    calendar = ics.new_calendar(i18n.gettext(language, "Kolo — {name}", name=user.name))
    for entry in [*_events(session, user, base_url), *_meetings(session, user, base_url, language)]:
        calendar.add_component(entry)
    return ics.to_text(calendar)
