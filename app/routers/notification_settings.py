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
from app.services import push
from app.templating import render

api = APIRouter(prefix="/api/v1/account", tags=["account"])
pages = APIRouter(prefix="/account", include_in_schema=False)


class NotificationSettingsPublic(BaseModel):
    mail_enabled: bool  # false: this server sends no mail, every notification stays in the app
    push_enabled: bool  # false: this server pushes to no device
    channels: dict[str, channels.Channel]  # category → "app", "email" or "digest"
    digest_hour: int  # local hour of the daily digest, in the person's time zone
    push: list[str]  # the categories also pushed to the person's devices
    devices: int  # on how many of them push is on
    timezone: str


class NotificationSettingsUpdate(BaseModel):
    channels: dict[str, str] = {}  # the categories to change; the others keep their channel
    digest_hour: int | None = Field(default=None, ge=0, le=23)
    push: list[str] | None = None  # the categories pushed (all of them: the list replaces the old one)


def _public(session: SessionDep, settings: SettingsDep, user: CurrentUser) -> NotificationSettingsPublic:
    choices = channels.read_choices(session=session, user=user)
    return NotificationSettingsPublic(
        mail_enabled=settings.mail_enabled,
        push_enabled=settings.push_enabled,
        channels=choices.channels,
        digest_hour=choices.digest_hour,
        push=sorted(choices.push),
        devices=push.device_count(session=session, user=user),
        timezone=user.timezone,
    )


def _save(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    wanted: dict[str, str],
    hour: int,
    pushed: list[str] | None,
) -> None:
    if not settings.mail_enabled and any(channel != "app" for channel in wanted.values()):
        raise Conflict("This server sends no e-mail: notifications show in Kolo only.")
    if not settings.push_enabled and pushed is not None:
        raise Conflict("This server pushes to no device: notifications show in Kolo only.")
    channels.save_choices(session=session, user=user, channels=wanted, digest_hour=hour, push=pushed)


@api.get("/notification-settings", response_model=NotificationSettingsPublic)
def read_notification_settings(
    session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> NotificationSettingsPublic:
    """The caller's channel per category of notification, digest hour and what is pushed to their devices."""
    return _public(session, settings, user)


@api.put("/notification-settings", response_model=NotificationSettingsPublic)
def update_notification_settings(
    session: SessionDep, settings: SettingsDep, user: CurrentUser, data: NotificationSettingsUpdate
) -> NotificationSettingsPublic:
    """Change some categories' channels, the digest hour and/or what is pushed (409 for e-mail or push on a server
    that sends none)."""
    current = channels.read_choices(session=session, user=user)
    hour = current.digest_hour if data.digest_hour is None else data.digest_hour
    _save(session, settings, user, data.channels, hour, data.push)
    return _public(session, settings, user)


def _page(
    request: Request, settings: SettingsDep, chosen: channels.Choices, status_code: int = 200, error: str = ""
) -> Response:
    context = {
        "categories": channels.CATEGORIES,
        "chosen": chosen,
        "mail_enabled": settings.mail_enabled,
        "push_enabled": settings.push_enabled,
        "error": error,
    }
    return render(request, "account/notifications.html", context, status_code=status_code)


@pages.get("/notifications")
def notification_settings_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Response:
    """The choices as a form (or, when the server sends no mail and pushes nothing, a word that everything shows in
    the bell)."""
    return _page(request, settings, channels.read_choices(session=session, user=user))


@pages.post("/notifications")
def notification_settings_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    form: Annotated[NotificationSettingsForm, Form()],
) -> Response:
    """Save the choices; a refused form comes back as it was filled in."""
    pushed = form.push if settings.push_enabled else None
    wanted = form.channels() if settings.mail_enabled else {}  # without mail the form shows no channels: keep them
    try:
        _save(session, settings, user, wanted, form.hour(), pushed)
    except AppError as exc:
        typed = channels.Choices(
            channels=form.channels(),  # type: ignore[arg-type]  # shown again as typed, valid or not
            digest_hour=form.hour(),
            push=frozenset(form.push),
        )
        return _page(request, settings, typed, form_status(exc), form_error(request, exc))
    flash(request, N_("Notification settings saved."))
    return RedirectResponse("/account/notifications", status_code=303)
