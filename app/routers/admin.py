"""Administration pages: people, departments and the audit log; and the audit API."""

from datetime import datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from app.deps import AdminUser, SessionDep, SettingsDep, client_ip
from app.errors import AppError
from app.flash import flash
from app.i18n import N_, zone
from app.models.users import DepartmentCreate, Role, UserCreate, UserUpdate
from app.pagination import Page, clamp_limit, decode_cursor, encode_cursor, parse_day
from app.routers.forms import DepartmentForm, NewUserForm, UserEditForm, form_error
from app.services import audit as audit_service
from app.services import audit_chain
from app.services import users as users_service
from app.templating import render, request_language

api = APIRouter(prefix="/api/v1/audit", tags=["admin"])
pages = APIRouter(prefix="/admin", include_in_schema=False)


class AuditEventPublic(BaseModel):
    id: int
    created_at: datetime
    actor_id: int | None
    action: str
    subject: str
    target_type: str
    target_id: int | None
    ip: str
    detail: dict[str, Any]


def _day(value: str | None, tz: str) -> datetime | None:
    """A date typed in a filter (YYYY-MM-DD), as the start of that day in the admin's zone."""
    day = parse_day(value)
    return datetime.combine(day, time(), tzinfo=zone(tz)) if day else None


@api.get("", response_model=Page[AuditEventPublic])
def read_audit_events(
    session: SessionDep,
    admin: AdminUser,
    action: str | None = None,
    subject: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Page[AuditEventPublic]:
    """The audit log, newest first (admins)."""
    before = decode_cursor(cursor, int)
    events = audit_service.list_events(
        session=session,
        action=action,
        subject=subject,
        before_id=before[0] if before else None,
        limit=clamp_limit(limit) + 1,
    )
    more = len(events) > limit
    events = events[:limit]
    return Page(
        items=[AuditEventPublic.model_validate(e, from_attributes=True) for e in events],
        next_cursor=encode_cursor(events[-1].id) if more else None,
    )


@pages.get("")
def users_page(
    request: Request, session: SessionDep, admin: AdminUser, q: str = "", role: str = "", department: int | None = None
) -> Response:
    """Everyone, filterable by name, role and department."""
    users = users_service.list_users(session=session, query=q, role=role or None, department_id=department)
    departments = users_service.list_departments(session=session)
    memberships = users_service.department_ids_by_user(session=session, user_ids=[u.id for u in users if u.id])
    names = {d.id: d.name for d in departments}
    rows = [(u, [names[i] for i in memberships.get(u.id or 0, [])]) for u in users]
    return render(
        request,
        "admin/users.html",
        {
            "rows": rows,
            "departments": departments,
            "roles": list(Role),
            "filters": {"q": q, "role": role, "department": department},
        },
    )


def _user_form(
    request: Request, session: SessionDep, template: str, status_code: int = 200, **context: Any
) -> Response:
    context.setdefault("departments", users_service.list_departments(session=session))
    context.setdefault("roles", list(Role))
    return render(request, template, context, status_code=status_code)


@pages.get("/users/new")
def new_user_page(request: Request, session: SessionDep, admin: AdminUser) -> Response:
    """The invite form."""
    return _user_form(request, session, "admin/user_new.html", form={"role": "staff", "department_ids": []})


@pages.post("/users/new")
def new_user_submit(
    request: Request, session: SessionDep, settings: SettingsDep, admin: AdminUser, form: Annotated[NewUserForm, Form()]
) -> Response:
    """Create the account and show its one-time invite link."""
    typed = form.typed()
    try:
        user = users_service.create_user(
            session=session, data=UserCreate.model_validate(typed), actor=admin, ip=client_ip(request)
        )
        token = users_service.create_invite(
            session=session, user=user, actor=admin, valid_days=settings.invite_valid_days, ip=client_ip(request)
        )
    except (AppError, ValidationError) as exc:
        return _user_form(request, session, "admin/user_new.html", 422, form=typed, error=form_error(request, exc))
    invite_url = str(request.base_url).rstrip("/") + f"/invite/{token}"
    return _user_form(
        request,
        session,
        "admin/user_invited.html",
        invited=user,
        invite_url=invite_url,
        valid_days=settings.invite_valid_days,
    )


@pages.get("/users/{user_id}")
def user_page(request: Request, session: SessionDep, admin: AdminUser, user_id: int) -> Response:
    """One person: role, departments, active state, a new invite link."""
    user = users_service.get_user_or_raise(session=session, user_id=user_id)
    return _user_form(
        request,
        session,
        "admin/user_edit.html",
        person=user,
        department_ids=users_service.department_ids_of(session=session, user=user),
    )


@pages.post("/users/{user_id}")
def user_submit(
    request: Request, session: SessionDep, admin: AdminUser, user_id: int, form: Annotated[UserEditForm, Form()]
) -> Response:
    """Save role, departments and active state."""
    user = users_service.get_user_or_raise(session=session, user_id=user_id)
    typed = form.typed()
    if user.is_active and not typed["is_active"] and not form.deactivation_confirmed:
        return _user_form(
            request,
            session,
            "admin/user_edit.html",
            person=user,
            typed=typed,
            department_ids=typed["department_ids"],
            confirm_deactivation=True,
        )
    try:
        data = UserUpdate.model_validate(typed)
        users_service.update_user(session=session, user=user, data=data, actor=admin, ip=client_ip(request))
    except (AppError, ValidationError) as exc:
        error = form_error(request, exc)
        return _user_form(
            request,
            session,
            "admin/user_edit.html",
            422,
            person=user,
            department_ids=typed["department_ids"],
            error=error,
        )
    if user.is_active:
        flash(request, N_("Saved: {name}."), name=user.name)
    else:
        flash(request, N_("{name} is deactivated and signed out everywhere."), name=user.name)
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


@pages.post("/users/{user_id}/invite")
def reinvite_submit(
    request: Request, session: SessionDep, settings: SettingsDep, admin: AdminUser, user_id: int
) -> Response:
    """A fresh one-time link: an invitation, or a password reset for someone who has a password (shown once)."""
    user = users_service.get_user_or_raise(session=session, user_id=user_id)
    token = users_service.create_invite(
        session=session, user=user, actor=admin, valid_days=settings.invite_valid_days, ip=client_ip(request)
    )
    return _user_form(
        request,
        session,
        "admin/user_invited.html",
        invited=user,
        invite_url=str(request.base_url).rstrip("/") + f"/invite/{token}",
        valid_days=settings.invite_valid_days,
    )


@pages.get("/departments")
def departments_page(request: Request, session: SessionDep, admin: AdminUser) -> Response:
    """Departments with how many people each has."""
    return _departments(request, session)


def _departments(request: Request, session: SessionDep, status_code: int = 200, **context: Any) -> Response:
    departments = users_service.list_departments(session=session)
    counts = users_service.department_member_counts(session=session)
    return render(
        request,
        "admin/departments.html",
        {"departments": departments, "counts": counts, **context},
        status_code=status_code,
    )


@pages.post("/departments")
def department_submit(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    form: Annotated[DepartmentForm, Form()],
) -> Response:
    """Create a department, or rename one."""
    try:
        users_service.save_department(
            session=session,
            department_id=form.department_id,
            data=DepartmentCreate(name=form.name.strip()),
            actor=admin,
        )
    except (AppError, ValidationError) as exc:
        return _departments(request, session, 422, error=form_error(request, exc), typed=form.name)
    flash(request, N_("Department saved: {name}."), name=form.name.strip())
    return RedirectResponse("/admin/departments", status_code=303)


@pages.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    action: str = "",
    subject: str = "",
    since: str = "",
    until: str = "",
    before: int | None = None,
) -> Response:
    """The audit log, filtered by action, person and dates, under the result of a check of its whole chain."""
    start, end = _day(since, admin.timezone), _day(until, admin.timezone)
    events = audit_service.list_events(
        session=session,
        action=action or None,
        subject=subject or None,
        since=start,
        until=end + timedelta(days=1) if end else None,
        before_id=before,
        limit=audit_service.PAGE_SIZE + 1,
    )
    more = len(events) > audit_service.PAGE_SIZE
    events = events[: audit_service.PAGE_SIZE]
    language = request_language(request)
    return render(
        request,
        "admin/audit.html",
        {
            "rows": audit_service.present_events(session=session, events=events, language=language),
            "actions": audit_service.action_choices(session=session, language=language),
            "filters": {"action": action, "subject": subject, "since": since, "until": until},
            "next_before": events[-1].id if more and events else None,
            "chain": audit_chain.verify_recent(session=session),
        },
    )
