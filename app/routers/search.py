"""Search: the /search page, search-as-you-type, click logging, the JSON API and the content-gap report."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from app.deps import CurrentUser, ManagerUser, SessionDep, SettingsDep
from app.errors import AppError, InvalidInput
from app.flash import flash
from app.i18n import N_
from app.models.search import GuideRequestPublic, SearchGapPublic, SearchPagePublic
from app.models.types import StrictId
from app.pagination import Page, parse_day
from app.routers.forms import GuideRequestForm
from app.search.runtime import SearchRuntime
from app.services import users as users_service
from app.services.search import gaps
from app.services.search import searching as search_service
from app.services.search.searching import KINDS, SearchFilters, SearchPage
from app.templating import render, request_language

api = APIRouter(prefix="/api/v1", tags=["search"])
pages = APIRouter(include_in_schema=False)

FILTER_PARAMS = ("type", "tag", "department", "author", "date_from", "date_to")
KIND_LABELS = {
    "post": N_("Post"),
    "comment": N_("Comment"),
    "event": N_("Event"),
    "article": N_("Article"),
    "task": N_("Onboarding task"),
    "template": N_("Checklist template"),
    "person": N_("People"),
}
HIT_LABELS = {**KIND_LABELS, "person": N_("Colleague")}  # one person's hit; the facet says «People»
FACET_TITLES = {"kind": N_("Type"), "tag": N_("Tags"), "department": N_("Department"), "author": N_("Author")}


class GuideRequestCreate(BaseModel):
    query: str = Field(min_length=1, max_length=500)
    owner_id: StrictId
    title: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=2000)


def _runtime(request: Request) -> SearchRuntime:
    return request.app.state.search


def _int(value: str | None, message: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(message)
    return int(value)


def _filters(params: dict[str, str]) -> SearchFilters:
    return SearchFilters(
        tag=params.get("tag") or None,
        department_id=_int(params.get("department"), "Choose a department from the list."),
        author_id=_int(params.get("author"), "Choose an author from the list."),
        date_from=parse_day(params.get("date_from")),
        date_to=parse_day(params.get("date_to")),
    )


@api.get("/search", response_model=SearchPagePublic)
def read_search(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    q: str = "",
    type: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
    tag: str | None = None,
    department: str | None = None,
    author: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> SearchPagePublic:
    """Search what the caller may read: `{items: [{type, id, title, url, snippet, score, author_id, author, date,
    department_ids, departments, comments, comment}], total, suggestion,
    facets: {kind|tag|department|author: [{value, label, count}]}, next_cursor}`; narrow it with the facets'
    values (`tag`, `department`, `author`) and `date_from` / `date_to` (YYYY-MM-DD), as on the /search page. A post
    stands for its thread (`comments`: how many of its comments match, `comment`: the best one); `total` and the
    facet counts count threads. `type=person` finds colleagues."""
    params = {
        k: v.strip()
        for k, v in (
            ("tag", tag),
            ("department", department),
            ("author", author),
            ("date_from", date_from),
            ("date_to", date_to),
        )
        if v and v.strip()
    }
    page = search_service.search(
        session=session,
        runtime=_runtime(request),
        user=user,
        q=q,
        type=type,
        filters=_filters(params),
        limit=limit,
        cursor=cursor,
    )
    return SearchPagePublic.model_validate(page, from_attributes=True)


@api.get("/reports/search-gaps", response_model=Page[SearchGapPublic])
def read_search_gaps(
    session: SessionDep,
    settings: SettingsDep,
    user: ManagerUser,
    days: int = 30,
    department: int | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Page[SearchGapPublic]:
    """Managers: the top queries of the period in their departments that found nothing or whose results nobody
    opened, each asked by several people (never who)."""
    rows = gaps.list_gaps(
        session=session, settings=settings, user=user, days=days, department_id=department, limit=limit
    )
    return Page(items=rows)


@api.post("/search/guide-requests", response_model=GuideRequestPublic, status_code=201)
def create_guide_request(
    session: SessionDep, settings: SettingsDep, user: ManagerUser, data: GuideRequestCreate
) -> GuideRequestPublic:
    """Managers: ask someone to write the guide a query on their gap report was looking for; they are notified."""
    row = gaps.create_guide_request(
        session=session,
        settings=settings,
        actor=user,
        query=data.query,
        owner_id=data.owner_id,
        title=data.title,
        note=data.note,
    )
    return GuideRequestPublic.model_validate(row, from_attributes=True)


@pages.get("/search")
def search_page(
    request: Request, session: SessionDep, user: CurrentUser, q: str = "", cursor: str | None = None
) -> Response:
    """The search page: results with highlights, filters with counts, "did you mean", pages."""
    params = {k: v for k in FILTER_PARAMS if (v := request.query_params.get(k, "").strip())}
    error, page = None, SearchPage()
    try:
        page = search_service.search(
            session=session,
            runtime=_runtime(request),
            user=user,
            q=q,
            type=params.get("type"),
            filters=_filters(params),
            cursor=cursor,
        )
    except AppError as exc:
        error = exc.detail(request_language(request))
    return render(
        request,
        "search/search.html",
        {
            "q": q,
            "params": params,
            "page": page,
            "error": error,
            "kinds": KINDS,
            "kind_labels": KIND_LABELS,
            "hit_labels": HIT_LABELS,
            "facet_titles": FACET_TITLES,
            "facets": _facet_links(q, params, page),
            "clear_url": _url(q, {}),
            "suggestion_url": _url(page.suggestion or "", params),
            "next_url": _url(q, params, cursor=page.next_cursor) if page.next_cursor else None,
            "departments": users_service.list_departments(session=session),
        },
    )


def _url(q: str, params: dict[str, str], **extra: str | None) -> str:
    query = {"q": q, **params, **{k: v for k, v in extra.items() if v}}
    return "/search?" + urlencode({k: v for k, v in query.items() if v})


def _facet_links(q: str, params: dict[str, str], page: SearchPage) -> list[dict[str, Any]]:
    """Each facet's values with a link that applies (or, when applied, removes) that filter."""
    names = {"kind": "type", "tag": "tag", "department": "department", "author": "author"}
    groups = []
    for facet, param in names.items():
        values = page.facets.get(facet, [])
        if not values:
            continue
        links = []
        for value in values:
            active = params.get(param) == value.value
            changed = {k: v for k, v in params.items() if k != param}
            if not active:
                changed[param] = value.value
            links.append({"label": value.label, "count": value.count, "active": active, "url": _url(q, changed)})
        groups.append({"name": facet, "links": links})
    return groups


