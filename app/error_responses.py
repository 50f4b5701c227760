"""How Kolo answers an error: JSON `{"error", "detail"}` for the API, a localized page (or sign-in) otherwise."""

import errno
import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import validation_messages
from app.errors import AppError
from app.i18n import N_, gettext
from app.templating import render, request_language

logger = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Please sign in to continue."),
    403: N_("You do not have permission to do this."),
    404: N_("This page or item does not exist, or you cannot see it."),
    405: N_("This action is not allowed here."),
    409: N_("This conflicts with a newer change."),
    413: N_("The request is too large."),
    422: N_("Some of the data is not valid."),
    429: N_("Too many attempts. Please wait a minute and try again."),
    500: N_("Something went wrong on our side. Please try again."),
}
DATABASE_DOWN = N_("Kolo cannot reach its database right now. Please try again in a minute.")
DISK_FULL = N_("The server's disk is full, so nothing was saved. Please tell the administrator and try again later.")
# SQLite's SQLITE_FULL and PostgreSQL's disk_full (SQLSTATE 53100) arrive as OperationalError, like a lost connection.
DISK_FULL_SQLSTATE = "53100"
RETRY_AFTER_SECONDS = "30"
ERROR_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "PermissionDenied",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "TooLarge",
    422: "InvalidInput",
    429: "TooManyRequests",
    500: "ServerError",
    503: "ServiceUnavailable",
}


class FindingPublic(BaseModel):
    """A span of a written text that looks like patient data: `field` names the text, `kind` what it looks like."""

    field: str
    kind: str
    start: int
    end: int


class ErrorPublic(BaseModel):
    """The body of every API error: its kind (`InvalidInput`, `NotFound`, ...) and a message for people; a
    `PatientDataSuspected` refusal also lists its findings (resubmit with `override_reason` to publish anyway)."""

    error: str
    detail: str
    findings: list[FindingPublic] | None = None


# What /openapi.json declares for a refused request, on every operation (instead of FastAPI's list of field errors):
# any operation may meet an unreadable body, a wrong or expired token, a role or audience that may not do it, an id
# that does not exist or is hidden from the caller, or a name or version that conflicts (tests/api/test_schemathesis.py
# holds the answers to this list).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorPublic, "description": "The body could not be read (not JSON, or not in its encoding)."},
    401: {"model": ErrorPublic, "description": "Nobody is signed in, or the credentials are wrong."},
    403: {"model": ErrorPublic, "description": "The caller may not do this (role, audience or CSRF token)."},
    404: {"model": ErrorPublic, "description": "The item does not exist, or the caller cannot see it."},
    409: {"model": ErrorPublic, "description": "This conflicts with an existing item or a newer change."},
    422: {"model": ErrorPublic, "description": "The request was refused; `detail` says what was not valid."},
}


def is_api(request: Request) -> bool:
    """Whether the request is for the JSON API."""
    return request.url.path.startswith("/api/")


def error_response(
    request: Request, status: int, name: str, detail: str, extra: dict[str, object] | None = None
) -> Response:
    """The one shape of an error: JSON for the API, a localized page (or sign-in) otherwise."""
    if is_api(request):
        body = ErrorPublic.model_validate({"error": name, "detail": detail, **(extra or {})})
        return JSONResponse(body.model_dump(exclude_none=True), status_code=status)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return render(request, "errors/error.html", {"status": status, "detail": detail}, status_code=status)


def validation_detail(exc: RequestValidationError, language: str, *, api: bool = False) -> str:
    """A readable one-line summary of what was wrong in the request, in `language`; for the API each field also
    by its own name ("Назва (title) — …")."""
    parts = validation_messages.describe(exc.errors()[:5], language, with_path=api)
    return gettext(language, "Some of the data is not valid.") + " " + "; ".join(parts) + ("." if parts else "")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers for Kolo's errors, HTTP errors, bad input and crashes."""

    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError) -> Response:
        language = request_language(request)
        return error_response(request, exc.status_code, type(exc).__name__, exc.detail(language), exc.extra())

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        language = request_language(request)
        detail = gettext(language, HTTP_MESSAGES.get(status, HTTP_MESSAGES[400]))
        response = error_response(request, status, ERROR_NAMES.get(status, "Error"), detail)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        detail = validation_detail(exc, request_language(request), api=is_api(request))
        return error_response(request, 422, "InvalidInput", detail)

    @app.exception_handler(OperationalError)
    async def database_unavailable(request: Request, exc: OperationalError) -> Response:
        logger.error("database unavailable on %s %s: %s", request.method, request.url.path, exc.orig)
        full = "disk is full" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == DISK_FULL_SQLSTATE
        return unavailable(request, DISK_FULL if full else DATABASE_DOWN)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        if isinstance(exc, OperationalError):  # raised in a middleware (a session cookie checked before routing)
            return await database_unavailable(request, exc)
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        detail = gettext(request_language(request), HTTP_MESSAGES[500])
        return error_response(request, 500, "ServerError", detail)

    @app.exception_handler(OSError)
    async def storage_error(request: Request, exc: OSError) -> Response:
        if exc.errno != errno.ENOSPC:
            return await crash(request, exc)
        logger.error("disk full on %s %s: %s", request.method, request.url.path, exc)
        return unavailable(request, DISK_FULL)


def unavailable(request: Request, message: str) -> Response:
    """503 with `message` and a Retry-After: the database or the disk is gone for now, not the request at fault."""
    response = error_response(request, 503, "ServiceUnavailable", gettext(request_language(request), message))
    response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response
