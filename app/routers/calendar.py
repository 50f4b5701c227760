"""The private calendar feed: its address (turned on, renewed, turned off) on one's account page and in the API, and
the feed itself, which calendar programs fetch without signing in."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from app.deps import CurrentUser, SessionDep, SettingsDep
from app.flash import flash
from app.i18n import N_
from app.models.users import CalendarFeed
from app.services import calendar_feed

api = APIRouter(prefix="/api/v1/account", tags=["account"])
pages = APIRouter(include_in_schema=False)


class CalendarPublic(BaseModel):
    url: str | None  # the secret address to subscribe to; null while the feed is off


def _base(request: Request) -> str:
    return request.app.state.settings.base_url or str(request.base_url).rstrip("/")


def address(request: Request, feed: CalendarFeed | None) -> str | None:
    """The feed's full address, None while it is off."""
    if feed is None:
        return None
    token = calendar_feed.token_of(key=request.app.state.settings.secret, feed=feed)
    return _base(request) + str(request.app.url_path_for("calendar_file", token=token))


@pages.get("/calendar/{token}.ics")
def calendar_file(request: Request, session: SessionDep, settings: SettingsDep, token: str) -> Response:
    """The person's calendar (no sign-in: the address is the secret); 404 for an old or unknown address."""
    user = calendar_feed.owner_of(session=session, key=settings.secret, token=token)
    language = str(user.language or settings.default_language)
    body = calendar_feed.build(session=session, user=user, base_url=_base(request), language=language)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store", "Content-Disposition": 'inline; filename="kolo.ics"'},
    )


@api.get("/calendar", response_model=CalendarPublic)
def read_calendar(request: Request, session: SessionDep, user: CurrentUser) -> CalendarPublic:
    """The caller's calendar address (null while off)."""
    return CalendarPublic(url=address(request, calendar_feed.read_feed(session=session, user=user)))


@api.post("/calendar", response_model=CalendarPublic)
def renew_calendar(request: Request, session: SessionDep, user: CurrentUser) -> CalendarPublic:
    """Turn the feed on, or give it a new address: the old one stops working."""
    return CalendarPublic(url=address(request, calendar_feed.new_address(session=session, user=user)))


@api.delete("/calendar", status_code=204)
def delete_calendar(session: SessionDep, user: CurrentUser) -> Response:
    """Turn the feed off: its address answers 404."""
    calendar_feed.turn_off(session=session, user=user)
    return Response(status_code=204)


@pages.post("/account/calendar")
def calendar_submit(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Turn the feed on or renew its address, then show it."""
    renewed = calendar_feed.read_feed(session=session, user=user) is not None
    calendar_feed.new_address(session=session, user=user)
    flash(
        request, N_("A new calendar address: the old one no longer works.") if renewed else N_("Your calendar is on.")
    )
    return RedirectResponse("/account#calendar", status_code=303)


@pages.post("/account/calendar/off")
def calendar_off_submit(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Turn the feed off."""
    calendar_feed.turn_off(session=session, user=user)
    flash(request, N_("Your calendar is off: its address no longer works."))
    return RedirectResponse("/account#calendar", status_code=303)
