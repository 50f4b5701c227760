"""Helpers shared by the onboarding pages: calendar-day formatting, safe "back to" links, form errors."""

from datetime import date

from babel import Locale
from babel.dates import format_date
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import pass_context
from jinja2.runtime import Context
from pydantic import ValidationError

from app.deps import CurrentUser, SessionDep
from app.errors import AppError
from app.i18n import gettext
from app.services import users as users_service
from app.services.onboarding import access, presenters
from app.services.onboarding.workdays import local_today
from app.templating import render, request_language, templates


@pass_context
def _calendar_day(context: Context, value: date | None) -> str:
    """A due date as people say it: «п’ятниця, 4 грудня» (no time zone: it is a calendar day)."""
    if value is None:
        return ""
    language = context["language"]
    pattern = "EEEE, d MMMM" if language == "uk" else "EEE d MMM"
    return format_date(value, pattern, locale=Locale.parse(language))


templates.env.filters["calendar_day"] = _calendar_day


def back(next_url: str | None, fallback: str) -> RedirectResponse:
    """POST-redirect-GET to a local page only (never to another site)."""
    target = next_url if next_url and next_url.startswith("/") and not next_url.startswith("//") else fallback
    return RedirectResponse(target, status_code=303)


def error_text(request: Request, exc: AppError | ValidationError) -> str:
    """A form error in the reader's language."""
    language = request_language(request)
    if isinstance(exc, AppError):
        return exc.detail(language)
    fields = ", ".join(str(e["loc"][-1]) for e in exc.errors())
    return gettext(language, "Please check these fields: {fields}.", fields=fields)


def form_status(exc: AppError | ValidationError) -> int:
    """The status a form comes back with: the error's own (403, 409 …), 422 for invalid fields."""
    return exc.status_code if isinstance(exc, AppError) else 422


def render_plan(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    assignment_id: int,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    """One plan in full; managers of its department also get its controls (and `error`, when one failed)."""
    assignment = access.get_assignment_or_raise(session=session, user=user, assignment_id=assignment_id)
    session.refresh(assignment)
    plan = presenters.plan_views(session=session, assignments=[assignment], viewer=user, today=local_today())[0]
    people = users_service.list_users(session=session, include_inactive=False) if plan.viewer_manages else []
    return render(
        request,
        "onboarding/plan.html",
        {"plan": plan, "people": people, "tab": "plan", "error": error},
        status_code=status_code,
    )
