"""Onboarding plans: assign a template to a person, change the mentor, extend a due date, close early, pause."""

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.models.onboarding import (
    AssignmentCreate,
    AssignmentStatus,
    Checklist,
    OnboardingAssignedTask,
    OnboardingAssignment,
    OnboardingRule,
    TaskKind,
    TaskStatus,
)
from app.models.types import utcnow
from app.models.users import User
from app.services import audit
from app.services import users as users_service
from app.services.onboarding import notices
from app.services.onboarding.access import (
    managed_department_ids,
    require_checklist_for,
    require_manager_of,
    serves,
)
from app.services.onboarding.articles import acknowledged_current_ids
from app.services.onboarding.checklists import checklist_structure, get_checklist_or_raise
from app.services.onboarding.copying import copy_task
from app.services.onboarding.workdays import add_working_days, count_working_days, local_day, local_today
from app.services.transactions import all_or_nothing
from app.text import nfc


def _active_user(*, session: Session, user_id: int, message: str) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise InvalidInput(message)
    return user


def assignable_people(*, session: Session, user: User) -> list[User]:
    """The active people the user may give a plan to: those of the departments they manage (everyone, for admins),
    in Ukrainian alphabetical order."""
    managed = managed_department_ids(session=session, user=user)
    people = users_service.list_users(session=session, include_inactive=False)
    if managed is None:
        return people
    departments = users_service.department_ids_by_user(session=session, user_ids=[p.id for p in people if p.id])
    return [p for p in people if set(departments.get(p.id or 0, [])) & set(managed)]


def _pick_department(
    *, session: Session, actor: User | None, hire: User, template: Checklist, wanted: int | None
) -> int | None:
    """The plan's department: the one asked for, else the hire's first the actor manages (one the template is for)."""
    hire_departments = users_service.department_ids_of(session=session, user=hire)
    allowed = managed_department_ids(session=session, user=actor) if actor else None
    candidates = sorted(
        (d for d in hire_departments if allowed is None or d in allowed), key=lambda d: not serves(template, d)
    )
    if wanted is not None:
        if wanted not in candidates:
            raise PermissionDenied("You can assign onboarding only to people of your departments.")
        return wanted
    if not candidates and allowed is not None:
        raise PermissionDenied("You can assign onboarding only to people of your departments.")
    return candidates[0] if candidates else None


def assign(
    *, session: Session, actor: User | None, data: AssignmentCreate, holidays: Collection[date]
) -> OnboardingAssignment:
    """Give a person a plan copied from a template, with a start date and a mentor (no commit)."""
    template = get_checklist_or_raise(session=session, template_id=data.template_id)
    hire = _active_user(session=session, user_id=data.user_id, message="This person does not exist or is inactive.")
    assert hire.id is not None and template.id is not None  # both read from the database
    if data.mentor_id is not None:
        _active_user(session=session, user_id=data.mentor_id, message="The mentor does not exist or is inactive.")
        if data.mentor_id == hire.id:
            raise InvalidInput("A new colleague cannot be their own mentor.")
    department_id = _pick_department(
        session=session, actor=actor, hire=hire, template=template, wanted=data.department_id
    )
    if actor is not None:
        require_checklist_for(user=actor, template=template, department_id=department_id)
    if (
        session.exec(
            select(OnboardingAssignment.id).where(
                OnboardingAssignment.user_id == hire.id,
                OnboardingAssignment.template_id == template.id,
                OnboardingAssignment.status == AssignmentStatus.open,
            )
        ).first()
        is not None
    ):
        raise Conflict("{name} already has an open plan «{template}».", name=hire.name, template=template.name)
    assignment = OnboardingAssignment(
        user_id=hire.id,
        template_id=template.id,
        template_version=template.version,
        name=template.name,
        department_id=department_id,
        mentor_id=data.mentor_id,
        assigned_by_id=actor.id if actor else None,
        start_date=data.start_date,
    )
    session.add(assignment)
    session.flush()
    copies = [
        copy_task(
            session=session,
            assignment=assignment,
            task=task,
            position=task.position,
            section_title=section.title if section else "",
            holidays=holidays,
        )
        for section, tasks in checklist_structure(session=session, template=template)
        for task in tasks
    ]
    assignment.total_tasks = len(copies)
    assignment.done_tasks = _credit_earlier_acknowledgements(session=session, hire=hire, copies=copies)
    session.add(assignment)
    audit.record(
        session=session,
        action="onboarding.assigned",
        actor=actor,
        subject=hire.email,
        target_type="onboarding_assignment",
        target_id=assignment.id,
        detail={
            "template": template.name,
            "version": template.version,
            "mentor_id": data.mentor_id,
            "start_date": data.start_date.isoformat(),
        },
    )
    notices.tell_new_hire(
        session=session,
        assignment=assignment,
        kind="onboarding.assigned",
        actor=actor,
        message=notices.ASSIGNED,
        name=template.name,
    )
    notices.send(
        session=session,
        to=[data.mentor_id],
        kind="onboarding.mentor",
        actor=actor,
        url=notices.plan_url(assignment),
        message=notices.MENTOR_ASSIGNED,
        hire=hire.name,
        name=template.name,
    )
    return assignment


