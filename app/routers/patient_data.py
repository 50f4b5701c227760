"""Patient data for managers: what published content looks like it (the scan), who published it anyway (the report of
overrides) and the institution's own rules (admins change them); pages and the JSON API."""

from datetime import datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from app.deps import AdminUser, ManagerUser, SessionDep
from app.errors import AppError, InvalidInput
from app.flash import flash
from app.i18n import N_, gettext, zone
from app.models.patient_data import PatientDataRuleCreate, PatientDataRulePublic
from app.pagination import Page, decode_cursor, encode_cursor, parse_day
from app.routers.forms import form_error
from app.services.patient_data import report, rules, scan
from app.services.patient_data.guard import PatientDataSuspected
from app.templating import render, request_language

api = APIRouter(prefix="/api/v1/patient-data", tags=["patient-data"])
pages = APIRouter(prefix="/patient-data", include_in_schema=False)


class SnippetPublic(BaseModel):
    field: str
    text: str
    findings: list[dict[str, str]]


class SuspectPublic(BaseModel):
    what: str
    id: int
    link: str
    kinds: list[str]
    written_at: datetime
    author_id: int | None
    author_name: str
    snippets: list[SnippetPublic]


class SuspectsPage(BaseModel):
    items: list[SuspectPublic]
    checked: int
    next_cursor: str | None


class OverridePublic(BaseModel):
    id: int
    created_at: datetime
    actor_id: int | None
    target_type: str
    target_id: int | None
    link: str | None
    kinds: list[str]
    fields: list[str]
    reason: str


class RuleForm(BaseModel):
    """A new rule: its name (shown to authors) and its regular expression."""

    name: str = ""
    pattern: str = ""


def _start(cursor: str | None) -> tuple[str, int]:
    """Where a page of the scan starts: a kind of content and the id after which to go on."""
    position = decode_cursor(cursor, str, int)
    if position is None:
        return scan.SOURCES[0], 0
    if position[0] not in scan.SOURCES:
        raise InvalidInput("The page cursor is not valid.")
    return position[0], position[1]


def _period(since: str, until: str, tz: str) -> tuple[datetime | None, datetime | None]:
    """The days typed in the filter as [start of `since`, end of `until`) in the reader's zone."""
    first, last = parse_day(since), parse_day(until)
    start = datetime.combine(first, time(), tzinfo=zone(tz)) if first else None
    end = datetime.combine(last, time(), tzinfo=zone(tz)) + timedelta(days=1) if last else None
    return start, end


def _labels(language: str, kinds: set[str]) -> dict[str, str]:
    """Each kind of finding in words, for the page."""
    labels = {}
    for kind in kinds:
        msgid, params = PatientDataSuspected.label(kind)
        labels[kind] = gettext(language, msgid, **params)
    return labels


def _suspect_public(suspect: scan.Suspect, authors: dict[int, str]) -> SuspectPublic:
    item = suspect.item
    return SuspectPublic(
        what=item.source,
        id=item.id,
        link=item.link,
        kinds=suspect.kinds,
        written_at=item.written_at,
        author_id=item.author_id,
        author_name=authors.get(item.author_id or 0, ""),
        snippets=[
            SnippetPublic(
                field=name,
                text="".join(p for p, _ in pieces),
                findings=[{"kind": kind, "text": p} for p, kind in pieces if kind],
            )
            for name, pieces in suspect.snippets
        ],
    )


@api.get("/suspects", response_model=SuspectsPage)
def read_patient_data_suspects(session: SessionDep, user: ManagerUser, cursor: str | None = None) -> SuspectsPage:
    """Published content that looks like patient data, a page at a time (each page checks a bounded number)."""
    result = scan.scan_page(session=session, viewer=user, start=_start(cursor))
    return SuspectsPage(
        items=[_suspect_public(s, result.authors) for s in result.suspects],
        checked=result.checked,
        next_cursor=encode_cursor(*result.next_position) if result.next_position else None,
    )


