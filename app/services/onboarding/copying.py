"""Copy template tasks into an assignment: the copy keeps its text even when the template changes."""

from collections.abc import Collection
from datetime import date

from sqlmodel import Session

from app.models.onboarding import ChecklistTask, OnboardingAssignedTask, OnboardingAssignment
from app.search import outbox
from app.services.onboarding.workdays import add_working_days


def copy_task(
    *,
    session: Session,
    assignment: OnboardingAssignment,
    task: ChecklistTask,
    section_title: str,
    position: int,
    holidays: Collection[date],
) -> OnboardingAssignedTask:
    """Add a copy of `task` to `assignment`, due `due_offset_days` working days after its start (no commit)."""
    assert assignment.id is not None  # stored (flushed) before its tasks are copied
    copy = OnboardingAssignedTask(
        assignment_id=assignment.id,
        template_task_id=task.id,
        section_title=section_title,
        position=position,
        title=task.title,
        instructions=task.instructions,
        kind=task.kind,
        article_id=task.article_id,
        meet_user_id=task.meet_user_id,
        due_date=add_working_days(assignment.start_date, task.due_offset_days, holidays),
    )
    session.add(copy)
    session.flush()
    outbox.enqueue(session, f"task:{copy.id}")
    return copy