def _credit_earlier_acknowledgements(*, session: Session, hire: User, copies: list[OnboardingAssignedTask]) -> int:
    """A guide whose current major version the new hire already acknowledged needs no second acknowledgement."""
    reads = {c.article_id for c in copies if c.kind == TaskKind.read and c.article_id}
    acknowledged = acknowledged_current_ids(session=session, user=hire, article_ids=reads)
    now, done = utcnow(), 0
    for copy in copies:
        if copy.kind == TaskKind.read and copy.article_id in acknowledged:
            copy.status, copy.completed_at, copy.completed_by_id = TaskStatus.done, now, hire.id
            session.add(copy)
            done += 1
    return done


def assign_template(
    *, session: Session, actor: User, data: AssignmentCreate, holidays: Collection[date]
) -> OnboardingAssignment:
    """Assign a template to a person of one of the actor's departments, and commit."""
    if not actor.is_manager:
        raise PermissionDenied("Only managers can do this.")
    assignment = assign(session=session, actor=actor, data=data, holidays=holidays)
    session.commit()
    session.refresh(assignment)
    return assignment


@all_or_nothing
def assign_templates(
    *, session: Session, actor: User, data: Sequence[AssignmentCreate], holidays: Collection[date]
) -> list[OnboardingAssignment]:
    """Give a person one plan per chosen template (the assign page): all of them or, when one is refused, none; and
    commit."""
    if not actor.is_manager:
        raise PermissionDenied("Only managers can do this.")
    if not data:
        raise InvalidInput("Choose at least one checklist template.")
    created = [assign(session=session, actor=actor, data=item, holidays=holidays) for item in data]
    session.commit()
    return created


def apply_rules(*, session: Session, user: User, department_ids: list[int], holidays: Collection[date]) -> int:
    """Assign the templates whose rules name a department the user just joined (no commit); returns how many."""
    assert user.id is not None  # read from the database
    rules = session.exec(
        select(OnboardingRule)
        .where(col(OnboardingRule.department_id).in_(department_ids))
        .order_by(col(OnboardingRule.id))
    ).all()
    count = 0
    for rule in rules:
        data = AssignmentCreate(
            user_id=user.id,
            template_id=rule.template_id,
            start_date=local_today(),
            mentor_id=rule.mentor_id if rule.mentor_id != user.id else None,
            department_id=rule.department_id,
        )
        try:
            with session.begin_nested():
                assign(session=session, actor=None, data=data, holidays=holidays)
            count += 1
        except (Conflict, NotFound, InvalidInput):
            continue  # already has it, or the template was archived: nothing to add
    return count


@all_or_nothing
def change_mentor(
    *, session: Session, actor: User, assignment: OnboardingAssignment, mentor_id: int
) -> OnboardingAssignment:
    """Give the plan another mentor (audited; the new mentor is told)."""
    require_manager_of(session=session, user=actor, assignment=assignment)
    mentor = _active_user(session=session, user_id=mentor_id, message="The mentor does not exist or is inactive.")
    if mentor.id == assignment.user_id:
        raise InvalidInput("A new colleague cannot be their own mentor.")
    audit.record(
        session=session,
        action="onboarding.mentor_changed",
        actor=actor,
        target_type="onboarding_assignment",
        target_id=assignment.id,
        detail={"from": assignment.mentor_id, "to": mentor.id},
    )
    assignment.mentor_id = mentor.id
    session.add(assignment)
    hire = session.get(User, assignment.user_id)
    notices.send(
        session=session,
        to=[mentor.id],
        kind="onboarding.mentor",
        actor=actor,
        url=notices.plan_url(assignment),
        message=notices.MENTOR_ASSIGNED,
        hire=hire.name if hire else "",
        name=assignment.name,
    )
    session.commit()
    session.refresh(assignment)
    return assignment


