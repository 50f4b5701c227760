"""Managers build checklist templates: sections, tasks of four kinds, automatic assignment rules."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from pydantic import ValidationError

from app.deps import ManagerUser, SessionDep, SettingsDep
from app.errors import AppError
from app.flash import flash
from app.i18n import N_, gettext
from app.models.onboarding import Checklist, ChecklistSection, ChecklistTask, TaskKind
from app.models.users import Role
from app.routers.forms import form_error, form_status
from app.routers.onboarding.common import back
from app.routers.onboarding.forms import (
    ChecklistEditForm,
    ChecklistForm,
    MoveForm,
    RuleForm,
    SectionForm,
    TaskForm,
)
from app.services import users as users_service
from app.services.onboarding import access, checklists, rules
from app.services.onboarding.articles import kept_guides, published_articles
from app.templating import render, request_language

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
        return _list(request, session, 422, form=form.typed(), error=form_error(request, exc))
    flash(request, N_("Template «{name}» created. Now add its sections and tasks."), name=template.name)
    return back(None, f"/onboarding/templates/{template.id}")


def _builder(session: SessionDep, user: ManagerUser, template: Checklist) -> dict[str, Any]:
    """What the builder's sections and tasks need: the structure, the pickers, and whether the user may edit."""
    structure = checklists.checklist_structure(session=session, template=template)
    offered = published_articles(session=session, user=user)
    kept = kept_guides(
        session=session, user=user, tasks=[t for _, tasks in structure for t in tasks], offered={i for i, _ in offered}
    )
    return {
        "template": template,
        "structure": structure,
        "kept": kept,
        "people": users_service.list_users(session=session, include_inactive=False),
        "kinds": list(TaskKind),
        "articles": offered,
        "can_edit": access.can_change_checklist(session=session, user=user, department_ids=template.department_ids),
        "task_form": {"kind": "do", "due_offset_days": 0},
    }


def _detail(
    request: Request, session: SessionDep, user: ManagerUser, template_id: int, status_code: int = 200, **context: Any
) -> Response:
    template = checklists.get_checklist_or_raise(session=session, template_id=template_id)
    own = access.managed_departments(session=session, user=user)
    return render(
        request,
        "onboarding/checklist.html",
        {
            **_builder(session, user, template),
            "departments": users_service.list_departments(session=session),
            "roles": list(Role),
            "department_choices": own,
            "rule_departments": access.rule_departments(user=user, template=template, managed=own),
            "rules": rules.list_rules(session=session, user=user, template_id=template.id),
            "tab": "templates",
            **context,
        },
        status_code=status_code,
    )


def _htmx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))


def _section_fragment(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    template: Checklist,
    section_id: int | None,
    **context: Any,
) -> Response:
    """One section of the builder (its title, tasks and add form), for htmx to put in place of the old one."""
    session.refresh(template)
    builder = _builder(session, user, template)
    structure: list[tuple[ChecklistSection | None, list[ChecklistTask]]] = builder["structure"]
    section, tasks = next(((s, t) for s, t in structure if (s.id if s else None) == section_id), (None, []))
    return render(request, "onboarding/_tpl_section.html", {**builder, "section": section, "tasks": tasks, **context})


def _task_fragment(
    request: Request, session: SessionDep, user: ManagerUser, template: Checklist, task_id: int, **context: Any
) -> Response:
    """One task of the builder, for htmx to put in place of the old one."""
    session.refresh(template)
    builder = _builder(session, user, template)
    task = next(t for _, tasks in builder["structure"] for t in tasks if t.id == task_id)
    return render(request, "onboarding/_tpl_task.html", {**builder, "task": task, **context})


def _gone(request: Request) -> Response:
    """What htmx puts in place of something removed: nothing (and the flash message)."""
    return render(request, "onboarding/_removed.html")


def _section_of(session: SessionDep, task_id: int) -> int | None:
    task = session.get(ChecklistTask, task_id)
    return task.section_id if task else None


