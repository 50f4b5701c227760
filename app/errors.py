"""Kolo's errors: what services raise when a person may not, or asked for something that cannot be.

`app.error_responses` answers them: JSON for the API, a page otherwise."""

from typing import Any

from app.i18n import gettext


class AppError(Exception):
    """An error a user can be told about; `message` is an English msgid with `{name}` params."""

    status_code = 400

    def __init__(self, message: str, status_code: int | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params
        if status_code is not None:
            self.status_code = status_code

    def detail(self, language: str) -> str:
        """The message in the reader's language."""
        return gettext(language, self.message, **self.params)

    def extra(self) -> dict[str, object]:
        """What the API answers beside `error` and `detail` (nothing, unless the error says more)."""
        return {}


class Unauthorized(AppError):
    status_code = 401


class PermissionDenied(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class InvalidInput(AppError):
    status_code = 422


class TooManyRequests(AppError):
    status_code = 429
