"""Ticking tasks off: each kind has its own rule, and every tick is counted exactly once.

Counters move only through conditional UPDATEs (`... WHERE status != 'done'`, `done_tasks + 1`), so two
people ticking at the same moment can neither lose a tick nor count one twice, on SQLite or PostgreSQL."""

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.models.onboarding import (
    AssignmentStatus,
    OnboardingAssignedTask,
    OnboardingAssignment,
    TaskKind,
    TaskStatus,
)
from app.models.types import utcnow
from app.models.users import User
from app.services import uploads as uploads_service
from app.services.onboarding import notices
from app.services.onboarding.access import can_manage, can_view
from app.services.onboarding.articles import acknowledgeable_ids
from app.services.transactions import all_or_nothing
from app.text import nfc

UPLOAD_KIND = "onboarding_task"


def _load(
    *, session: Session, task_id: int, assignment_id: int | None
) -> tuple[OnboardingAssignedTask, OnboardingAssignment]:
    task = session.get(OnboardingAssignedTask, task_id)
    assignment = session.get(OnboardingAssignment, task.assignment_id) if task else None
    if task is None or assignment is None or assignment_id not in (None, assignment.id):
        raise NotFound("This task does not exist.")
    return task, assignment


def _require_open(assignment: OnboardingAssignment) -> None:
    if assignment.status != AssignmentStatus.open:
        raise Conflict("This onboarding plan is not open any more.")


def _mark_done(*, session: Session, task: OnboardingAssignedTask, actor: User, note: str | None = None) -> bool:
    """Tick the task if nobody has yet; count it in its plan; True when this call did the tick (no commit)."""
    now = utcnow()
    values: dict[str, object] = {"status": TaskStatus.done, "completed_at": now, "completed_by_id": actor.id}
    if note is not None:
        values["note"] = nfc(note.strip())[:2000]
    ticked = session.exec(
        update(OnboardingAssignedTask)
        .where(col(OnboardingAssignedTask.id) == task.id, col(OnboardingAssignedTask.status) != TaskStatus.done)
        .values(**values)
    ).rowcount
    if ticked != 1:
        return False
    session.execute(
        update(OnboardingAssignment)
        .where(col(OnboardingAssignment.id) == task.assignment_id)
        .values(done_tasks=OnboardingAssignment.done_tasks + 1, last_activity_at=now)
    )
    finished = session.exec(
        update(OnboardingAssignment)
        .where(
            col(OnboardingAssignment.id) == task.assignment_id,
            col(OnboardingAssignment.status) == AssignmentStatus.open,
            col(OnboardingAssignment.done_tasks) >= col(OnboardingAssignment.total_tasks),
        )
        .values(status=AssignmentStatus.completed, completed_at=now)
    ).rowcount
    if finished == 1:
        _announce_completion(session=session, assignment_id=task.assignment_id)
    return True


def _mark_open(*, session: Session, task: OnboardingAssignedTask) -> bool:
    """Undo the task's tick, and count it out of its plan, unless someone has already; True when this call did it
    (no commit)."""
    reopened = session.exec(
        update(OnboardingAssignedTask)
        .where(col(OnboardingAssignedTask.id) == task.id, col(OnboardingAssignedTask.status) == TaskStatus.done)
        .values(status=TaskStatus.open, completed_at=None, completed_by_id=None, signoff_requested_at=None)
    )
    if reopened.rowcount == 1:
        session.execute(
            update(OnboardingAssignment)
            .where(col(OnboardingAssignment.id) == task.assignment_id)
            .values(done_tasks=OnboardingAssignment.done_tasks - 1)
        )
    return bool(reopened.rowcount == 1)


def _announce_completion(*, session: Session, assignment_id: int) -> None:
    assignment = session.get(OnboardingAssignment, assignment_id, populate_existing=True)
    hire = session.get(User, assignment.user_id) if assignment else None
    if assignment is None or hire is None:
        return
    to = [assignment.mentor_id, *notices.department_manager_ids(session=session, assignment=assignment)]
    notices.send(
        session=session,
        to=to,
        kind="onboarding.completed",
        actor=hire,
        url=notices.plan_url(assignment),
        message=notices.COMPLETED,
        hire=hire.name,
        name=assignment.name,
    )


