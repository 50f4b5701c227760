"""Search for a person: query the index with their visibility keys, re-check every hit against the
database (a stale index can never leak a thing), page with an opaque cursor, log the query."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from app.errors import InvalidInput
from app.models.users import Department, User
from app.pagination import clamp_limit, decode_cursor, encode_cursor
from app.search.engine import UnsupportedQuery
from app.search.index import STORAGE_ERRORS, IndexUnavailable
from app.search.query import MAX_QUERY_CHARS, QueryResult, run_query
from app.search.query import suggest_titles as query_titles
from app.search.runtime import SearchRuntime
from app.services import users as users_service
from app.services.search import gaps, synonyms
from app.services.search.keys import reader_keys
from app.services.search.results import SearchItem, readable_items
from app.text import printable

logger = logging.getLogger(__name__)

KINDS = ("post", "comment", "event", "article", "task", "template", "person")
SUGGEST_LIMIT = 8


@dataclass(slots=True)
class SearchFilters:
    """Narrowing a search: one tag, department, author, and a creation date range (inclusive)."""

    tag: str | None = None
    department_id: int | None = None
    author_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet with the number of results the caller may see that carry it."""

    value: str
    label: str
    count: int


@dataclass(slots=True)
class SearchPage:
    """A page of results with totals, a spelling suggestion and facets."""

    items: list[SearchItem] = field(default_factory=list)
    total: int = 0
    total_exact: bool = True  # False: more than `total` (counting every match is what made search slow)
    suggestion: str | None = None
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    next_cursor: str | None = None
    degraded: bool = False
    log_id: int | None = None


def search(
    *,
    session: Session,
    runtime: SearchRuntime,
    user: User | None,
    q: str,
    type: str | None = None,
    filters: SearchFilters | None = None,
    limit: int = 20,
    cursor: str | None = None,
    log: bool = True,
    with_facets: bool = True,
) -> SearchPage:
    """Search what `user` may read; the first page of a query is logged for the content-gap report."""
    filters = filters or SearchFilters()
    kind = _check_type(type)
    after = _after(cursor)
    limit = clamp_limit(limit)
    q = printable(q or "").strip()[:MAX_QUERY_CHARS]
    if not q or user is None:
        return SearchPage()
    departments = users_service.department_ids_of(session=session, user=user)
    try:
        with runtime.searcher() as searcher:
            result = run_query(
                searcher,
                q,
                visibility_keys=reader_keys(user, departments),
                kind=kind,
                tags=[filters.tag] if filters.tag else [],
                department_id=filters.department_id,
                author_id=filters.author_id,
                created_from=_day_start(filters.date_from),
                created_to=_day_start(filters.date_to, 1),
                limit=limit,
                after=after,
                with_facets=with_facets,
                thesaurus=synonyms.current_thesaurus(session),
            )
    except IndexUnavailable:
        return SearchPage(degraded=True)
    except UnsupportedQuery as error:
        raise InvalidInput(
            'This search cannot be run as written ({operator}). Search with plain words, "quotes" '
            "for a phrase, or - before a word to leave it out.",
            operator=str(error),
        ) from error
    except STORAGE_ERRORS:  # a damaged segment file: answer degraded and let the indexer rebuild
        logger.exception("search failed for %r", q)
        runtime.mark_broken()
        return SearchPage(degraded=True)
    page = SearchPage(
        items=readable_items(session=session, user=user, result=result),
        total=result.total,
        total_exact=result.total_exact,
        suggestion=result.suggestion,
        facets=_facets(session, result),
    )
    if result.more and result.hits:
        last = result.hits[-1]  # the index's last hit, readable or not, so no page repeats one
        page.next_cursor = encode_cursor(last.score, last.key)
    if log and after is None:
        page.log_id = gaps.log_query(
            session=session,
            user=user,
            department_ids=departments,
            text=q,
            result_count=result.total,
            shown=bool(page.items),  # what the page renders and the API returns: only these can go unopened
        )
    return page


def suggest_titles(
    *, session: Session, runtime: SearchRuntime, user: User | None, q: str, limit: int = SUGGEST_LIMIT
) -> list[SearchItem]:
    """Titles starting with what is typed so far (search-as-you-type), only readable ones."""
    if user is None:
        return []
    keys = reader_keys(user, users_service.department_ids_of(session=session, user=user))
    try:
        with runtime.searcher() as searcher:
            hits = query_titles(searcher, q, visibility_keys=keys, limit=limit * 2)
    except IndexUnavailable:
        return []
    return readable_items(session=session, user=user, result=QueryResult(hits=hits))[:limit]


def _check_type(type: str | None) -> str | None:
    if not type:
        return None
    if type not in KINDS:
        raise InvalidInput("Unknown type {type}: use one of {kinds}.", type=type[:20], kinds=", ".join(KINDS))
    return type


def _after(cursor: str | None) -> tuple[float, str] | None:
    """The (score, key) of the previous page's last hit, from a cursor this module made."""
    position = decode_cursor(cursor, float, str)
    return (position[0], position[1]) if position else None


def _day_start(day: date | None, plus_days: int = 0) -> datetime | None:
    # Dates are the hospital's calendar days; midnight UTC is close enough for a search filter.
    return datetime.combine(day + timedelta(days=plus_days), time()) if day else None


def _facets(session: Session, result: QueryResult) -> dict[str, list[FacetValue]]:
    """Facet counts with display labels (department and author names in one query each)."""
    counts = result.facets
    dept_ids = [int(v) for v in counts.get("department", {}) if v.isdigit()]
    author_ids = [int(v) for v in counts.get("author", {}) if v.isdigit()]
    names = {
        "department": {
            str(d.id): d.name for d in session.exec(select(Department).where(col(Department.id).in_(dept_ids)))
        }
        if dept_ids
        else {},
        "author": {str(u.id): u.name for u in session.exec(select(User).where(col(User.id).in_(author_ids)))}
        if author_ids
        else {},
    }
    facets: dict[str, list[FacetValue]] = {}
    for name, values in counts.items():
        labels = names.get(name, {})
        facets[name] = [
            FacetValue(value=v, label=labels.get(v, v), count=n)
            for v, n in values.items()
            if name not in names or v in labels
        ][:12]
    return facets
