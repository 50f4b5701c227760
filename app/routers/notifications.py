"""Notifications: the bell's count, the list, mark read / all read (API and page)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.deps import CurrentUser, SessionDep
from app.flash import flash
from app.i18n import N_
from app.models.notifications import Notification, NotificationPublic, UnreadCount
from app.models.users import User
from app.pagination import Page
from app.services import notifications as notifications_service
from app.templating import render, request_language

api = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])
pages = APIRouter(prefix="/notifications", include_in_schema=False)


def _public(session: Session, user: User, rows: list[Notification], language: str) -> list[NotificationPublic]:
    names = notifications_service.actor_names(session=session, rows=rows)
    return [notifications_service.to_public(r, language=language, actor_name=names.get(r.actor_id or 0)) for r in rows]


@api.get("", response_model=Page[NotificationPublic])
def read_notifications(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    cursor: str | None = None,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
) -> Page[NotificationPublic]:
    """The caller's notifications, newest first."""
    rows, next_cursor = notifications_service.list_notifications(
        session=session, user=user, cursor=cursor, limit=limit, unread_only=unread
    )
    return Page(items=_public(session, user, list(rows), request_language(request)), next_cursor=next_cursor)


@api.get("/unread-count", response_model=UnreadCount)
def read_unread_count(session: SessionDep, user: CurrentUser) -> UnreadCount:
    """How many notifications the caller has not read."""
    return UnreadCount(unread=notifications_service.unread_count(session=session, user=user))


@api.post("/{notification_id}/read", response_model=NotificationPublic)
def mark_read(request: Request, session: SessionDep, user: CurrentUser, notification_id: int) -> NotificationPublic:
    """Mark one notification read."""
    row = notifications_service.mark_read(session=session, user=user, notification_id=notification_id)
    return _public(session, user, [row], request_language(request))[0]


@api.post("/read-all", response_model=UnreadCount)
def mark_all_read(session: SessionDep, user: CurrentUser) -> UnreadCount:
    """Mark every notification read."""
    notifications_service.mark_all_read(session=session, user=user)
    return UnreadCount(unread=0)


@pages.get("/bell")
def bell(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The bell's unread count, fetched by htmx in every page's header."""
    unread = notifications_service.unread_count(session=session, user=user)
    return render(request, "notifications/_count.html", {"unread": unread})


@pages.get("")
def notification_list_page(
    request: Request, session: SessionDep, user: CurrentUser, cursor: str | None = None
) -> Response:
    """The notifications page; htmx asks for the next page's rows only."""
    rows, next_cursor = notifications_service.list_notifications(session=session, user=user, cursor=cursor)
    items = _public(session, user, list(rows), request_language(request))
    name = "notifications/_items.html" if request.headers.get("hx-request") and cursor else "notifications/list.html"
    return render(request, name, {"items": items, "next_cursor": next_cursor})


@pages.post("/{notification_id}/open")
def open_notification(session: SessionDep, user: CurrentUser, notification_id: int) -> Response:
    """Mark a notification read and go to what it is about."""
    row = notifications_service.mark_read(session=session, user=user, notification_id=notification_id)
    target = row.url if row.url.startswith("/") and not row.url.startswith("//") else "/"
    return RedirectResponse(target, status_code=303)


@pages.post("/read-all")
def mark_all_read_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Mark everything read and come back to the list."""
    notifications_service.mark_all_read(session=session, user=user)
    flash(request, N_("All notifications are marked read."))
    return RedirectResponse("/notifications", status_code=303)