def _finish(session: Session, task: OnboardingAssignedTask) -> OnboardingAssignedTask:
    session.commit()
    session.refresh(task)
    return task


def _hire_can_acknowledge(*, session: Session, task: OnboardingAssignedTask, assignment: OnboardingAssignment) -> bool:
    """Whether the new hire can complete this read task themself, by acknowledging its guide.

    When they cannot (the guide is not theirs to read, is gone, archived, or asks for no acknowledgement),
    the task is confirmed like a competency: the new hire asks, the mentor or a manager of the plan confirms."""
    hire = session.get(User, assignment.user_id)
    return (
        hire is not None
        and task.article_id is not None
        and task.article_id in acknowledgeable_ids(session=session, user=hire, article_ids={task.article_id})
    )


def _needs_confirmation(*, session: Session, task: OnboardingAssignedTask, assignment: OnboardingAssignment) -> bool:
    if task.kind == TaskKind.read:
        return not _hire_can_acknowledge(session=session, task=task, assignment=assignment)
    return task.kind == TaskKind.signoff


def plan_id_of_task(*, session: Session, task_id: int) -> int | None:
    """The plan a task belongs to (None when there is no such task), to show that plan again after a refused tick."""
    task = session.get(OnboardingAssignedTask, task_id)
    return task.assignment_id if task is not None else None


def _meet_counterpart(*, session: Session, task: OnboardingAssignedTask) -> User | None:
    """The active colleague a meeting task names (None when they are gone: then the mentor or a manager confirms)."""
    person = session.get(User, task.meet_user_id) if task.meet_user_id else None
    return person if person is not None and person.is_active else None


def may_confirm(
    *, session: Session, user: User, task: OnboardingAssignedTask, assignment: OnboardingAssignment
) -> bool:
    """Who confirms a task the new hire cannot tick alone: the colleague of a meeting (or, when they are gone, the
    mentor or a manager of the plan); the mentor or a manager of the plan for everything else. Never the new hire."""
    if user.id == assignment.user_id:
        return False
    if task.kind == TaskKind.meet:
        counterpart = _meet_counterpart(session=session, task=task)
        if counterpart is not None:
            return user.id == counterpart.id
    return user.id == assignment.mentor_id or can_manage(session=session, user=user, assignment=assignment)


@all_or_nothing
def complete_task(
    *,
    session: Session,
    actor: User,
    task_id: int,
    note: str = "",
    assignment_id: int | None = None,
    upload_id: int | None = None,
) -> OnboardingAssignedTask:
    """Tick a "do" task (the new hire, optionally with a file they uploaded), or confirm that a meeting took place
    (the colleague met; the new hire asks them with `request_signoff`)."""
    task, assignment = _load(session=session, task_id=task_id, assignment_id=assignment_id)
    if task.kind == TaskKind.meet:
        if actor.id == assignment.user_id:
            raise InvalidInput("A meeting is confirmed by the colleague you met: ask them to confirm it.")
        if not may_confirm(session=session, user=actor, task=task, assignment=assignment):
            raise NotFound("This task does not exist.")
    elif task.kind != TaskKind.do:
        if actor.id == assignment.user_id:
            raise InvalidInput("This task is completed by acknowledging the guide or by the mentor's confirmation.")
        raise NotFound("This task does not exist.")
    elif actor.id != assignment.user_id:
        raise NotFound("This task does not exist.")
    _require_open(assignment)
    if upload_id is not None:
        if task.kind != TaskKind.do:
            raise InvalidInput("Only a task to do can carry a file.")
        uploads_service.attach_uploads(
            session=session, owner=actor, upload_ids=[upload_id], target_key=f"{UPLOAD_KIND}:{task.id}"
        )
    if _mark_done(session=session, task=task, actor=actor, note=note if task.kind == TaskKind.do else None) and (
        task.kind == TaskKind.meet
    ):
        notices.tell_new_hire(
            session=session,
            assignment=assignment,
            kind="onboarding.meeting_confirmed",
            actor=actor,
            message=notices.MEETING_CONFIRMED,
            task=task.title,
        )
    return _finish(session, task)


