"""Reactions to other domains' events (`app.wiring` subscribes them, with `tasks.complete_reading` and
`tasks.reopen_reading`)."""

from sqlmodel import Session

from app.config import get_settings
from app.models.users import User
from app.services.onboarding.assignments import apply_rules, pause_plans, resume_plans


def assign_by_rules(*, session: Session, user: User, added_department_ids: list[int], **_: object) -> None:
    """A person who joins a department gets the templates its rules name (inside the users transaction)."""
    apply_rules(session=session, user=user, department_ids=added_department_ids, holidays=get_settings().holidays)


def pause_on_deactivation(*, session: Session, user: User, **_: object) -> None:
    """A deactivated person's open plans pause (inside the users transaction)."""
    pause_plans(session=session, user=user)


def resume_on_reactivation(*, session: Session, user: User, **_: object) -> None:
    """A reactivated person's paused plans go on, later by the working days they were paused."""
    resume_plans(session=session, user=user, holidays=get_settings().holidays)
