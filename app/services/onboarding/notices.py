"""Who hears about what happens in a plan: the new hire, the mentor, the department's managers."""

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from app.i18n import N_
from app.models.onboarding import OnboardingAssignment
from app.models.users import Role, User, UserDepartment
from app.services import notifications as notifications_service

ASSIGNED = N_("{actor} assigned you the onboarding plan «{name}».")
MENTOR_ASSIGNED = N_("{actor} made you the mentor of {hire} («{name}»).")
SIGNOFF_REQUESTED = N_("{hire} asks you to confirm «{task}».")
SIGNED_OFF = N_("{actor} confirmed «{task}».")
NOT_YET = N_("{actor} answered «{task}»: not yet — {comment}")
MEETING_REQUESTED = N_("{hire} asks you to confirm that you met: «{task}».")
MEETING_CONFIRMED = N_("{actor} confirmed your meeting: «{task}».")
COMPLETED = N_("{hire} has completed the onboarding plan «{name}».")
CLOSED = N_("{actor} closed the onboarding plan «{name}»: {reason}")
DUE_TOMORROW = N_("Onboarding tasks due tomorrow: {tasks}.")
OVERDUE = N_("Overdue onboarding tasks: {tasks}.")


def plan_url(assignment: OnboardingAssignment) -> str:
    """The plan's page."""
    return f"/onboarding/assignments/{assignment.id}"


def department_manager_ids(*, session: Session, assignment: OnboardingAssignment) -> list[int]:
    """The managers of the plan's department, and whoever assigned it."""
    ids: set[int | None] = {assignment.assigned_by_id} if assignment.assigned_by_id else set()
    if assignment.department_id is not None:
        ids |= set(
            session.exec(
                select(col(User.id))
                .join(UserDepartment)
                .where(
                    UserDepartment.department_id == assignment.department_id,
                    User.role == Role.manager,
                    col(User.is_active),
                )
            ).all()
        )
    return sorted(i for i in ids if i is not None)


def send(
    *, session: Session, to: Iterable[int | None], kind: str, actor: User | None, url: str, message: str, **params: Any
) -> None:
    """Notify these people (no commit)."""
    notifications_service.notify(
        session=session,
        recipient_ids=[i for i in to if i],
        kind=kind,
        actor=actor,
        url=url,
        message=message,
        params=params,
    )


def tell_new_hire(
    *, session: Session, assignment: OnboardingAssignment, kind: str, actor: User | None, message: str, **params: Any
) -> None:
    """Notify the plan's new hire, linking the plan (no commit)."""
    send(
        session=session,
        to=[assignment.user_id],
        kind=kind,
        actor=actor,
        url=plan_url(assignment),
        message=message,
        **params,
    )
