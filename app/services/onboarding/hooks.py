"""Reactions to other domains' events; importing this module subscribes them."""

from sqlmodel import Session

from app import events
from app.config import get_settings
from app.models.users import User
from app.services.onboarding import tasks  # noqa: F401  (subscribes "article.acknowledged")
from app.services.onboarding.assignments import apply_rules


@events.subscribe("user.departments_changed")
def assign_by_rules(*, session: Session, user: User, added_department_ids: list[int], **_: object) -> None:
    """A person who joins a department gets the templates its rules name (inside the users transaction)."""
    apply_rules(session=session, user=user, department_ids=added_department_ids, holidays=get_settings().holidays)