def undo_task(*, session: Session, actor: User, task_id: int) -> OnboardingAssignedTask:
    """Take back a tick: the new hire their own "do" task, the colleague met their confirmed meeting. A plan the tick
    had completed is open again."""
    task, assignment = _load(session=session, task_id=task_id, assignment_id=None)
    if task.kind not in (TaskKind.do, TaskKind.meet) or task.completed_by_id != actor.id:
        raise NotFound("This task does not exist.")
    if assignment.status not in (AssignmentStatus.open, AssignmentStatus.completed):
        raise Conflict("This onboarding plan is not open any more.")
    if _mark_open(session=session, task=task):
        session.execute(
            update(OnboardingAssignment)
            .where(
                col(OnboardingAssignment.id) == assignment.id,
                col(OnboardingAssignment.status) == AssignmentStatus.completed,
            )
            .values(status=AssignmentStatus.open, completed_at=None)
        )
    return _finish(session, task)


def request_signoff(
    *, session: Session, actor: User, task_id: int, assignment_id: int | None = None
) -> OnboardingAssignedTask:
    """The new hire asks their mentor (or the managers) to confirm a competency or a guide they cannot acknowledge, or
    the colleague they met to confirm the meeting; asking again after a "not yet" is the same."""
    task, assignment = _load(session=session, task_id=task_id, assignment_id=assignment_id)
    if actor.id != assignment.user_id:
        raise NotFound("This task does not exist.")
    if task.kind != TaskKind.meet and not _needs_confirmation(session=session, task=task, assignment=assignment):
        if task.kind == TaskKind.read:
            raise InvalidInput("This task is done when you acknowledge its guide.")
        raise InvalidInput("Only a competency can be sent for confirmation.")
    _require_open(assignment)
    asked = session.exec(
        update(OnboardingAssignedTask)
        .where(col(OnboardingAssignedTask.id) == task.id, col(OnboardingAssignedTask.status) == TaskStatus.open)
        .values(status=TaskStatus.requested, signoff_requested_at=utcnow())
    ).rowcount
    if asked == 1:
        _tell_confirmers(session=session, actor=actor, task=task, assignment=assignment)
    return _finish(session, task)


def _tell_confirmers(
    *, session: Session, actor: User, task: OnboardingAssignedTask, assignment: OnboardingAssignment
) -> None:
    counterpart = _meet_counterpart(session=session, task=task) if task.kind == TaskKind.meet else None
    to: list[int | None]
    if counterpart is not None:
        to, kind, message = [counterpart.id], "onboarding.meeting_requested", notices.MEETING_REQUESTED
    else:
        to = (
            [assignment.mentor_id]
            if assignment.mentor_id
            else [*notices.department_manager_ids(session=session, assignment=assignment)]
        )
        kind, message = "onboarding.signoff_requested", notices.SIGNOFF_REQUESTED
    notices.send(
        session=session,
        to=to,
        kind=kind,
        actor=actor,
        url=notices.plan_url(assignment),
        message=message,
        hire=actor.name,
        task=task.title,
    )


@all_or_nothing
def answer_not_yet(
    *, session: Session, actor: User, task_id: int, comment: str, assignment_id: int | None = None
) -> OnboardingAssignedTask:
    """Whoever would confirm a request answers "not yet", saying what is missing: the task is open again with the
    comment on it, the new hire is told and can ask again."""
    task, assignment = _load(session=session, task_id=task_id, assignment_id=assignment_id)
    if not may_confirm(session=session, user=actor, task=task, assignment=assignment):
        if actor.id == assignment.user_id:
            raise PermissionDenied("You cannot answer your own request; ask your mentor.")
        raise NotFound("This task does not exist.")
    comment = nfc(comment.strip())
    if not comment:
        raise InvalidInput("Say what is still missing, so your colleague knows what to do.")
    _require_open(assignment)
    answered = session.exec(
        update(OnboardingAssignedTask)
        .where(col(OnboardingAssignedTask.id) == task.id, col(OnboardingAssignedTask.status) == TaskStatus.requested)
        .values(
            status=TaskStatus.open,
            signoff_requested_at=None,
            answer=comment[:2000],
            answered_at=utcnow(),
            answered_by_id=actor.id,
        )
    ).rowcount
    if answered != 1:
        raise Conflict("Nobody is waiting for an answer on this task any more.")
    notices.tell_new_hire(
        session=session,
        assignment=assignment,
        kind="onboarding.not_yet",
        actor=actor,
        message=notices.NOT_YET,
        task=task.title,
        comment=comment[:300],
    )
    return _finish(session, task)