@pages.get("/{template_id}")
def template_page(request: Request, session: SessionDep, user: ManagerUser, template_id: int) -> Response:
    """One template: its sections and tasks, forms to add more, and its automatic rules."""
    return _detail(request, session, user, template_id)


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
        return _detail(request, session, user, template_id, 422, editing="template", error=form_error(request, exc))
    flash(request, N_("The template is saved."))
    return back(None, f"/onboarding/templates/{template_id}")


@pages.post("/{template_id}/copy")
def copy_template_submit(request: Request, session: SessionDep, user: ManagerUser, template_id: int) -> Response:
    """Copy the template with all its sections and tasks into a new one, "… (копія)", and open the copy."""
    template = checklists.get_checklist_or_raise(session=session, template_id=template_id)
    name = gettext(request_language(request), "{name} (copy)", name=template.name)
    copy = checklists.copy_checklist(session=session, actor=user, template=template, name=name)
    flash(request, N_("A copy is made: «{name}». Change it as you need; the original stays as it was."), name=copy.name)
    return back(None, f"/onboarding/templates/{copy.id}")


@pages.post("/{template_id}/sections")
def add_section_submit(
    request: Request, session: SessionDep, user: ManagerUser, template_id: int, form: Annotated[SectionForm, Form()]
) -> Response:
    """Add a section (htmx: the new section is added in place)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    try:
        section = checklists.add_section(session=session, actor=user, template=template, title=form.title)
    except AppError as exc:
        return _detail(request, session, user, template_id, 422, error=form_error(request, exc))
    flash(request, N_("Section «{title}» added."), title=section.title)
    if _htmx(request):
        return _section_fragment(request, session, user, template, section.id, added_section=True)
    return back(None, f"/onboarding/templates/{template_id}#section-{section.id}")


@pages.post("/{template_id}/sections/{section_id}/rename")
def rename_section_submit(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    template_id: int,
    section_id: int,
    form: Annotated[SectionForm, Form()],
) -> Response:
    """Give a section another title (htmx: the section in place)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    try:
        section = checklists.rename_section(
            session=session, actor=user, template=template, section_id=section_id, title=form.title
        )
    except AppError as exc:
        if exc.status_code == 404:
            raise
        if _htmx(request):
            return _section_fragment(
                request, session, user, template, section_id, section_error=form_error(request, exc)
            )
        return _detail(request, session, user, template_id, 422, error=form_error(request, exc))
    flash(request, N_("The section is now called «{title}»."), title=section.title)
    if _htmx(request):
        return _section_fragment(request, session, user, template, section_id)
    return back(None, f"/onboarding/templates/{template_id}#section-{section_id}")


