"""The onboarding JSON API: templates, plans (assignments), task completion and sign-off, rules, dashboard."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from app.deps import CurrentUser, ManagerUser, SessionDep, SettingsDep
from app.i18n import gettext
from app.models.onboarding import (
    AssignedTaskPublic,
    AssignmentCreate,
    AssignmentPublic,
    AssignmentPublicWithTasks,
    ChecklistCreate,
    ChecklistPublic,
    ChecklistTaskAdd,
    ChecklistTaskCreate,
    ChecklistTaskPublic,
    ChecklistUpdate,
    CloseRequest,
    CompleteRequest,
    DashboardRowPublic,
    DueDateChange,
    MentorChange,
    NotYetRequest,
    RuleCreate,
    RulePublic,
    SignoffRequest,
)
from app.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from app.services.onboarding import access, assignments, checklists, dashboard, presenters, rules, tasks
from app.services.onboarding.workdays import local_today
from app.templating import request_language

api = APIRouter(prefix="/api/v1/onboarding", tags=["onboarding"])


class TaskAdded(BaseModel):
    task: ChecklistTaskPublic
    pushed_to: int


@api.get("/templates", response_model=list[ChecklistPublic])
def read_templates(session: SessionDep, user: ManagerUser) -> list[ChecklistPublic]:
    """Checklist templates in use (managers)."""
    return [
        checklists.checklist_public(session=session, template=t) for t in checklists.list_checklists(session=session)
    ]


@api.post("/templates", response_model=ChecklistPublic, status_code=201)
def create_checklist(session: SessionDep, user: ManagerUser, data: ChecklistCreate) -> ChecklistPublic:
    """Create a checklist template with sections and tasks (managers)."""
    template = checklists.create_checklist(session=session, actor=user, data=data)
    return checklists.checklist_public(session=session, template=template)


@api.get("/templates/{template_id}", response_model=ChecklistPublic)
def read_template(session: SessionDep, user: ManagerUser, template_id: int) -> ChecklistPublic:
    """One template with its sections and tasks (managers)."""
    template = checklists.get_checklist_or_raise(session=session, template_id=template_id)
    return checklists.checklist_public(session=session, template=template)


@api.patch("/templates/{template_id}", response_model=ChecklistPublic)
def update_checklist(
    session: SessionDep, user: ManagerUser, template_id: int, data: ChecklistUpdate
) -> ChecklistPublic:
    """Change name, description or targets; a new version, assigned plans unchanged (managers)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    template = checklists.update_checklist(session=session, actor=user, template=template, data=data)
    return checklists.checklist_public(session=session, template=template)


@api.delete("/templates/{template_id}", status_code=204)
def archive_checklist(session: SessionDep, user: ManagerUser, template_id: int) -> Response:
    """Stop offering a template; plans made from it go on (managers)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    checklists.archive_checklist(session=session, actor=user, template=template)
    return Response(status_code=204)


@api.post("/templates/{template_id}/copy", response_model=ChecklistPublic, status_code=201)
def copy_checklist(request: Request, session: SessionDep, user: ManagerUser, template_id: int) -> ChecklistPublic:
    """Copy a template with its sections and tasks into a new one, named "… (copy)" in your language (managers)."""
    template = checklists.get_checklist_or_raise(session=session, template_id=template_id)
    name = gettext(request_language(request), "{name} (copy)", name=template.name)
    copy = checklists.copy_checklist(session=session, actor=user, template=template, name=name)
    return checklists.checklist_public(session=session, template=copy)


@api.post("/templates/{template_id}/tasks", response_model=TaskAdded, status_code=201)
def create_template_task(
    session: SessionDep, settings: SettingsDep, user: ManagerUser, template_id: int, data: ChecklistTaskAdd
) -> TaskAdded:
    """Add a task; with `push_to_open`, also to every open plan from this template (managers)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    task, pushed = checklists.add_task(
        session=session, actor=user, template=template, data=data, holidays=settings.holidays
    )
    return TaskAdded(task=ChecklistTaskPublic.model_validate(task, from_attributes=True), pushed_to=pushed)