@api.get("/overrides", response_model=Page[OverridePublic])
def read_patient_data_overrides(
    session: SessionDep,
    user: ManagerUser,
    since: str = "",
    until: str = "",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Page[OverridePublic]:
    """Who published text that looked like patient data anyway, newest first, in the period."""
    start, end = _period(since, until, user.timezone)
    before = decode_cursor(cursor, int)
    found = report.list_overrides(
        session=session, since=start, until=end, before_id=before[0] if before else None, limit=limit
    )
    items = [
        OverridePublic(
            **row.event.model_dump(include={"id", "created_at", "actor_id", "target_type", "target_id"}),
            link=row.link,
            kinds=row.kinds,
            fields=row.fields,
            reason=row.reason,
        )
        for row in found.rows
    ]
    return Page(items=items, next_cursor=encode_cursor(found.next_before) if found.next_before else None)


@api.get("/rules", response_model=list[PatientDataRulePublic])
def read_patient_data_rules(session: SessionDep, user: ManagerUser) -> list[Any]:
    """The institution's own rules."""
    return list(rules.list_rules(session=session))


@api.post("/rules", response_model=PatientDataRulePublic, status_code=201)
def create_patient_data_rule(session: SessionDep, admin: AdminUser, data: PatientDataRuleCreate) -> Any:
    """Add a rule (admins); a pattern that is invalid or could take long is refused with the reason."""
    return rules.add_rule(session=session, actor=admin, data=data)


@api.delete("/rules/{rule_id}", status_code=204)
def delete_patient_data_rule(session: SessionDep, admin: AdminUser, rule_id: int) -> Response:
    """Remove a rule (admins)."""
    rules.remove_rule(session=session, actor=admin, rule_id=rule_id)
    return Response(status_code=204)


@pages.get("")
def suspects_page(request: Request, session: SessionDep, user: ManagerUser, cursor: str | None = None) -> Response:
    """Published content that looks like patient data, with the findings marked, so authors can be asked to fix it."""
    result = scan.scan_page(session=session, viewer=user, start=_start(cursor))
    kinds = {kind for s in result.suspects for kind in s.kinds}
    return render(
        request,
        "patient_data/suspects.html",
        {
            "result": result,
            "labels": _labels(request_language(request), kinds),
            "next_cursor": encode_cursor(*result.next_position) if result.next_position else None,
            "continued": bool(cursor),
        },
    )


@pages.get("/overrides")
def overrides_page(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    since: str = "",
    until: str = "",
    before: int | None = None,
) -> Response:
    """The report of overrides: who published anyway, when, what, why, and where."""
    start, end = _period(since, until, user.timezone)
    found = report.list_overrides(session=session, since=start, until=end, before_id=before)
    kinds = {kind for row in found.rows for kind in row.kinds}
    return render(
        request,
        "patient_data/overrides.html",
        {
            "page": found,
            "labels": _labels(request_language(request), kinds),
            "filters": {"since": since, "until": until},
        },
    )


def _rules_page(request: Request, session: SessionDep, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("form", RuleForm())
    context["rules"] = rules.list_rules(session=session)
    context["pattern_max"] = rules.PATTERN_MAX
    return render(request, "patient_data/rules.html", context, status_code=status_code)


@pages.get("/rules")
def rules_page(request: Request, session: SessionDep, user: ManagerUser) -> Response:
    """The institution's own rules; admins add and remove them."""
    return _rules_page(request, session)


@pages.post("/rules")
def rule_submit(request: Request, session: SessionDep, admin: AdminUser, form: Annotated[RuleForm, Form()]) -> Response:
    """Add a rule, or show the form again with why the pattern was refused."""
    try:
        data = PatientDataRuleCreate(name=form.name, pattern=form.pattern)
        rule = rules.add_rule(session=session, actor=admin, data=data)
    except (AppError, ValidationError) as exc:
        return _rules_page(request, session, 422, form=form, error=form_error(request, exc))
    flash(request, N_("Rule «{name}» added; it applies from the next post."), name=rule.name)
    return RedirectResponse("/patient-data/rules", status_code=303)


@pages.post("/rules/{rule_id}/delete")
def rule_delete_submit(request: Request, session: SessionDep, admin: AdminUser, rule_id: int) -> Response:
    """Remove a rule."""
    rules.remove_rule(session=session, actor=admin, rule_id=rule_id)
    flash(request, N_("Rule removed."))
    return RedirectResponse("/patient-data/rules", status_code=303)