def sign_off(
    *, session: Session, actor: User, task_id: int, comment: str = "", assignment_id: int | None = None
) -> OnboardingAssignedTask:
    """The mentor or a manager of the plan confirms a competency (or an unacknowledgeable read); never the new hire."""
    task, assignment = _load(session=session, task_id=task_id, assignment_id=assignment_id)
    if actor.id == assignment.user_id:
        raise PermissionDenied("You cannot confirm your own competency; ask your mentor.")
    if task.kind == TaskKind.meet:
        return complete_task(session=session, actor=actor, task_id=task_id, assignment_id=assignment_id)
    if not may_confirm(session=session, user=actor, task=task, assignment=assignment):
        raise NotFound("This task does not exist.")
    # A read task the new hire already asked about stays confirmable, even if the guide became theirs again since.
    if task.status != TaskStatus.requested and not _needs_confirmation(
        session=session, task=task, assignment=assignment
    ):
        if task.kind == TaskKind.read:
            raise InvalidInput("This task is done when the new hire acknowledges its guide.")
        raise InvalidInput("Only a competency needs confirmation.")
    _require_open(assignment)
    if _mark_done(session=session, task=task, actor=actor, note=comment):
        notices.tell_new_hire(
            session=session,
            assignment=assignment,
            kind="onboarding.signed_off",
            actor=actor,
            message=notices.SIGNED_OFF,
            task=task.title,
        )
    return _finish(session, task)


def complete_reading(*, session: Session, user: User, article_id: int, version: int | None = None, **_: object) -> None:
    """Acknowledging a guide completes the open "read" tasks that link it (inside the KB's transaction)."""
    tasks = session.exec(
        select(OnboardingAssignedTask)
        .join(OnboardingAssignment)
        .where(
            OnboardingAssignment.user_id == user.id,
            OnboardingAssignment.status == AssignmentStatus.open,
            OnboardingAssignedTask.kind == TaskKind.read,
            OnboardingAssignedTask.article_id == article_id,
            col(OnboardingAssignedTask.status) != TaskStatus.done,
        )
    ).all()
    for task in tasks:
        _mark_done(session=session, task=task, actor=user)


def reopen_reading(*, session: Session, article_id: int, major: bool, **_: object) -> None:
    """A new major version of a guide must be read again: the done "read" tasks that link it, in open plans, wait for
    its acknowledgement once more (inside the KB's transaction)."""
    if not major:
        return
    rows = session.exec(
        select(OnboardingAssignedTask, OnboardingAssignment)
        .join(OnboardingAssignment)
        .where(
            OnboardingAssignment.status == AssignmentStatus.open,
            OnboardingAssignedTask.kind == TaskKind.read,
            OnboardingAssignedTask.article_id == article_id,
            OnboardingAssignedTask.status == TaskStatus.done,
        )
    ).all()
    for task, assignment in rows:
        # Only where acknowledging can complete it again; a confirmed guide the hire cannot acknowledge stays done.
        if _hire_can_acknowledge(session=session, task=task, assignment=assignment):
            _mark_open(session=session, task=task)


def can_read_file(session: Session, user: User, task_id: int) -> bool:
    """Files on a task are for whoever may see its plan."""
    task = session.get(OnboardingAssignedTask, task_id)
    assignment = session.get(OnboardingAssignment, task.assignment_id) if task else None
    return assignment is not None and can_view(session=session, user=user, assignment=assignment)