@pages.get("/search/suggest", response_class=HTMLResponse)
def search_suggest(request: Request, session: SessionDep, user: CurrentUser, q: str = "") -> Response:
    """Search-as-you-type: titles matching what is typed so far (an htmx partial)."""
    items = search_service.suggest_titles(session=session, runtime=_runtime(request), user=user, q=q)
    return render(request, "search/_suggest.html", {"items": items, "q": q, "kind_labels": HIT_LABELS})


@pages.get("/search/go")
def search_go(session: SessionDep, user: CurrentUser, to: str, log: int | None = None) -> Response:
    """Open a result, noting the click for the content-gap report; only local paths are followed."""
    if not to.startswith("/") or to.startswith("//") or "\\" in to:
        raise InvalidInput("This link does not lead to a page of Kolo.")
    if log is not None:
        gaps.record_click(session=session, user=user, log_id=log)
    return RedirectResponse(to, status_code=303)


@pages.get("/search/gaps")
def search_gaps_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ManagerUser,
    days: int = 30,
    department: str | None = None,
) -> Response:
    """Managers: what staff of their departments searched for and did not find, and the guide requests made of it."""
    department_id = _int(department, "Choose a department from the list.")
    requests = gaps.list_guide_requests(session=session, settings=settings, user=user)
    return render(
        request,
        "search/gaps.html",
        {
            "rows": gaps.list_gaps(
                session=session, settings=settings, user=user, days=days, department_id=department_id
            ),
            "days": days,
            "department": department_id,
            "min_people": settings.search_gap_min_people,
            "log_days": settings.search_log_days,
            "departments": gaps.report_department_choices(session=session, user=user),
            "people": users_service.list_users(session=session),
            "requests": requests,
            "editor_urls": {r.id: gaps.guide_editor_url(r) for r in requests if r.status == "open"},
            "can_add_synonyms": gaps.may_add_synonyms(user),
            "answers": gaps.answer_slugs(session=session, requests=requests),
            "names": {u.id: u.name for u in users_service.list_users(session=session, include_inactive=True)},
        },
    )


@pages.post("/search/gaps/requests")
def search_gaps_request(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ManagerUser,
    form: Annotated[GuideRequestForm, Form()],
) -> Response:
    """Managers: turn a query on their gap report into a "guide requested" task for a colleague."""
    gaps.create_guide_request(
        session=session, settings=settings, actor=user, query=form.query, owner_id=form.owner_id, title=form.title
    )
    flash(request, N_("The guide is requested; its owner was notified."))
    return RedirectResponse("/search/gaps", status_code=303)
