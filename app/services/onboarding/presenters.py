"""Plans ready to show: the new hire's "My onboarding", one plan in full, and the mentor's overview."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from app.markdown import render_markdown
from app.models.onboarding import (
    AssignedTaskPublic,
    AssignmentPublic,
    AssignmentPublicWithTasks,
    AssignmentStatus,
    OnboardingAssignedTask,
    OnboardingAssignment,
    TaskKind,
    TaskStatus,
)
from app.models.users import User
from app.services import uploads as uploads_service
from app.services import users as users_service
from app.services.onboarding.access import get_assignment_or_raise, managed_department_ids, viewable_clause
from app.services.onboarding.articles import acknowledgeable_ids, article_links
from app.services.onboarding.tasks import UPLOAD_KIND

NEXT_TASKS = 3  # how many open tasks the home page shows with their buttons


@dataclass
class TaskView:
    task: OnboardingAssignedTask
    html: str
    overdue: bool
    due_this_week: bool
    article_title: str | None = None  # only when the viewer may read the guide
    article_url: str | None = None
    guide_hidden: bool = False  # a read task whose guide the viewer may not read (or that is gone)
    needs_confirmation: bool = False  # an open read task the new hire cannot complete by acknowledging
    meet_name: str | None = None
    completed_by_name: str | None = None
    answered_by_name: str | None = None  # who said "not yet" (shown with `task.answer` while the task is not done)
    viewer_confirms: bool = False  # the viewer may confirm it (or say "not yet"): mentor, manager, colleague met
    viewer_can_undo: bool = False  # the viewer ticked it and may take the tick back
    files: list[tuple[str, str]] = field(default_factory=list)  # (file name, url)


@dataclass
class PlanView:
    assignment: OnboardingAssignment
    hire_name: str
    mentor_name: str | None
    percent: int
    sections: list[tuple[str, list[TaskView]]] = field(default_factory=list)
    overdue: list[TaskView] = field(default_factory=list)
    due_this_week: list[TaskView] = field(default_factory=list)
    next_up: list[TaskView] = field(default_factory=list)
    viewer_is_hire: bool = False
    viewer_can_sign: bool = False
    viewer_manages: bool = False


def percent(assignment: OnboardingAssignment) -> int:
    """How much of the plan is done, 0–100 (rounded down, so 100 means everything)."""
    return 100 * assignment.done_tasks // assignment.total_tasks if assignment.total_tasks else 100


def _names(*, session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    return {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(wanted))).all() if u.id}


def _unacknowledgeable(
    *, session: Session, tasks: Sequence[OnboardingAssignedTask], assignments: Sequence[OnboardingAssignment]
) -> set[int]:
    """Open read tasks of open plans whose new hire cannot acknowledge the guide (one query per new hire)."""
    hire_of = {a.id: a.user_id for a in assignments if a.status == AssignmentStatus.open}
    reads: dict[int, list[OnboardingAssignedTask]] = defaultdict(list)
    for task in tasks:
        if task.kind == TaskKind.read and task.status != TaskStatus.done and task.assignment_id in hire_of:
            reads[hire_of[task.assignment_id]].append(task)
    hires = session.exec(select(User).where(col(User.id).in_(list(reads)))).all() if reads else []
    stuck: set[int] = set()
    for hire in hires:
        mine = reads[hire.id or 0]
        can = acknowledgeable_ids(session=session, user=hire, article_ids={t.article_id for t in mine if t.article_id})
        stuck |= {t.id for t in mine if t.id and t.article_id not in can}
    return stuck


def _task_views(
    *,
    session: Session,
    tasks: Sequence[OnboardingAssignedTask],
    today: date,
    viewer: User,
    assignments: Sequence[OnboardingAssignment],
) -> list[TaskView]:
    # Only guides the viewer may read are named: a plan can outlive a guide's audience, or link another department's.
    links = article_links(session=session, user=viewer, article_ids={t.article_id for t in tasks if t.article_id})
    unacknowledgeable = _unacknowledgeable(session=session, tasks=tasks, assignments=assignments)
    names = _names(
        session=session,
        ids={t.meet_user_id for t in tasks} | {t.completed_by_id for t in tasks} | {t.answered_by_id for t in tasks},
    )
    active = _active_ids(session=session, ids={t.meet_user_id for t in tasks})
    plan_of = {a.id: a for a in assignments}
    manages = _manages(session=session, viewer=viewer)
    week_end = today + timedelta(days=6 - today.weekday())
    files = uploads_service.uploads_for(session=session, target_keys=[f"{UPLOAD_KIND}:{t.id}" for t in tasks])
    running = {a.id for a in assignments if a.status == AssignmentStatus.open}  # a paused plan has nothing due
    views = []
    for task in tasks:
        open_ = task.status != TaskStatus.done and task.assignment_id in running
        title, url = links.get(task.article_id or 0, (None, None))
        plan = plan_of[task.assignment_id]
        is_hire = viewer.id == plan.user_id
        signer = not is_hire and (viewer.id == plan.mentor_id or manages(plan))
        confirms = (viewer.id == task.meet_user_id) if task.meet_user_id in active else signer
        views.append(
            TaskView(
                task=task,
                html=render_markdown(task.instructions),
                overdue=open_ and task.due_date < today,
                due_this_week=open_ and today <= task.due_date <= week_end,
                article_title=title,
                article_url=url,
                guide_hidden=task.kind == TaskKind.read and url is None,
                needs_confirmation=task.id in unacknowledgeable
                or (task.kind == TaskKind.read and task.status == TaskStatus.requested),
                meet_name=names.get(task.meet_user_id or 0),
                completed_by_name=names.get(task.completed_by_id or 0),
                answered_by_name=names.get(task.answered_by_id or 0),
                viewer_confirms=confirms and not is_hire,
                viewer_can_undo=task.status == TaskStatus.done
                and task.kind in (TaskKind.do, TaskKind.meet)
                and task.completed_by_id == viewer.id
                and plan.status in (AssignmentStatus.open, AssignmentStatus.completed),
                files=[(u.filename, f"/uploads/{u.id}") for u in files[f"{UPLOAD_KIND}:{task.id}"]],
            )
        )
    return views


def _active_ids(*, session: Session, ids: Iterable[int | None]) -> set[int]:
    wanted = [i for i in ids if i]
    if not wanted:
        return set()
    return {i for i in session.exec(select(User.id).where(col(User.id).in_(wanted), col(User.is_active))) if i}


def _manages(*, session: Session, viewer: User) -> Callable[[OnboardingAssignment], bool]:
    managed = managed_department_ids(session=session, user=viewer)
    return lambda plan: managed is None or plan.department_id in managed


def plan_views(
    *, session: Session, assignments: Sequence[OnboardingAssignment], viewer: User, today: date
) -> list[PlanView]:
    """Each plan with its tasks grouped by section, what is overdue and what is due this week."""
    ids = [a.id for a in assignments]
    tasks = session.exec(
        select(OnboardingAssignedTask)
        .where(col(OnboardingAssignedTask.assignment_id).in_(ids))
        .order_by(col(OnboardingAssignedTask.position), col(OnboardingAssignedTask.id))
    ).all()
    views = _task_views(session=session, tasks=tasks, today=today, viewer=viewer, assignments=assignments)
    names = _names(session=session, ids={a.user_id for a in assignments} | {a.mentor_id for a in assignments})
    managed = managed_department_ids(session=session, user=viewer)
    plans = []
    for assignment in assignments:
        mine = [v for v in views if v.task.assignment_id == assignment.id]
        sections: dict[str, list[TaskView]] = {}
        for view in mine:
            sections.setdefault(view.task.section_title, []).append(view)
        manages = managed is None or assignment.department_id in managed
        open_views = sorted(
            (v for v in mine if v.task.status != TaskStatus.done), key=lambda v: (v.task.due_date, v.task.position)
        )
        plans.append(
            PlanView(
                assignment=assignment,
                hire_name=names.get(assignment.user_id, ""),
                mentor_name=names.get(assignment.mentor_id or 0),
                percent=percent(assignment),
                sections=list(sections.items()),
                overdue=[v for v in mine if v.overdue],
                due_this_week=[v for v in mine if v.due_this_week],
                next_up=open_views[:NEXT_TASKS],
                viewer_is_hire=viewer.id == assignment.user_id,
                viewer_can_sign=viewer.id != assignment.user_id and (viewer.id == assignment.mentor_id or manages),
                viewer_manages=manages,
            )
        )
    return plans


def plan_view(*, session: Session, user: User, assignment_id: int, today: date) -> PlanView:
    """One plan the user may see, read fresh from the database (NotFound for anyone else)."""
    assignment = get_assignment_or_raise(session=session, user=user, assignment_id=assignment_id)
    session.refresh(assignment)
    return plan_views(session=session, assignments=[assignment], viewer=user, today=today)[0]


def mentor_choices(*, session: Session, plan: PlanView) -> list[User]:
    """The people a plan's page offers as its new mentor: every active person, to those who manage the plan."""
    return users_service.list_users(session=session, include_inactive=False) if plan.viewer_manages else []


