"""Helpers shared by the onboarding pages: calendar-day formatting, safe "back to" links, one plan's page."""

from datetime import date

from babel import Locale
from babel.dates import format_date
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import pass_context
from jinja2.runtime import Context

from app.deps import CurrentUser, SessionDep
from app.routers.auth import safe_next
from app.services.onboarding import presenters
from app.services.onboarding.workdays import local_today
from app.templating import render, templates


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
    """POST-redirect-GET to a local page only (never to another site: the sign-in page's `safe_next` rule)."""
    target = next_url if next_url and safe_next(next_url) == next_url else fallback
    return RedirectResponse(target, status_code=303)


def render_plan(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    assignment_id: int,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    """One plan in full; managers of its department also get its controls (and `error`, when one failed)."""
    plan = presenters.plan_view(session=session, user=user, assignment_id=assignment_id, today=local_today())
    people = presenters.mentor_choices(session=session, plan=plan)
    return render(
        request,
        "onboarding/plan.html",
        {"plan": plan, "people": people, "tab": "plan", "error": error},
        status_code=status_code,
    )