@pages.post("/{template_id}/sections/{section_id}/delete")
def remove_section_submit(
    request: Request, session: SessionDep, user: ManagerUser, template_id: int, section_id: int
) -> Response:
    """Remove a section with its tasks (assigned plans keep theirs)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    section = checklists.get_section_or_raise(session=session, template=template, section_id=section_id)
    title = section.title
    checklists.remove_section(session=session, actor=user, template=template, section_id=section_id)
    flash(request, N_("Section «{title}» removed with its tasks."), title=title)
    return _gone(request) if _htmx(request) else back(None, f"/onboarding/templates/{template_id}")


@pages.post("/{template_id}/tasks")
def add_task_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ManagerUser,
    template_id: int,
    form: Annotated[TaskForm, Form()],
) -> Response:
    """Add a task to a section; optionally push it to every open plan made from this template (htmx: in place)."""
    typed = form.typed()
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    try:
        task, pushed = checklists.add_task(
            session=session, actor=user, template=template, holidays=settings.holidays, data=form.to_add()
        )
    except (AppError, ValidationError) as exc:
        error = form_error(request, exc)
        if _htmx(request):
            return _section_fragment(
                request, session, user, template, typed["section_id"], task_form=typed, section_error=error, adding=True
            )
        return _detail(
            request, session, user, template_id, 422, task_form=typed, error=error, adding=typed["section_id"] or "none"
        )
    if typed["push_to_open"]:
        flash(
            request,
            N_("Task «{title}» added; open plans that received it: {n}."),
            title=task.title,
            n=pushed,
        )
    else:
        flash(request, N_("Task «{title}» added."), title=task.title)
    if _htmx(request):
        return _section_fragment(request, session, user, template, task.section_id)
    return back(None, f"/onboarding/templates/{template_id}#task-{task.id}")


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
        task = checklists.update_task(
            session=session, actor=user, template=template, task_id=task_id, data=form.to_change()
        )
    except (AppError, ValidationError) as exc:
        if isinstance(exc, AppError) and exc.status_code == 404:
            raise
        error = form_error(request, exc)
        if _htmx(request):
            return _task_fragment(
                request, session, user, template, task_id, editing=task_id, edit_form=typed, task_error=error
            )
        return _detail(request, session, user, template_id, 422, editing=task_id, edit_form=typed, error=error)
    flash(request, N_("Task «{title}» saved."), title=task.title)
    if _htmx(request):
        return _task_fragment(request, session, user, template, task_id)
    return back(None, f"/onboarding/templates/{template_id}#task-{task_id}")


@pages.post("/{template_id}/tasks/{task_id}/move")
def move_task_submit(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    template_id: int,
    task_id: int,
    form: Annotated[MoveForm, Form()],
) -> Response:
    """Move a task one place up or down in its section (htmx: the section in place)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    task = checklists.move_task(
        session=session, actor=user, template=template, task_id=task_id, up=form.direction == "up"
    )
    if form.direction == "up":
        flash(request, N_("«{title}» moved up."), title=task.title)
    else:
        flash(request, N_("«{title}» moved down."), title=task.title)
    if _htmx(request):
        return _section_fragment(request, session, user, template, task.section_id, moved=task_id)
    return back(None, f"/onboarding/templates/{template_id}#task-{task_id}")


@pages.post("/{template_id}/tasks/{task_id}/delete")
def remove_task_submit(
    request: Request, session: SessionDep, user: ManagerUser, template_id: int, task_id: int
) -> Response:
    """Remove a task from the template (assigned plans keep theirs)."""
    template = checklists.get_editable_checklist_or_raise(session=session, user=user, template_id=template_id)
    section_id = _section_of(session, task_id)
    title = checklists.remove_task(session=session, actor=user, template=template, task_id=task_id)
    flash(request, N_("Task «{title}» removed. Plans already assigned keep it."), title=title)
    if _htmx(request):
        return _section_fragment(request, session, user, template, section_id)
    return back(None, f"/onboarding/templates/{template_id}#section-{section_id or 'none'}")


@pages.post("/{template_id}/rules")
def add_rule_submit(
    request: Request, session: SessionDep, user: ManagerUser, template_id: int, form: Annotated[RuleForm, Form()]
) -> Response:
    """Assign this template to everyone who joins a department."""
    try:
        rules.create_rule(session=session, actor=user, data=form.to_create(template_id))
    except (AppError, ValidationError) as exc:
        return _detail(request, session, user, template_id, form_status(exc), error=form_error(request, exc))
    flash(request, N_("The rule is added: everyone who joins the department gets this plan."))
    return back(None, f"/onboarding/templates/{template_id}#rules")


@pages.post("/{template_id}/rules/{rule_id}/delete")
def delete_rule_submit(
    request: Request, session: SessionDep, user: ManagerUser, template_id: int, rule_id: int
) -> Response:
    """Stop assigning this template automatically."""
    rules.delete_rule(session=session, actor=user, rule_id=rule_id)
    flash(request, N_("The rule is removed; plans already assigned go on."))
    return back(None, f"/onboarding/templates/{template_id}#rules")
