"""One's own account: profile, password, sessions and personal API tokens (page and API)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field, ValidationError

from app.deps import CurrentAuth, CurrentUser, SessionDep, SettingsDep, client_ip
from app.errors import AppError
from app.flash import flash
from app.i18n import LANGUAGE_NAMES, N_
from app.models.users import ProfileUpdate
from app.pagination import Page
from app.routers import calendar
from app.routers.forms import PasswordForm, ProfileForm, TokenForm, form_error, form_status
from app.services import auth as auth_service
from app.services import calendar_feed
from app.services import users as users_service
from app.templating import render

api = APIRouter(prefix="/api/v1", tags=["account"])
pages = APIRouter(prefix="/account", include_in_schema=False)

TIMEZONES = ["Europe/Kyiv", "Europe/Warsaw", "Europe/Berlin", "Europe/London", "UTC", "America/New_York"]


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class TokenCreate(BaseModel):
    name: str = "API"
    expires_in_days: int | None = Field(default=users_service.TOKEN_VALID_DAYS, ge=1, le=3650)  # null: never


class TokenCreated(TokenPublic):
    token: str


class SessionPublic(BaseModel):
    id: int
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    ip: str
    current: bool


@api.get("/tokens", response_model=Page[TokenPublic])
def read_tokens(session: SessionDep, user: CurrentUser) -> Page[TokenPublic]:
    """The caller's personal API tokens (never the secret itself)."""
    return Page(
        items=[
            TokenPublic.model_validate(t, from_attributes=True)
            for t in users_service.list_tokens(session=session, user=user)
        ]
    )


@api.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(request: Request, session: SessionDep, user: CurrentUser, data: TokenCreate) -> TokenCreated:
    """A new personal API token; the secret is shown only in this answer."""
    raw = users_service.create_token(
        session=session, user=user, name=data.name, valid_days=data.expires_in_days, ip=client_ip(request)
    )
    row = users_service.list_tokens(session=session, user=user)[0]
    return TokenCreated(**TokenPublic.model_validate(row, from_attributes=True).model_dump(), token=raw)


@api.delete("/tokens/{token_id}", status_code=204)
def revoke_token(request: Request, session: SessionDep, user: CurrentUser, token_id: int) -> Response:
    """Revoke one of the caller's tokens."""
    users_service.revoke_token(session=session, user=user, token_id=token_id, ip=client_ip(request))
    return Response(status_code=204)


@api.get("/sessions", response_model=Page[SessionPublic])
def read_sessions(session: SessionDep, auth: CurrentAuth) -> Page[SessionPublic]:
    """The caller's signed-in browsers."""
    current = auth.user_session.id if auth.user_session else None
    rows = auth_service.list_sessions(session=session, user=auth.user)
    return Page(
        items=[
            SessionPublic(
                **s.model_dump(include={"id", "created_at", "last_seen_at", "user_agent", "ip"}),
                current=s.id == current,
            )
            for s in rows
        ]
    )


@api.delete("/sessions/{session_id}", status_code=204)
def revoke_session(request: Request, session: SessionDep, user: CurrentUser, session_id: int) -> Response:
    """Sign out one of the caller's browsers; another person's session is 404."""
    auth_service.revoke_session(session=session, user=user, session_id=session_id, ip=client_ip(request))
    return Response(status_code=204)


