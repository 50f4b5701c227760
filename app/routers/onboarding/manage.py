"""Managers' pages: the dashboard (and its CSV), assigning plans, and changing one plan."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from pydantic import ValidationError

from app.deps import CurrentUser, ManagerUser, SessionDep, SettingsDep, client_ip
from app.errors import AppError
from app.flash import flash
from app.i18n import N_
from app.models.onboarding import OnboardingAssignment
from app.routers.forms import form_error, form_status
from app.routers.onboarding.common import back, render_plan
from app.routers.onboarding.forms import AssignForm, CloseForm, DueDateForm, MentorForm
from app.services import audit as audit_service
from app.services.onboarding import access, assignments, checklists, dashboard
from app.services.onboarding.workdays import local_today
from app.templating import render, request_language, request_timezone

pages = APIRouter(prefix="/onboarding", include_in_schema=False)


def _filters(department: str, template: str, q: str, overdue: str, sort: str, desc: str) -> dashboard.DashboardFilters:
    return dashboard.DashboardFilters(
        department_id=int(department) if department.isdigit() else None,
        template_id=int(template) if template.isdigit() else None,
        query=q[:100],
        overdue_only=overdue == "1",
        sort=sort if sort in dashboard.SORTS else "name",
        descending=desc == "1",
    )


@pages.get("/dashboard")
def dashboard_page(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    department: str = "",
    template: str = "",
    q: str = "",
    overdue: str = "",
    sort: str = "name",
    desc: str = "",
) -> Response:
    """Every open plan of your departments; filter, sort, drill in, export."""
    filters = _filters(department, template, q, overdue, sort, desc)
    rows = dashboard.dashboard_rows(session=session, user=user, filters=filters, today=local_today())
    departments = access.managed_departments(session=session, user=user)
    return render(
        request,
        "onboarding/dashboard.html",
        {
            "rows": rows,
            "filters": filters,
            "departments": departments,
            "tab": "dashboard",
            "templates_list": checklists.list_checklists(session=session),
            "query": request.url.query,
        },
    )


@pages.get("/dashboard.csv")
def dashboard_csv(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    department: str = "",
    template: str = "",
    q: str = "",
    overdue: str = "",
    sort: str = "name",
    desc: str = "",
) -> Response:
    """The dashboard as a spreadsheet, its column headings in the reader's language (audited)."""
    filters = _filters(department, template, q, overdue, sort, desc)
    rows = dashboard.dashboard_rows(session=session, user=user, filters=filters, today=local_today())
    audit_service.record_export(session=session, user=user, report="onboarding", ip=client_ip(request))
    csv_text = dashboard.dashboard_csv(rows, language=request_language(request), tz=request_timezone(request))
    return Response(
        csv_text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="onboarding-{local_today()}.csv"'},
    )


def _assign_form(
    request: Request, session: SessionDep, user: ManagerUser, status_code: int = 200, **context: object
) -> Response:
    context.setdefault("people", assignments.assignable_people(session=session, user=user))
    context.setdefault("templates_list", checklists.usable_checklists(session=session, user=user))
    return render(request, "onboarding/assign.html", {"tab": "assign", **context}, status_code=status_code)


@pages.get("/assign")
def assign_page(request: Request, session: SessionDep, user: ManagerUser, person: int | None = None) -> Response:
    """The form to give someone one or more plans."""
    return _assign_form(
        request,
        session,
        user,
        form={"user_id": person, "template_ids": [], "start_date": local_today().isoformat(), "mentor_id": None},
    )


@pages.post("/assign")
def assign_submit(
    request: Request, session: SessionDep, settings: SettingsDep, user: ManagerUser, form: Annotated[AssignForm, Form()]
) -> Response:
    """Create one plan per chosen template; on a mistake show the form again with what was typed."""
    try:
        created = assignments.assign_templates(
            session=session, actor=user, holidays=settings.holidays, data=form.to_creates()
        )
    except (AppError, ValidationError) as exc:
        return _assign_form(request, session, user, form_status(exc), form=form.typed(), error=form_error(request, exc))
    names = ", ".join(f"«{plan.name}»" for plan in created)
    if created[0].mentor_id:
        flash(request, N_("Assigned: {plans}. The new colleague and the mentor have been notified."), plans=names)
    else:
        flash(request, N_("Assigned: {plans}. The new colleague has been notified."), plans=names)
    return back(None, f"/onboarding/assignments/{created[0].id}")


def _manage(session: SessionDep, user: CurrentUser, assignment_id: int) -> OnboardingAssignment:
    return access.get_assignment_or_raise(session=session, user=user, assignment_id=assignment_id)


def _retry(request: Request, session: SessionDep, user: CurrentUser, assignment_id: int, exc: AppError) -> Response:
    return render_plan(request, session, user, assignment_id, 422, form_error(request, exc))


@pages.post("/assignments/{assignment_id}/mentor")
def change_mentor_submit(
    request: Request, session: SessionDep, user: CurrentUser, assignment_id: int, form: Annotated[MentorForm, Form()]
) -> Response:
    """Give the plan another mentor."""
    try:
        assignments.change_mentor(
            session=session, actor=user, assignment=_manage(session, user, assignment_id), mentor_id=form.mentor_id
        )
    except AppError as exc:
        if exc.status_code != 422:
            raise
        return _retry(request, session, user, assignment_id, exc)
    flash(request, N_("The mentor has been changed and notified."))
    return back(None, f"/onboarding/assignments/{assignment_id}")


@pages.post("/assignments/{assignment_id}/close")
def close_submit(
    request: Request, session: SessionDep, user: CurrentUser, assignment_id: int, form: Annotated[CloseForm, Form()]
) -> Response:
    """Close the plan early, with a reason."""
    try:
        assignments.close_assignment(
            session=session, actor=user, assignment=_manage(session, user, assignment_id), reason=form.reason
        )
    except AppError as exc:
        if exc.status_code != 422:
            raise
        return _retry(request, session, user, assignment_id, exc)
    flash(request, N_("The plan is closed; the new colleague has been notified."))
    return back(None, f"/onboarding/assignments/{assignment_id}")


@pages.post("/assignments/{assignment_id}/due")
def extend_due_submit(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    assignment_id: int,
    form: Annotated[DueDateForm, Form()],
) -> Response:
    """Move a task's due date later (audited)."""
    try:
        day = form.day()
        task = assignments.extend_due_date(
            session=session,
            actor=user,
            assignment=_manage(session, user, assignment_id),
            task_id=form.task_id,
            due_date=day,
            reason=form.reason,
        )
    except AppError as exc:
        if exc.status_code != 422:
            raise
        return _retry(request, session, user, assignment_id, exc)
    flash(request, N_("«{task}» is now due later."), task=task.title)
    return back(None, f"/onboarding/assignments/{assignment_id}#task-{form.task_id}")
