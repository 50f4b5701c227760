"""How every page form is read and how it comes back with its errors.

A form is a pydantic model read with `Annotated[SomeForm, Form()]`, one per form, in its router package's forms.py
(the top-level routers' ones, admin, account, sign-in and search, here). Typed text is kept as `str` (default "")
so a mistake comes back to the form; only what the page itself always sends (a hidden id, a button's value) is
required or typed, and a request without it is refused like any bad request. The form model turns what was typed
into the service's input. When the service refuses, the page is rendered again with the typed values and
`form_error(request, exc)` as its message, with `form_status(exc)` (or the page's own 4xx).
"""

from typing import Literal

from fastapi import Request
from pydantic import BaseModel, ValidationError

from app import validation_messages
from app.errors import AppError
from app.i18n import gettext
from app.services.patient_data.guard import PatientDataSuspected
from app.services.users import TOKEN_VALID_DAYS
from app.templating import request_language


def form_error(request: Request, exc: AppError | ValidationError) -> str:
    """The one message a refused form shows, in the reader's language: the service's own message, or for invalid
    fields the names of the fields to check."""
    language = request_language(request)
    if isinstance(exc, AppError):
        return exc.detail(language)
    problems = "; ".join(validation_messages.describe(exc.errors(), language, model=exc.title))
    return gettext(language, "Please check these fields: {fields}.", fields=problems)


def form_status(exc: AppError | ValidationError) -> int:
    """The status a refused form comes back with: the error's own (403, 409 …), 422 for invalid fields."""
    return exc.status_code if isinstance(exc, AppError) else 422


def suspected(exc: AppError | ValidationError) -> PatientDataSuspected | None:
    """The patient-data guard's refusal, when that is what refused the form: the form then shows its review
    (templates/_patient_data.html) with the findings marked and the way to publish anyway."""
    return exc if isinstance(exc, PatientDataSuspected) else None


def form_ids(values: list[str]) -> list[int]:
    """The ticked ids of a multi-choice field (anything not a number is dropped)."""
    return [int(v) for v in values if v.isdigit()]


def _same_twice(password: str, again: str) -> str:
    if password != again:
        raise AppError("The two passwords differ.")
    return password


# --- admin ---------------------------------------------------------------------------------------


class NewUserForm(BaseModel):
    """The invite form."""

    email: str = ""
    name: str = ""
    role: str = "staff"
    handle: str = ""
    work_phone: str = ""
    department_ids: list[str] = []

    def typed(self) -> dict[str, object]:
        """What was typed, as the form shows it again and as `UserCreate` reads it."""
        return {
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "handle": self.handle or None,
            "work_phone": self.work_phone,
            "department_ids": form_ids(self.department_ids),
        }


class UserEditForm(BaseModel):
    """One person's role, departments and active state."""

    name: str = ""
    role: str = ""
    work_phone: str = ""
    department_ids: list[str] = []
    is_active: str = ""
    deactivation_confirmed: str = ""  # the second step's "Yes, deactivate"

    def typed(self) -> dict[str, object]:
        """The form as `UserUpdate` reads it (an empty name or role: unchanged)."""
        return {
            "name": self.name or None,
            "role": self.role or None,
            "work_phone": self.work_phone,
            "department_ids": form_ids(self.department_ids),
            "is_active": self.is_active == "on",
        }


class DepartmentForm(BaseModel):
    """A new department, or a new name for one (`department_id`)."""

    name: str = ""
    department_id: int | None = None


# --- account -------------------------------------------------------------------------------------


class ProfileForm(BaseModel):
    """One's name, handle, language and time zone."""

    name: str = ""
    handle: str = ""
    language: str = ""
    timezone: str = "Europe/Kyiv"
    work_phone: str = ""

    def typed(self) -> dict[str, object]:
        """The form as `ProfileUpdate` reads it (and as it is shown again)."""
        return {
            "name": self.name,
            "handle": self.handle,
            "language": self.language or None,
            "timezone": self.timezone,
            "work_phone": self.work_phone,
        }


class NotificationSettingsForm(BaseModel):
    """A channel per category of notification (the names of `notification_channels.CATEGORIES`) and the digest hour."""

    mentions: str = "app"
    replies: str = "app"
    must_read: str = "app"
    acknowledgements: str = "app"
    reviews: str = "app"
    onboarding: str = "app"
    events: str = "app"
    other: str = "app"
    digest_hour: str = ""
    push: list[str] = []  # the categories ticked «також на пристрої»

    def channels(self) -> dict[str, str]:
        """The channel chosen for each category."""
        return self.model_dump(exclude={"digest_hour", "push"})

    def hour(self) -> int:
        """The digest hour, -1 (refused by the service) when it is not a number."""
        return int(self.digest_hour) if self.digest_hour.isdigit() else -1


class PasswordForm(BaseModel):
    """A new password, typed twice, and whether to end the API tokens too."""

    current: str = ""
    new: str = ""
    new2: str = ""
    revoke_tokens: bool = False

    def new_password(self) -> str:
        """The new password, when both fields agree."""
        return _same_twice(self.new, self.new2)


class TokenForm(BaseModel):
    """A new personal API token: its name and how long it stays valid (a number of days offered, or "never")."""

    name: str = "API"
    expires_in_days: str = str(TOKEN_VALID_DAYS)


# --- sign-in -------------------------------------------------------------------------------------


class LoginForm(BaseModel):
    email: str = ""
    password: str = ""
    next: str = "/"


class InviteForm(BaseModel):
    password: str = ""
    password2: str = ""

    def new_password(self) -> str:
        """The chosen password, when both fields agree."""
        return _same_twice(self.password, self.password2)


class LanguageForm(BaseModel):
    language: str = "uk"
    next: str = "/"


class ThemeForm(BaseModel):
    """Light, dark, or as the device's system setting says."""

    theme: Literal["light", "dark", "system"] = "system"
    next: str = "/"


# --- search --------------------------------------------------------------------------------------


class GuideRequestForm(BaseModel):
    """Ask a colleague to write the guide a query on the gap report was looking for."""

    query: str
    owner_id: int
    title: str = ""