def _account_page(
    request: Request, session: SessionDep, auth: CurrentAuth, status_code: int = 200, **extra: object
) -> Response:
    user = auth.user
    departments = {d.id: d.name for d in users_service.list_departments(session=session)}
    context = {
        "profile": extra.pop("profile", None)
        or {
            "name": user.name,
            "handle": user.handle,
            "language": user.language,
            "timezone": user.timezone,
            "work_phone": user.work_phone,
        },
        "department_names": [departments[i] for i in users_service.department_ids_of(session=session, user=user)],
        "sessions": auth_service.list_sessions(session=session, user=user),
        "current_session_id": auth.user_session.id if auth.user_session else None,
        "tokens": users_service.list_tokens(session=session, user=user),
        "token_choices": users_service.TOKEN_VALIDITY_CHOICES,
        "token_default": users_service.TOKEN_VALID_DAYS,
        "timezones": TIMEZONES,
        "calendar_url": calendar.address(request, calendar_feed.read_feed(session=session, user=user)),
        "language_names": LANGUAGE_NAMES,
        **extra,
    }
    return render(request, "account/account.html", context, status_code=status_code)


@pages.get("")
def account_page(request: Request, session: SessionDep, auth: CurrentAuth) -> Response:
    """Profile, password, sessions and tokens on one page."""
    return _account_page(request, session, auth)


@pages.post("/profile")
def profile_submit(
    request: Request, session: SessionDep, auth: CurrentAuth, form: Annotated[ProfileForm, Form()]
) -> Response:
    """Save the profile; on bad input show the form again with what was typed."""
    typed = form.typed()
    try:
        users_service.update_profile(session=session, user=auth.user, data=ProfileUpdate.model_validate(typed))
    except (AppError, ValidationError) as exc:
        status = form_status(exc)
        return _account_page(
            request,
            session,
            auth,
            status if status < 500 else 422,
            profile=typed,
            profile_error=form_error(request, exc),
        )
    flash(request, N_("Profile saved."))
    return RedirectResponse("/account", status_code=303)


@pages.post("/password")
def password_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    auth: CurrentAuth,
    form: Annotated[PasswordForm, Form()],
) -> Response:
    """Change the password; other sessions end, and the API tokens too when the box is ticked."""
    try:
        auth_service.change_password(
            session=session,
            settings=settings,
            user=auth.user,
            current=form.current,
            new=form.new_password(),
            keep_session_id=auth.user_session.id if auth.user_session else None,
            revoke_tokens=form.revoke_tokens,
            ip=client_ip(request),
        )
    except AppError as exc:
        return _account_page(
            request,
            session,
            auth,
            exc.status_code if exc.status_code < 500 else 422,
            password_error=form_error(request, exc),
        )
    if form.revoke_tokens:
        flash(request, N_("Password changed. Your other sessions were signed out and your API tokens revoked."))
    else:
        flash(request, N_("Password changed. Your other sessions were signed out."))
    return RedirectResponse("/account", status_code=303)


@pages.post("/sessions/{session_id}/revoke")
def session_revoke_submit(request: Request, session: SessionDep, user: CurrentUser, session_id: int) -> Response:
    """Sign out one browser (404 when it is not one of the user's)."""
    auth_service.revoke_session(session=session, user=user, session_id=session_id, ip=client_ip(request))
    flash(request, N_("That browser is signed out."))
    return RedirectResponse("/account#sessions", status_code=303)


@pages.post("/tokens")
def token_submit(
    request: Request, session: SessionDep, auth: CurrentAuth, form: Annotated[TokenForm, Form()]
) -> Response:
    """Create a token valid for the chosen time and show it once."""
    try:
        raw = users_service.create_token(
            session=session,
            user=auth.user,
            name=form.name,
            valid_days=users_service.token_valid_days(choice=form.expires_in_days),
            ip=client_ip(request),
        )
    except AppError as exc:
        return _account_page(request, session, auth, 422, token_error=form_error(request, exc))
    return _account_page(request, session, auth, new_token=raw)


@pages.post("/tokens/{token_id}/revoke")
def token_revoke_submit(request: Request, session: SessionDep, user: CurrentUser, token_id: int) -> Response:
    """Revoke a token."""
    users_service.revoke_token(session=session, user=user, token_id=token_id, ip=client_ip(request))
    flash(request, N_("Token revoked: it no longer opens Kolo."))
    return RedirectResponse("/account#tokens", status_code=303)
