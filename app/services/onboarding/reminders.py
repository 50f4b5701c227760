"""Hourly reminders: tasks due tomorrow and overdue tasks, at most one message of each kind a day per person."""

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from app.models.onboarding import (
    AssignmentStatus,
    OnboardingAssignedTask,
    OnboardingAssignment,
    OnboardingReminder,
    TaskStatus,
)
from app.services.onboarding import notices

logger = logging.getLogger(__name__)
KYIV = "Europe/Kyiv"


def _claim(*, session: Session, user_id: int, kind: str, day: date) -> bool:
    """Record the reminder; False when it was already sent today (by this or another worker)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(OnboardingReminder)
        .values(user_id=user_id, kind=kind, day=day)
        .on_conflict_do_nothing()
        .returning(col(OnboardingReminder.id))
    )
    return session.execute(statement).first() is not None


def _counts(*, session: Session, condition: ColumnElement[bool]) -> dict[int, int]:
    rows = session.exec(
        select(OnboardingAssignment.user_id, func.count())
        .select_from(OnboardingAssignedTask)
        .join(OnboardingAssignment)
        .where(
            OnboardingAssignment.status == AssignmentStatus.open,
            col(OnboardingAssignedTask.status) != TaskStatus.done,
            condition,
        )
        .group_by(col(OnboardingAssignment.user_id))
    ).all()
    return {user_id: count for user_id, count in rows}


def send_reminders(session: Session, now: datetime) -> int:
    """Tell each new hire about tasks due tomorrow and overdue ones, once a day; returns messages sent."""
    from app.i18n import zone

    today = now.astimezone(zone(KYIV)).date()
    due = {
        "due_tomorrow": (col(OnboardingAssignedTask.due_date) == today + timedelta(days=1), notices.DUE_TOMORROW),
        "overdue": (col(OnboardingAssignedTask.due_date) < today, notices.OVERDUE),
    }
    sent = 0
    for kind, (condition, message) in due.items():
        for user_id, count in _counts(session=session, condition=condition).items():
            if _claim(session=session, user_id=user_id, kind=kind, day=today):
                notices.send(
                    session=session,
                    to=[user_id],
                    kind=f"onboarding.{kind}",
                    actor=None,
                    url="/onboarding",
                    message=message,
                    tasks=count,
                )
                sent += 1
    session.commit()
    return sent
