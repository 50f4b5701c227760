"""Request body limits, applied before the app reads a byte: by route; a caller who must sign in first, and has not,
sends none."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, HTTPException, params
from fastapi.dependencies.models import Dependant
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.deps import get_current_auth
from app.error_responses import error_response
from app.i18n import gettext
from app.middleware import BODY_WITHHELD, scope_cookie
from app.services import auth as auth_service
from app.services.auth import SESSION_COOKIE

MIB = 1024 * 1024


@dataclass(frozen=True)
class RouteBody:
    """What one route may be sent: whether it takes files, and whether only a signed-in caller gets past it."""

    methods: frozenset[str]
    path: re.Pattern[str]
    takes_files: bool
    needs_sign_in: bool

    def matches(self, scope: Scope) -> bool:
        """Whether the request is for this route."""
        return scope["method"] in self.methods and self.path.match(scope["path"]) is not None


def route_bodies(app: FastAPI) -> list[RouteBody]:
    """One rule per route of the app, in the order the router tries them."""
    return [
        RouteBody(
            methods=frozenset(route.methods),
            path=route.path_regex,
            takes_files=any(isinstance(p.field_info, params.File) for p in route.dependant.body_params),
            needs_sign_in=depends_on(route.dependant, get_current_auth),
        )
        for route in _routes(app)
        if getattr(route, "dependant", None) is not None
    ]


def _routes(app: FastAPI) -> Iterator[Any]:
    for route in app.routes:
        yield from getattr(route, "effective_route_contexts", lambda r=route: [r])()


def depends_on(dependant: Dependant, call: Any) -> bool:
    """Whether a route's dependencies (through any chain) include `call`."""
    pending = list(dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if dependency.call is call:
            return True
        pending.extend(dependency.dependencies)
    return False


class BodyTooLarge(HTTPException):
    """A body without Content-Length passed its limit while the app was reading it."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodyLimitMiddleware:
    """Refuses a body over its route's limit with 413: at once by its Content-Length, or as soon as the bytes streamed
    pass the limit. A call to a route that needs sign-in, without a live session or token, reaches the app without its
    body, so it gets its 401 (or the sign-in page) and nothing it sent is read."""

    def __init__(self, app: ASGIApp, *, settings: Settings, routes: list[RouteBody]) -> None:
        self.app = app
        self.settings = settings
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = _content_length(scope) if scope["type"] == "http" else 0
        if length == 0:  # no body: neither Content-Length nor Transfer-Encoding, or an empty one
            await self.app(scope, receive, send)
            return
        route = next((r for r in self.routes if r.matches(scope)), None)
        if route is not None and route.needs_sign_in and not await _signed_in(scope, self.settings):
            await self.app(_without_body(scope), _no_body(receive), send)
            return
        limit = self.settings.max_body_bytes + (self.settings.max_upload_bytes if route and route.takes_files else 0)
        if length is not None and length > limit:
            await too_large(Request(scope), limit)(scope, receive, send)
            return
        await self.app(scope, _counting(receive, limit), send)


def too_large(request: Request, limit: int) -> Response:
    """The 413 answer that names the limit: JSON for the API, a short page otherwise."""
    from app.templating import request_language  # the page layer imports the app's modules; avoid the cycle

    detail = gettext(
        request_language(request),
        "The request is too large: at most {mb} MB can be sent at once.",
        mb=round(limit / MIB),
    )
    return error_response(request, 413, "TooLarge", detail)


async def _signed_in(scope: Scope, settings: Settings) -> bool:
    """Whether the request's bearer token or session cookie is live, checked before a byte of the body is read
    (a made-up cookie or token counts as none)."""
    bearer = _bearer(scope)
    cookie = scope_cookie(scope, SESSION_COOKIE)
    if bearer is None and cookie is None:
        return False
    return await run_in_threadpool(_authenticates, scope["app"].state.engine, settings, bearer, cookie)


def _authenticates(engine: Engine, settings: Settings, bearer: str | None, cookie: str | None) -> bool:
    """The same check as app.deps.get_auth: the bearer token when there is one, else the session cookie."""
    with Session(engine) as session:
        if bearer is not None:
            return auth_service.authenticate_token(session=session, raw=bearer) is not None
        return auth_service.authenticate_cookie(session=session, settings=settings, raw=cookie or "") is not None


def _bearer(scope: Scope) -> str | None:
    """The credentials of an `Authorization: Bearer …` header."""
    value = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, credentials = value.partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None


def _content_length(scope: Scope) -> int | None:
    """The announced body size: 0 without a body, None for a streamed one or an unreadable length."""
    headers = dict(scope["headers"])
    if b"transfer-encoding" in headers:
        return None
    value = headers.get(b"content-length", b"0")
    return int(value) if value.isdigit() else None


def _without_body(scope: Scope) -> Scope:
    """The request as the app sees it: an empty body, marked so the CSRF check leaves the caller to its 401."""
    headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"transfer-encoding")]
    state = {**scope.get("state", {}), BODY_WITHHELD: True}
    return {**scope, "headers": [*headers, (b"content-length", b"0")], "state": state}


def _no_body(receive: Receive) -> Receive:
    sent = False

    async def receive_nothing() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # only to learn of a disconnect; the body stays unread
        sent = True
        return {"type": "http.request", "body": b"", "more_body": False}

    return receive_nothing


def _counting(receive: Receive, limit: int) -> Receive:
    count = 0

    async def receive_counted() -> Message:
        nonlocal count
        message = await receive()
        if message["type"] == "http.request":
            count += len(message.get("body", b""))
            if count > limit:
                raise BodyTooLarge
        return message

    return receive_counted
