"""Annotated dependencies shared by every router."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.config import Settings
from app.db import get_session
from app.errors import PermissionDenied, Unauthorized
from app.middleware import BODY_WITHHELD
from app.models.users import Role, User
from app.security import csrf_valid
from app.services import audit as audit_service
from app.services import auth as auth_service
from app.services.auth import SESSION_COOKIE, Auth

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

SessionDep = Annotated[Session, Depends(get_session)]
# Declares the token in OpenAPI (the "Authorize" button of /docs); the cookie remains the other way in.
bearer_scheme = HTTPBearer(auto_error=False, description="A personal API token (`/account` or `kolo token EMAIL`).")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


# The dependencies that only read what is already at hand are `async`: FastAPI runs a plain function in a worker
# thread, and four such hops cost a page as much as a query.
async def get_settings(request: Request) -> Settings:
    """The running app's settings."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_ip(request: Request) -> str:
    """The caller's address (uvicorn applies trusted proxy headers)."""
    return request.client.host if request.client else ""


def get_auth(request: Request, session: SessionDep, settings: SettingsDep, bearer: BearerDep) -> Auth | None:
    """Who is calling: a Bearer token, else the session cookie; remembered on request.state."""
    auth = None
    if bearer is not None:
        auth = auth_service.authenticate_token(session=session, raw=bearer.credentials, ip=client_ip(request))
    elif cookie := request.cookies.get(SESSION_COOKIE):
        auth = auth_service.authenticate_cookie(session=session, settings=settings, raw=cookie)
    request.state.user = auth.user if auth else None
    request.state.csrf_seed = auth.raw_session if auth else None
    return auth


async def check_csrf(request: Request, auth: Annotated[Auth | None, Depends(get_auth)]) -> Auth | None:
    """Writes from a browser (cookie or anonymous form) must carry the CSRF token."""
    if request.method in SAFE_METHODS or (auth is not None and not auth.via_cookie):
        return auth
    if auth is None and request.url.path.startswith("/api/"):
        return None  # an anonymous API call carries no cookie to forge; it gets its 401 where sign-in is required
    if auth is None and getattr(request.state, BODY_WITHHELD, False):
        return None  # the route needs sign-in and got none of the body: it sends the visitor to sign in
    candidate = request.headers.get("x-csrf-token")
    if candidate is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get("csrf_token")
        candidate = value if isinstance(value, str) else None  # a file under that name is no token
    seed = auth.raw_session if auth else request.state.anon_id
    if not csrf_valid(request.app.state.settings.secret, seed or "", candidate):
        raise PermissionDenied("The form has expired or the security token is missing. Reload the page and try again.")
    return auth


AuthDep = Annotated[Auth | None, Depends(check_csrf)]


async def get_optional_user(auth: AuthDep) -> User | None:
    """The signed-in user, or None."""
    return auth.user if auth else None


async def get_current_auth(auth: AuthDep) -> Auth:
    """The caller's authentication, or 401."""
    if auth is None:
        raise Unauthorized("Please sign in to continue.")
    return auth


async def get_current_user(auth: Annotated[Auth, Depends(get_current_auth)]) -> User:
    """The signed-in user, or 401."""
    return auth.user


def _refuse(request: Request, session: Session, user: User, needed: Role) -> None:
    """Audit the refusal by the route's pattern (`/admin/users/{user_id}`), so trying many ids counts as one."""
    path = getattr(request.scope.get("route"), "path", request.url.path)
    audit_service.record_refusal(
        session=session, user=user, route=f"{request.method} {path}", needed=needed, ip=client_ip(request)
    )


def get_manager_user(request: Request, session: SessionDep, user: Annotated[User, Depends(get_current_user)]) -> User:
    """A manager or admin, or 403 (audited)."""
    if not user.is_manager:
        _refuse(request, session, user, Role.manager)
        raise PermissionDenied("Only managers can do this.")
    return user


def get_admin_user(request: Request, session: SessionDep, user: Annotated[User, Depends(get_current_user)]) -> User:
    """An admin, or 403 (audited)."""
    if not user.is_admin:
        _refuse(request, session, user, Role.admin)
        raise PermissionDenied("Only administrators can do this.")
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]
CurrentAuth = Annotated[Auth, Depends(get_current_auth)]
CurrentUser = Annotated[User, Depends(get_current_user)]
ManagerUser = Annotated[User, Depends(get_manager_user)]
AdminUser = Annotated[User, Depends(get_admin_user)]
