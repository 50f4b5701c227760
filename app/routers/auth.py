"""Signing in and out, invitations and the language switch."""

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from app.config import Settings
from app.deps import AuthDep, CurrentAuth, SessionDep, SettingsDep, client_ip
from app.errors import AppError
from app.flash import flash
from app.i18n import N_
from app.middleware import is_https
from app.models.users import UserPublic
from app.routers.forms import InviteForm, LanguageForm, LoginForm, ThemeForm, form_error
from app.security import csrf_token
from app.services import auth as auth_service
from app.services import sso as sso_service
from app.services import users as users_service
from app.services.auth import SESSION_COOKIE
from app.templating import render

api = APIRouter(prefix="/api/v1/auth", tags=["auth"])
pages = APIRouter(include_in_schema=False)


class LoginRequest(BaseModel):
    email: str
    password: str


class LoginAnswer(BaseModel):
    user: UserPublic
    csrf_token: str


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or urlparse(target).netloc:
        return "/"
    if "\\" in target or any(ord(c) < 32 for c in target):  # browsers read "/\\host" and "/\t/host" as "//host"
        return "/"
    return target


def set_session_cookie(request: Request, response: Response, raw: str, settings: SettingsDep) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, lives as long as the session may."""
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        httponly=True,
        samesite="lax",
        secure=is_https(request.scope, settings.force_https),
        max_age=int(settings.session_absolute_days * 86400),
        path="/",
    )


# Sent with the answer to signing out: the browser empties Kolo's caches and storage on this device (the pages the
# service worker kept among them, static/js/sw.js), so the next person on a shared phone reads none of them.
SIGNED_OUT_CLEARS = '"cache", "storage"'


def login_context(settings: Settings, next_path: str, email: str = "") -> dict[str, object]:
    """What the sign-in page shows: the form, and the identity provider's button when single sign-on is set up."""
    return {
        "next": next_path,
        "email": email,
        "sso": sso_service.provider_name(settings) if settings.sso_enabled else "",
        "sso_required": settings.sso_enabled and settings.sso_required,
    }


@api.post("/login", response_model=LoginAnswer)
def login(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep, data: LoginRequest
) -> LoginAnswer:
    """Sign in with e-mail and password; sets the session cookie and returns the CSRF token."""
    user, raw = auth_service.login(
        session=session,
        settings=settings,
        email=data.email,
        password=data.password,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    set_session_cookie(request, response, raw, settings)
    department_ids = users_service.department_ids_of(session=session, user=user)
    return LoginAnswer(user=users_service.to_public(user, department_ids), csrf_token=csrf_token(settings.secret, raw))


@api.post("/logout", status_code=204)
def logout(request: Request, session: SessionDep, auth: CurrentAuth) -> Response:
    """End the current session."""
    auth_service.logout(session=session, auth=auth, ip=client_ip(request))
    response = Response(status_code=204, headers={"Clear-Site-Data": SIGNED_OUT_CLEARS})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@pages.get("/login")
def login_page(request: Request, auth: AuthDep, settings: SettingsDep, next: str = "/") -> Response:
    """The sign-in form."""
    if auth is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "auth/login.html", login_context(settings, safe_next(next)))


@pages.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _auth: AuthDep,
    form: Annotated[LoginForm, Form()],
) -> Response:
    """Check the credentials; on success open a session and go where the user was heading."""
    try:
        _user, raw = auth_service.login(
            session=session,
            settings=settings,
            email=form.email,
            password=form.password,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except AppError as exc:
        context = {**login_context(settings, safe_next(form.next), form.email), "error": form_error(request, exc)}
        status = exc.status_code if exc.status_code in (403, 429) else 401
        return render(request, "auth/login.html", context, status_code=status)
    response = RedirectResponse(safe_next(form.next), status_code=303)
    set_session_cookie(request, response, raw, settings)
    return response


@pages.post("/logout")
def logout_submit(request: Request, session: SessionDep, auth: CurrentAuth) -> Response:
    """Sign out and return to the sign-in page."""
    auth_service.logout(session=session, auth=auth, ip=client_ip(request))
    response = RedirectResponse("/login", status_code=303, headers={"Clear-Site-Data": SIGNED_OUT_CLEARS})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@pages.get("/invite/{token}")
def invite_page(request: Request, session: SessionDep, token: str, _auth: AuthDep) -> Response:
    """Where an invited person chooses their password."""
    invite = users_service.get_open_invite(session=session, token=token)
    user = users_service.get_user_or_raise(session=session, user_id=invite.user_id)
    return render(request, "auth/invite.html", {"invited": user, "token": token, "reset": bool(user.password_hash)})


@pages.post("/invite/{token}")
def invite_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: str,
    _auth: AuthDep,
    form: Annotated[InviteForm, Form()],
) -> Response:
    """Set the password, use up the invite (ending every earlier session and token) and sign the person in."""
    invite = users_service.get_open_invite(session=session, token=token)
    invited = users_service.get_user_or_raise(session=session, user_id=invite.user_id)
    try:
        user = users_service.accept_invite(
            session=session, token=token, password=form.new_password(), ip=client_ip(request)
        )
    except AppError as exc:
        error = form_error(request, exc)
        return render(
            request,
            "auth/invite.html",
            {"invited": invited, "token": token, "error": error, "reset": bool(invited.password_hash)},
            status_code=422,
        )
    raw = auth_service.open_session(
        session=session, user=user, ip=client_ip(request), user_agent=request.headers.get("user-agent", "")
    )
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, raw, settings)
    return response


@pages.post("/language")
def choose_language(
    request: Request, session: SessionDep, auth: AuthDep, form: Annotated[LanguageForm, Form()]
) -> Response:
    """Switch the interface language: stored on the user, or in a cookie before sign-in."""
    language = users_service.choose_language(
        session=session, user=auth.user if auth is not None else None, language=form.language
    )
    response = RedirectResponse(safe_next(form.next), status_code=303)
    response.set_cookie(
        "kolo_lang",
        language,
        max_age=365 * 86400,
        samesite="lax",
        httponly=True,
        path="/",
        secure=is_https(request.scope, request.app.state.settings.force_https),
    )
    return response


@pages.post("/theme")
def theme_submit(request: Request, auth: AuthDep, form: Annotated[ThemeForm, Form()]) -> Response:  # auth: CSRF
    """Light, dark or as the system: kept in a cookie (so it works before sign-in, per device); a script's call
    gets an empty answer, a plain form comes back to its page."""
    response: Response = Response(status_code=204)
    if not request.headers.get("hx-request"):
        flash(request, N_("Theme changed."))
        response = RedirectResponse(safe_next(form.next), status_code=303)
    secure = is_https(request.scope, request.app.state.settings.force_https)
    response.set_cookie("kolo_theme", form.theme, max_age=365 * 86400, samesite="lax", httponly=True, secure=secure)
    return response
