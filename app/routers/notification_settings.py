"""How one hears of notifications: a channel per category (in the app, e-mail at once, a daily digest) and the
digest's hour, on a page of one's account and in the API."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import AppError, Conflict
from app.flash import flash
from app.i18n import N_
from app.routers.forms import NotificationSettingsForm, form_error, form_status
from app.services import notification_channels as channels
from app.templating import render

api = APIRouter(prefix="/api/v1/account", tags=["account"])
pages = APIRouter(prefix="/account", include_in_schema=False)


class NotificationSettingsPublic(BaseModel):
    mail_enabled: bool  # false: this server sends no mail, every notification stays in the app
    channels: dict[str, channels.Channel]  # category → "app", "email" or "digest"
    digest_hour: int  # local hour of the daily digest, in the person's time zone
    timezone: str


class NotificationSettingsUpdate(BaseModel):
    channels: dict[str, str] = {}  # the categories to change; the others keep their channel
    digest_hour: int | None = Field(default=None, ge=0, le=23)


def _public(choices: channels.Choices, mail_enabled: bool, timezone: str) -> NotificationSettingsPublic:
    return NotificationSettingsPublic(
        mail_enabled=mail_enabled, channels=choices.channels, digest_hour=choices.digest_hour, timezone=timezone
    )


def _save(session: SessionDep, settings: SettingsDep, user: CurrentUser, wanted: dict[str, str], hour: int) -> None:
    if not settings.mail_enabled and any(channel != "app" for channel in wanted.values()):
        raise Conflict("This server sends no e-mail: notifications show in Kolo only.")
    channels.save_choices(session=session, user=user, channels=wanted, digest_hour=hour)


@api.get("/notification-settings", response_model=NotificationSettingsPublic)
def read_notification_settings(
    session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> NotificationSettingsPublic:
    """The caller's channel per category of notification and digest hour."""
    choices = channels.read_choices(session=session, user=user)
    return _public(choices, settings.mail_enabled, user.timezone)


@api.put("/notification-settings", response_model=NotificationSettingsPublic)
def update_notification_settings(
    session: SessionDep, settings: SettingsDep, user: CurrentUser, data: NotificationSettingsUpdate
) -> NotificationSettingsPublic:
    """Change some categories' channels and/or the digest hour (409 for e-mail on a server that sends none)."""
    current = channels.read_choices(session=session, user=user)
    hour = current.digest_hour if data.digest_hour is None else data.digest_hour
    _save(session, settings, user, data.channels, hour)
    return _public(channels.read_choices(session=session, user=user), settings.mail_enabled, user.timezone)


def _page(
    request: Request, settings: SettingsDep, chosen: dict[str, str], hour: int, status_code: int = 200, error: str = ""
) -> Response:
    context = {
        "categories": channels.CATEGORIES,
        "chosen": chosen,
        "digest_hour": hour,
        "mail_enabled": settings.mail_enabled,
        "error": error,
    }
    return render(request, "account/notifications.html", context, status_code=status_code)


@pages.get("/notifications")
def notification_settings_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Response:
    """The choices as a form (or, when the server sends no mail, a word that everything shows in the bell)."""
    choices = channels.read_choices(session=session, user=user)
    return _page(request, settings, dict(choices.channels), choices.digest_hour)


@pages.post("/notifications")
def notification_settings_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    form: Annotated[NotificationSettingsForm, Form()],
) -> Response:
    """Save the choices; a refused form comes back as it was filled in."""
    try:
        _save(session, settings, user, form.channels(), form.hour())
    except AppError as exc:
        return _page(request, settings, form.channels(), form.hour(), form_status(exc), form_error(request, exc))
    flash(request, N_("Notification settings saved."))
    return RedirectResponse("/account/notifications", status_code=303)
