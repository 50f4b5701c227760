"""Managers build checklist templates: sections, tasks of four kinds, automatic assignment rules."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from pydantic import ValidationError

from app.deps import ManagerUser, SessionDep, SettingsDep
from app.errors import AppError
from app.models.onboarding import TaskKind
from app.models.users import Role
from app.routers.forms import form_error, form_status
from app.routers.onboarding.common import back
from app.routers.onboarding.forms import (
    ChecklistEditForm,
    ChecklistForm,
    RuleForm,
    SectionForm,
    TaskForm,
)
from app.services import users as users_service
from app.services.onboarding import access, checklists, rules
from app.services.onboarding.articles import kept_guides, published_articles
from app.templating import render

pages = APIRouter(prefix="/onboarding/templates", include_in_schema=False)


def _list(request: Request, session: SessionDep, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("form", {"name": "", "description": ""})
    return render(
        request,
        "onboarding/checklists.html",
        {"templates_list": checklists.list_checklists(session=session), "tab": "templates", **context},
        status_code=status_code,
    )


@pages.get("")
def templates_page(request: Request, session: SessionDep, user: ManagerUser) -> Response:
    """Every checklist template, and a form for a new one."""
    return _list(request, session)


@pages.post("")
def create_template_submit(
    request: Request, session: SessionDep, user: ManagerUser, form: Annotated[ChecklistForm, Form()]
) -> Response:
    """Create an empty template, then add sections and tasks on its page."""
    try:
        template = checklists.create_checklist(session=session, actor=user, data=form.to_create())
    except (AppError, ValidationError) as exc:
        session.rollback()
        return _list(request, session, 422, form=form.typed(), error=form_error(request, exc))
    return back(None, f"/onboarding/templates/{template.id}")


def _detail(
    request: Request, session: SessionDep, user: ManagerUser, template_id: int, status_code: int = 200, **context: Any
) -> Response:
    template = checklists.get_checklist_or_raise(session=session, template_id=template_id)
    context.setdefault("task_form", {"kind": "do", "due_offset_days": 0})
    context.setdefault("pushed", None)
    structure = checklists.checklist_structure(session=session, template=template)
    offered = published_articles(session=session, user=user)
    kept = kept_guides(
        session=session, user=user, tasks=[t for _, tasks in structure for t in tasks], offered={i for i, _ in offered}
    )
    own = access.managed_departments(session=session, user=user)
    return render(
        request,
        "onboarding/checklist.html",
        {
            "template": template,
            "structure": structure,
            "kept": kept,
            "people": users_service.list_users(session=session, include_inactive=False),
            "departments": users_service.list_departments(session=session),
            "kinds": list(TaskKind),
            "roles": list(Role),
            "articles": offered,
            "can_edit": access.can_change_checklist(session=session, user=user, department_ids=template.department_ids),
            "department_choices": own,
            "rule_departments": access.rule_departments(user=user, template=template, managed=own),
            "rules": rules.list_rules(session=session, user=user, template_id=template.id),
            "tab": "templates",
            **context,
        },
        status_code=status_code,
    )


@pages.get("/{template_id}")
def template_page(request: Request, session: SessionDep, user: ManagerUser, template_id: int) -> Response:
    """One template: its sections and tasks, forms to add more, and its automatic rules."""
    return _detail(request, session, user, template_id, pushed=request.query_params.get("pushed"))


@pages.post("/{template_id}")
def update_template_submit(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    template_id: int,
    form: Annotated[ChecklistEditForm, Form()],
) -> Response:
    """Save the name, description and target roles/departments (a new version; assigned plans keep theirs)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    try:
        checklists.update_checklist(session=session, actor=user, template=template, data=form.to_update())
    except (AppError, ValidationError) as exc:
        session.rollback()
        return _detail(request, session, user, template_id, 422, editing="template", error=form_error(request, exc))
    return back(None, f"/onboarding/templates/{template_id}")


@pages.post("/{template_id}/sections")
def add_section_submit(
    request: Request, session: SessionDep, user: ManagerUser, template_id: int, form: Annotated[SectionForm, Form()]
) -> Response:
    """Add a section."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    try:
        checklists.add_section(session=session, actor=user, template=template, title=form.title)
    except AppError as exc:
        session.rollback()
        return _detail(request, session, user, template_id, 422, error=form_error(request, exc))
    return back(None, f"/onboarding/templates/{template_id}")


@pages.post("/{template_id}/tasks")
def add_task_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ManagerUser,
    template_id: int,
    form: Annotated[TaskForm, Form()],
) -> Response:
    """Add a task; optionally push it to every open plan made from this template."""
    typed = form.typed()
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    try:
        _, pushed = checklists.add_task(
            session=session, actor=user, template=template, holidays=settings.holidays, data=form.to_add()
        )
    except (AppError, ValidationError) as exc:
        session.rollback()
        return _detail(request, session, user, template_id, 422, task_form=typed, error=form_error(request, exc))
    suffix = f"?pushed={pushed}" if typed["push_to_open"] else ""
    return back(None, f"/onboarding/templates/{template_id}{suffix}#add-task")


@pages.post("/{template_id}/tasks/{task_id}/edit")
def edit_task_submit(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    template_id: int,
    task_id: int,
    form: Annotated[TaskForm, Form()],
) -> Response:
    """Change a task in place (a new version; assigned plans keep their copy)."""
    typed = form.typed()
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    try:
        checklists.update_task(session=session, actor=user, template=template, task_id=task_id, data=form.to_change())
    except (AppError, ValidationError) as exc:
        if isinstance(exc, AppError) and exc.status_code == 404:
            raise
        session.rollback()
        return _detail(
            request, session, user, template_id, 422, editing=task_id, edit_form=typed, error=form_error(request, exc)
        )
    return back(None, f"/onboarding/templates/{template_id}#task-{task_id}")


@pages.post("/{template_id}/tasks/{task_id}/delete")
def remove_task_submit(session: SessionDep, user: ManagerUser, template_id: int, task_id: int) -> Response:
    """Remove a task from the template (assigned plans keep theirs)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    checklists.remove_task(session=session, actor=user, template=template, task_id=task_id)
    return back(None, f"/onboarding/templates/{template_id}")


@pages.post("/{template_id}/rules")
def add_rule_submit(
    request: Request, session: SessionDep, user: ManagerUser, template_id: int, form: Annotated[RuleForm, Form()]
) -> Response:
    """Assign this template to everyone who joins a department."""
    try:
        rules.create_rule(session=session, actor=user, data=form.to_create(template_id))
    except (AppError, ValidationError) as exc:
        session.rollback()
        return _detail(request, session, user, template_id, form_status(exc), error=form_error(request, exc))
    return back(None, f"/onboarding/templates/{template_id}#rules")


@pages.post("/{template_id}/rules/{rule_id}/delete")
def delete_rule_submit(session: SessionDep, user: ManagerUser, template_id: int, rule_id: int) -> Response:
    """Stop assigning this template automatically."""
    rules.delete_rule(session=session, actor=user, rule_id=rule_id)
    return back(None, f"/onboarding/templates/{template_id}#rules")
