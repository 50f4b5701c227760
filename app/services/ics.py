"""Calendar files (RFC 5545) through `icalendar`, which folds long lines by bytes (Cyrillic text is two bytes a
letter), escapes text and marks all-day dates as such."""

from datetime import date, datetime

import icalendar

from app.models.types import utcnow


def new_calendar(name: str | None = None) -> icalendar.Calendar:
    """An empty calendar; with a `name`, one that calendar programs subscribe to and refresh hourly."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kolo//Kolo//UK")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", icalendar.vDuration.from_ical("PT1H"), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    return calendar


def new_event(
    *,
    uid: str,
    summary: str,
    start: datetime | date,
    end: datetime | date,
    description: str = "",
    location: str = "",
    url: str = "",
    tentative: bool = False,
) -> icalendar.Event:
    """One entry: times (aware, written in UTC) or, for a whole day, dates."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", utcnow())
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("status", "TENTATIVE" if tentative else "CONFIRMED")
    for key, value in (("description", description), ("location", location), ("url", url)):
        if value:
            event.add(key, value)
    return event


def to_text(calendar: icalendar.Calendar) -> str:
    """The calendar as the file's text (CRLF line ends)."""
    return calendar.to_ical().decode()
