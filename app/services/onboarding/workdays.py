"""Working days: weekends and the holidays in settings do not count towards a due date."""

from collections.abc import Collection
from datetime import date, datetime, timedelta

from app.i18n import zone


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    """Monday to Friday, and not a configured holiday."""
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: Collection[date]) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, offset: int, holidays: Collection[date]) -> date:
    """The date `offset` working days after `start` (offset 0: the start, moved to a working day)."""
    day = next_working_day(start, holidays)
    for _ in range(offset):
        day = next_working_day(day + timedelta(days=1), holidays)
    return day


def count_working_days(start: date, end: date, holidays: Collection[date]) -> int:
    """How many working days there are from `start` up to, not including, `end`."""
    return sum(1 for n in range((end - start).days) if is_working_day(start + timedelta(days=n), holidays))


def local_day(moment: datetime, timezone: str = "Europe/Kyiv") -> date:
    """The date where the hospital is at `moment`."""
    return moment.astimezone(zone(timezone)).date()


def local_today(timezone: str = "Europe/Kyiv") -> date:
    """Today's date where the hospital is (due dates are calendar days there)."""
    return datetime.now(zone(timezone)).date()