def task_view(*, session: Session, user: User, task_id: int, today: date) -> TaskView:
    """One task of a plan as the user sees it, its plan read fresh (after a change to the task)."""
    task = session.get(OnboardingAssignedTask, task_id)
    assignment = session.get(OnboardingAssignment, task.assignment_id, populate_existing=True) if task else None
    plans = plan_views(session=session, assignments=[assignment] if assignment else [], viewer=user, today=today)
    return next(v for _, views in plans[0].sections for v in views if v.task.id == task_id)


def list_visible_plans(
    *, session: Session, user: User, before_id: int | None = None, limit: int
) -> list[OnboardingAssignment]:
    """The plans the user may see (their own, their mentees', their departments'), newest first, from before
    `before_id`, at most `limit` of them (the API's pages)."""
    managed = managed_department_ids(session=session, user=user)
    query = (
        select(OnboardingAssignment)
        .where(viewable_clause(user=user, managed=managed))
        .order_by(col(OnboardingAssignment.id).desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(col(OnboardingAssignment.id) < before_id)
    return list(session.exec(query).all())


def my_assignments(*, session: Session, user: User) -> list[OnboardingAssignment]:
    """The user's own plans: open ones first, then finished ones, newest first."""
    rows = session.exec(
        select(OnboardingAssignment)
        .where(OnboardingAssignment.user_id == user.id)
        .order_by(col(OnboardingAssignment.id).desc())
        .execution_options(populate_existing=True)
    ).all()
    return sorted(rows, key=lambda a: a.status != AssignmentStatus.open)


def home_plans(*, session: Session, user: User, today: date) -> list[PlanView]:
    """The user's open plans for the top of the home page (none: one query, nothing shown)."""
    plans = session.exec(
        select(OnboardingAssignment)
        .where(OnboardingAssignment.user_id == user.id, OnboardingAssignment.status == AssignmentStatus.open)
        .order_by(col(OnboardingAssignment.id))
        .execution_options(populate_existing=True)
    ).all()
    return plan_views(session=session, assignments=plans, viewer=user, today=today) if plans else []


@dataclass
class MentorOverview:
    waiting: list[tuple[OnboardingAssignedTask, OnboardingAssignment, str]]
    mentees: list[tuple[OnboardingAssignment, str, int]]
    meetings: list[tuple[OnboardingAssignedTask, str]]


def mentor_overview(*, session: Session, user: User) -> MentorOverview:
    """Sign-offs waiting for the mentor, their mentees' progress, and meetings that name them."""
    mentees = session.exec(
        select(OnboardingAssignment)
        .where(OnboardingAssignment.mentor_id == user.id, OnboardingAssignment.status == AssignmentStatus.open)
        .order_by(col(OnboardingAssignment.start_date))
        .execution_options(populate_existing=True)
    ).all()
    waiting = session.exec(
        select(OnboardingAssignedTask, OnboardingAssignment)
        .join(OnboardingAssignment)
        .where(
            OnboardingAssignment.mentor_id == user.id,
            OnboardingAssignment.status == AssignmentStatus.open,
            OnboardingAssignedTask.status == TaskStatus.requested,
        )
        .order_by(col(OnboardingAssignedTask.signoff_requested_at))
    ).all()
    meetings = session.exec(
        select(OnboardingAssignedTask, OnboardingAssignment)
        .join(OnboardingAssignment)
        .where(
            OnboardingAssignedTask.meet_user_id == user.id,
            OnboardingAssignedTask.kind == TaskKind.meet,
            OnboardingAssignedTask.status != TaskStatus.done,
            OnboardingAssignment.status == AssignmentStatus.open,
        )
        .order_by(col(OnboardingAssignedTask.signoff_requested_at).is_(None), col(OnboardingAssignedTask.due_date))
    ).all()
    # A meeting is the colleague's to confirm; the mentor hears of it only when that colleague is gone.
    active = _active_ids(session=session, ids={t.meet_user_id for t, _ in waiting})
    waiting = [(t, a) for t, a in waiting if t.kind != TaskKind.meet or t.meet_user_id not in active]
    names = _names(
        session=session,
        ids={a.user_id for a in mentees} | {a.user_id for _, a in waiting} | {a.user_id for _, a in meetings},
    )
    return MentorOverview(
        waiting=[(t, a, names.get(a.user_id, "")) for t, a in waiting],
        mentees=[(a, names.get(a.user_id, ""), percent(a)) for a in mentees],
        meetings=[(t, names.get(a.user_id, "")) for t, a in meetings],
    )


def assignment_public(plan: PlanView, *, with_tasks: bool = False) -> AssignmentPublic:
    """What the API shows of a plan."""
    a = plan.assignment
    base = dict(
        id=a.id,
        user_id=a.user_id,
        user_name=plan.hire_name,
        template_id=a.template_id,
        template_version=a.template_version,
        name=a.name,
        department_id=a.department_id,
        mentor_id=a.mentor_id,
        mentor_name=plan.mentor_name,
        start_date=a.start_date,
        status=a.status,
        total_tasks=a.total_tasks,
        done_tasks=a.done_tasks,
        percent_done=plan.percent,
        close_reason=a.close_reason,
        last_activity_at=a.last_activity_at,
        url=f"/onboarding/assignments/{a.id}",
    )
    if not with_tasks:
        return AssignmentPublic.model_validate(base)
    tasks = [task_public(v) for _, views in plan.sections for v in views]
    return AssignmentPublicWithTasks.model_validate({**base, "tasks": tasks})


def task_public(view: TaskView) -> AssignedTaskPublic:
    """What the API shows of a task."""
    t = view.task
    assert t.id is not None  # read from the database
    return AssignedTaskPublic(
        id=t.id,
        section_title=t.section_title,
        position=t.position,
        title=t.title,
        instructions=t.instructions,
        html=view.html,
        kind=t.kind,
        article_id=None if view.guide_hidden else t.article_id,
        article_url=view.article_url,
        article_hidden=view.guide_hidden,
        needs_confirmation=view.needs_confirmation,
        meet_user_id=t.meet_user_id,
        due_date=t.due_date,
        status=t.status,
        overdue=view.overdue,
        note=t.note,
        completed_at=t.completed_at,
        completed_by_id=t.completed_by_id,
        answer=t.answer if t.status != TaskStatus.done else "",
        answered_at=t.answered_at if t.status != TaskStatus.done else None,
        file_urls=[url for _, url in view.files],
    )
