"""Signing in through the institution's identity provider (OpenID Connect): off until KOLO_OIDC_ISSUER is set."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.config import Settings
from app.deps import AuthDep, SessionDep, SettingsDep, client_ip
from app.errors import AppError, NotFound
from app.middleware import is_https
from app.routers.auth import login_context, safe_next, set_session_cookie
from app.routers.forms import form_error
from app.services import sso as sso_service
from app.templating import render

pages = APIRouter(include_in_schema=False)

PENDING_COOKIE = "kolo_oidc"


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("sso_callback"))


def _refused(request: Request, settings: Settings, message: str, status_code: int) -> Response:
    response = render(request, "auth/login.html", {**login_context(settings, "/"), "error": message}, status_code)
    response.delete_cookie(PENDING_COOKIE, path="/auth/oidc")
    return response


@pages.get("/auth/oidc")
def sso_start(request: Request, settings: SettingsDep, _auth: AuthDep, next: str = "/") -> Response:
    """Go to the identity provider to sign in, and come back to `next`."""
    if not settings.sso_enabled:
        raise NotFound("Single sign-on is not set up.")
    try:
        url, pending = sso_service.begin(
            settings=settings, redirect_uri=_redirect_uri(request), next_path=safe_next(next)
        )
    except AppError as exc:
        return _refused(request, settings, form_error(request, exc), exc.status_code)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        PENDING_COOKIE,
        pending,
        max_age=sso_service.PENDING_SECONDS,
        httponly=True,
        samesite="lax",  # the provider sends the browser back with a top-level GET
        secure=is_https(request.scope, settings.force_https),
        path="/auth/oidc",
    )
    return response


@pages.get("/auth/oidc/callback")
def sso_callback(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _auth: AuthDep,
    code: str = "",
    state: str = "",
    error: str = "",
) -> Response:
    """The provider's answer: sign the person in, or say why not."""
    if not settings.sso_enabled:
        raise NotFound("Single sign-on is not set up.")
    try:
        if error or not code:
            raise AppError("Signing in at {provider} was cancelled.", provider=sso_service.provider_name(settings))
        signed_in = sso_service.finish(
            session=session,
            settings=settings,
            redirect_uri=_redirect_uri(request),
            cookie=request.cookies.get(PENDING_COOKIE, ""),
            state=state,
            code=code,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except AppError as exc:
        return _refused(request, settings, form_error(request, exc), exc.status_code)
    response = RedirectResponse(safe_next(signed_in.next_path), status_code=303)
    set_session_cookie(request, response, signed_in.raw_session, settings)
    response.delete_cookie(PENDING_COOKIE, path="/auth/oidc")
    return response