@api.put("/templates/{template_id}/tasks/{task_id}", response_model=ChecklistTaskPublic)
def update_template_task(
    session: SessionDep, user: ManagerUser, template_id: int, task_id: int, data: ChecklistTaskCreate
) -> ChecklistTaskPublic:
    """Edit a task in place; assigned plans keep their copy (managers)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    task = checklists.update_task(session=session, actor=user, template=template, task_id=task_id, data=data)
    return ChecklistTaskPublic.model_validate(task, from_attributes=True)


@api.delete("/templates/{template_id}/tasks/{task_id}", status_code=204)
def delete_template_task(session: SessionDep, user: ManagerUser, template_id: int, task_id: int) -> Response:
    """Remove a task from the template; assigned plans keep their copy (managers)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    checklists.remove_task(session=session, actor=user, template=template, task_id=task_id)
    return Response(status_code=204)


@api.get("/assignments", response_model=Page[AssignmentPublic])
def read_assignments(
    session: SessionDep, user: CurrentUser, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> Page[AssignmentPublic]:
    """Plans the caller may see: their own, their mentees', and their departments' (newest first)."""
    position = decode_cursor(cursor, int)
    rows = presenters.list_visible_plans(
        session=session, user=user, before_id=position[0] if position else None, limit=clamp_limit(limit) + 1
    )
    page = rows[:limit]
    plans = presenters.plan_views(session=session, assignments=page, viewer=user, today=local_today())
    return Page(
        items=[presenters.assignment_public(p) for p in plans],
        next_cursor=encode_cursor(page[-1].id) if len(rows) > limit else None,
    )


@api.post("/assignments", response_model=AssignmentPublicWithTasks, status_code=201)
def create_assignment(
    session: SessionDep, settings: SettingsDep, user: ManagerUser, data: AssignmentCreate
) -> AssignmentPublic:
    """Assign a template to a person of your department, with a start date and a mentor (managers)."""
    assignment = assignments.assign_template(session=session, actor=user, data=data, holidays=settings.holidays)
    assert assignment.id is not None  # assign_template commits it
    return _plan(session, user, assignment.id)


def _plan(session: SessionDep, user: CurrentUser, assignment_id: int) -> AssignmentPublic:
    plan = presenters.plan_view(session=session, user=user, assignment_id=assignment_id, today=local_today())
    return presenters.assignment_public(plan, with_tasks=True)


@api.get("/assignments/{assignment_id}", response_model=AssignmentPublicWithTasks)
def read_assignment(session: SessionDep, user: CurrentUser, assignment_id: int) -> AssignmentPublic:
    """One plan with its tasks (the new hire, their mentor, managers of the department)."""
    return _plan(session, user, assignment_id)


@api.post("/assignments/{assignment_id}/mentor", response_model=AssignmentPublicWithTasks)
def change_mentor(session: SessionDep, user: CurrentUser, assignment_id: int, data: MentorChange) -> AssignmentPublic:
    """Give the plan another mentor (managers of the department)."""
    assignment = access.get_assignment_or_raise(session=session, user=user, assignment_id=assignment_id)
    assignments.change_mentor(session=session, actor=user, assignment=assignment, mentor_id=data.mentor_id)
    return _plan(session, user, assignment_id)


@api.post("/assignments/{assignment_id}/close", response_model=AssignmentPublicWithTasks)
def close_assignment(
    session: SessionDep, user: CurrentUser, assignment_id: int, data: CloseRequest
) -> AssignmentPublic:
    """Close an open plan early, with a reason (managers of the department)."""
    assignment = access.get_assignment_or_raise(session=session, user=user, assignment_id=assignment_id)
    assignments.close_assignment(session=session, actor=user, assignment=assignment, reason=data.reason)
    return _plan(session, user, assignment_id)


@api.post("/assignments/{assignment_id}/tasks/{task_id}/due", response_model=AssignedTaskPublic)
def extend_due_date(
    session: SessionDep, user: CurrentUser, assignment_id: int, task_id: int, data: DueDateChange
) -> AssignedTaskPublic:
    """Move a task's due date later; audited with the reason (managers of the department)."""
    assignment = access.get_assignment_or_raise(session=session, user=user, assignment_id=assignment_id)
    task = assignments.extend_due_date(
        session=session, actor=user, assignment=assignment, task_id=task_id, due_date=data.due_date, reason=data.reason
    )
    assert task.id is not None  # read from the database
    return _task(session, user, task.id)


def _task(session: SessionDep, user: CurrentUser, task_id: int) -> AssignedTaskPublic:
    return presenters.task_public(
        presenters.task_view(session=session, user=user, task_id=task_id, today=local_today())
    )


@api.post("/assignments/{assignment_id}/tasks/{task_id}/complete", response_model=AssignedTaskPublic)
def complete_task(
    session: SessionDep, user: CurrentUser, assignment_id: int, task_id: int, data: CompleteRequest | None = None
) -> AssignedTaskPublic:
    """Tick a "do" task (the new hire) or a "meet" task (the new hire or the person to meet)."""
    tasks.complete_task(
        session=session,
        actor=user,
        task_id=task_id,
        assignment_id=assignment_id,
        note=data.note if data else "",
        upload_id=data.upload_id if data else None,
    )
    return _task(session, user, task_id)


@api.post("/assignments/{assignment_id}/tasks/{task_id}/request-signoff", response_model=AssignedTaskPublic)
def request_signoff(session: SessionDep, user: CurrentUser, assignment_id: int, task_id: int) -> AssignedTaskPublic:
    """The new hire asks their mentor to confirm a competency."""
    tasks.request_signoff(session=session, actor=user, task_id=task_id, assignment_id=assignment_id)
    return _task(session, user, task_id)


@api.post("/assignments/{assignment_id}/tasks/{task_id}/signoff", response_model=AssignedTaskPublic)
def sign_off(
    session: SessionDep, user: CurrentUser, assignment_id: int, task_id: int, data: SignoffRequest | None = None
) -> AssignedTaskPublic:
    """The mentor or a manager confirms a competency (never the new hire)."""
    tasks.sign_off(
        session=session, actor=user, task_id=task_id, assignment_id=assignment_id, comment=data.comment if data else ""
    )
    return _task(session, user, task_id)


@api.post("/assignments/{assignment_id}/tasks/{task_id}/not-yet", response_model=AssignedTaskPublic)
def answer_not_yet(
    session: SessionDep, user: CurrentUser, assignment_id: int, task_id: int, data: NotYetRequest
) -> AssignedTaskPublic:
    """Answer a sign-off or meeting request with "not yet" and what is missing (whoever would confirm it)."""
    tasks.answer_not_yet(
        session=session, actor=user, task_id=task_id, assignment_id=assignment_id, comment=data.comment
    )
    return _task(session, user, task_id)


@api.get("/dashboard", response_model=list[DashboardRowPublic])
def read_dashboard(
    session: SessionDep,
    user: ManagerUser,
    department_id: int | None = None,
    q: str = "",
    overdue_only: bool = False,
    sort: str = "name",
    desc: bool = False,
) -> list[DashboardRowPublic]:
    """Every open plan of your departments: % done, days since start, overdue tasks, last activity."""
    filters = dashboard.DashboardFilters(
        department_id=department_id, query=q, overdue_only=overdue_only, sort=sort, descending=desc
    )
    return dashboard.dashboard_rows(session=session, user=user, filters=filters, today=local_today())


@api.get("/rules", response_model=list[RulePublic])
def read_rules(session: SessionDep, user: ManagerUser) -> list[RulePublic]:
    """Automatic assignment rules of your departments (managers)."""
    return [RulePublic.model_validate(r, from_attributes=True) for r in rules.list_rules(session=session, user=user)]


@api.post("/rules", response_model=RulePublic, status_code=201)
def create_rule(session: SessionDep, user: ManagerUser, data: RuleCreate) -> RulePublic:
    """Assign a template to everyone who joins a department (managers of it)."""
    return RulePublic.model_validate(rules.create_rule(session=session, actor=user, data=data), from_attributes=True)


@api.delete("/rules/{rule_id}", status_code=204)
def delete_rule(session: SessionDep, user: ManagerUser, rule_id: int) -> Response:
    """Stop assigning automatically (managers of the department)."""
    rules.delete_rule(session=session, actor=user, rule_id=rule_id)
    return Response(status_code=204)