def get_task_or_raise(*, session: Session, assignment: OnboardingAssignment, task_id: int) -> OnboardingAssignedTask:
    """A task of this plan, or NotFound."""
    task = session.get(OnboardingAssignedTask, task_id)
    if task is None or task.assignment_id != assignment.id:
        raise NotFound("This task does not exist.")
    return task


@all_or_nothing
def extend_due_date(
    *, session: Session, actor: User, assignment: OnboardingAssignment, task_id: int, due_date: date, reason: str
) -> OnboardingAssignedTask:
    """Move a task's due date later (audited with the reason)."""
    require_manager_of(session=session, user=actor, assignment=assignment)
    task = get_task_or_raise(session=session, assignment=assignment, task_id=task_id)
    if due_date <= task.due_date:
        raise InvalidInput("The new due date must be later than {date}.", date=task.due_date)
    audit.record(
        session=session,
        action="onboarding.due_extended",
        actor=actor,
        target_type="onboarding_assigned_task",
        target_id=task.id,
        detail={
            "from": task.due_date.isoformat(),
            "to": due_date.isoformat(),
            "reason": nfc(reason.strip()),
            "assignment_id": assignment.id,
        },
    )
    task.due_date = due_date
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@all_or_nothing
def close_assignment(
    *, session: Session, actor: User, assignment: OnboardingAssignment, reason: str
) -> OnboardingAssignment:
    """Close an open plan early, with a reason (audited; the new hire is told)."""
    require_manager_of(session=session, user=actor, assignment=assignment)
    reason = nfc(reason.strip())
    if len(reason) < 3:
        raise InvalidInput("Please give a reason.")
    result = session.exec(
        update(OnboardingAssignment)
        .where(col(OnboardingAssignment.id) == assignment.id, col(OnboardingAssignment.status) == AssignmentStatus.open)
        .values(status=AssignmentStatus.closed, closed_at=utcnow(), close_reason=reason[:1000])
    )
    if result.rowcount != 1:
        raise Conflict("This onboarding plan is not open any more.")
    audit.record(
        session=session,
        action="onboarding.closed",
        actor=actor,
        target_type="onboarding_assignment",
        target_id=assignment.id,
        detail={"reason": reason},
    )
    notices.tell_new_hire(
        session=session,
        assignment=assignment,
        kind="onboarding.closed",
        actor=actor,
        message=notices.CLOSED,
        name=assignment.name,
        reason=reason,
    )
    session.commit()
    session.refresh(assignment)
    return assignment


def pause_plans(*, session: Session, user: User) -> None:
    """Pause the person's open plans while their account is deactivated: nothing falls due, nobody is reminded
    (no commit)."""
    session.execute(
        update(OnboardingAssignment)
        .where(col(OnboardingAssignment.user_id) == user.id, col(OnboardingAssignment.status) == AssignmentStatus.open)
        .values(status=AssignmentStatus.paused, paused_at=utcnow())
    )


def resume_plans(*, session: Session, user: User, holidays: Collection[date]) -> None:
    """Reopen the person's paused plans; their unfinished tasks fall due later by the working days of the pause
    (no commit)."""
    today = local_today()
    plans = session.exec(
        select(OnboardingAssignment).where(
            OnboardingAssignment.user_id == user.id, OnboardingAssignment.status == AssignmentStatus.paused
        )
    ).all()
    for plan in plans:
        paused_on = local_day(plan.paused_at) if plan.paused_at else today
        _postpone(session=session, plan=plan, days=count_working_days(paused_on, today, holidays), holidays=holidays)
        plan.status, plan.paused_at = AssignmentStatus.open, None
        session.add(plan)


def _postpone(*, session: Session, plan: OnboardingAssignment, days: int, holidays: Collection[date]) -> None:
    if days == 0:
        return
    for task in session.exec(
        select(OnboardingAssignedTask).where(
            OnboardingAssignedTask.assignment_id == plan.id, col(OnboardingAssignedTask.status) != TaskStatus.done
        )
    ):
        task.due_date = add_working_days(task.due_date, days, holidays)
        session.add(task)
