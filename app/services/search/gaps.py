"""The content-gap loop: every search is logged; managers see what staff of their departments looked for and did
not find (or did not open), ask someone to write that guide, and when an article answering it is published,
everyone who searched for it is told.

Only a search the person ran is logged (search-as-you-type asks for titles and logs nothing), and one whose text
continues what the same person searched a moment ago replaces that one: they were still typing. Queries are grouped
by their lemmas ("пролежні", "Пролежнів?" and "про пролежні" are one row), shown as the form most people typed. A
search counts as "found but not opened" only when its results were shown to the person.

Search texts are personal data: a query shows only once `search_gap_min_people` different people asked it, never
with who they were, and the log is kept `search_log_days` days."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Integer, String, cast, delete
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, func, select

from app.config import Settings, get_settings
from app.errors import InvalidInput, NotFound
from app.models.kb import KbArticle, KbRevision
from app.models.search import GuideRequest, GuideRequestStatus, SearchGapPublic, SearchQueryLog
from app.models.types import utcnow
from app.models.users import Department, User
from app.search.analysis import analyze
from app.search.sources import SOURCES
from app.services import notifications as notifications_service
from app.services import users as users_service
from app.text import nfc

_APOSTROPHES = str.maketrans({c: "'" for c in "’ʼ`‘ʹ"})
_SPACES = re.compile(r"\s+")
MAX_DAYS = 366
TYPING_WINDOW = timedelta(seconds=60)  # a longer search this soon after a shorter one: the person was still typing
# Words that make a query a question without saying what it is about ("що таке сепсис" is "сепсис").
QUESTION_WORDS = """
    як який яка яке які що чого чому де куди звідки коли скільки хто чий чия чиє чиї навіщо нащо чи таке можна
    how what where when why who whom whose which do does did can should
"""


def normalize_query(text: str) -> str:
    """How queries are grouped: NFC, lowercase, one apostrophe, single spaces."""
    return _SPACES.sub(" ", nfc(text).translate(_APOSTROPHES).lower()).strip()[:500]


@cache
def _question_terms() -> frozenset[str]:
    return frozenset(analyze(QUESTION_WORDS, mode="query"))


def query_terms(text: str) -> list[str]:
    """What a query asks about: its lemmas (stems for English words), stop and question words left out, sorted."""
    return sorted(set(analyze(text, mode="query")) - _question_terms())


def group_key(text: str) -> str:
    """How the report groups queries: their terms in alphabetical order, or the normalized text when none is left."""
    return " ".join(query_terms(text))[:500] or normalize_query(text)


def log_query(
    *,
    session: Session,
    user: User,
    department_ids: list[int],
    text: str,
    result_count: int,
    shown: bool,
    now: datetime | None = None,
) -> int:
    """Record a search the person ran and return its log id (for click tracking); `shown`: its results were
    displayed. A search continuing the text the person searched a moment ago replaces that search."""
    normalized, now = normalize_query(text), now or utcnow()
    row = _still_typing(session, user, normalized, now) or SearchQueryLog(text="", normalized="", user_id=user.id)
    row.sqlmodel_update(
        {
            "text": text[:500],
            "normalized": normalized,
            "lemma_key": group_key(text),
            "result_count": result_count,
            "shown": shown,
            "department_ids": sorted(department_ids),
            "created_at": now,
        }
    )
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


def _still_typing(session: Session, user: User, normalized: str, now: datetime) -> SearchQueryLog | None:
    """The person's last search when it was a moment ago, nothing of it was opened, and `normalized` continues it."""
    last = session.exec(
        select(SearchQueryLog)
        .where(col(SearchQueryLog.user_id) == user.id, col(SearchQueryLog.created_at) >= now - TYPING_WINDOW)
        .order_by(col(SearchQueryLog.id).desc())
        .limit(1)
    ).first()
    if last is None or last.clicked or last.normalized == normalized or not normalized.startswith(last.normalized):
        return None
    return last


def record_click(*, session: Session, user: User, log_id: int) -> None:
    """Note that the person opened a result of their own search (other ids are ignored)."""
    row = session.get(SearchQueryLog, log_id)
    if row is not None and row.user_id == user.id and not row.clicked:
        row.clicked = True
        session.add(row)
        session.commit()


@dataclass
class _Gap:
    """One group of queries' missed searches in a report's scope: how many, by whom (counted, never shown), and
    the forms they were typed in."""

    key: str
    searches: int = 0
    no_results: int = 0
    no_click: int = 0
    people: set[int] = field(default_factory=set)
    form_people: defaultdict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    form_searches: Counter[str] = field(default_factory=Counter)

    @property
    def query(self) -> str:
        """The form most people typed (then the most searched, the shortest)."""
        return min(self.form_searches, key=lambda f: (-len(self.form_people[f]), -self.form_searches[f], len(f), f))


def list_gaps(
    *,
    session: Session,
    settings: Settings,
    user: User,
    days: int = 30,
    department_id: int | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> list[SearchGapPublic]:
    """Top queries of the last `days` that found nothing or whose results nobody opened, searched in the
    departments `user` manages (admins: all) by at least `search_gap_min_people` people."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("Choose a period between 1 and {max} days.", max=MAX_DAYS)
    rows = _gaps(session, settings, user, days=days, department_id=department_id, now=now)[:limit]
    opened = session.exec(select(GuideRequest).where(col(GuideRequest.status) == GuideRequestStatus.open))
    requests = {group_key(g.query): g.id for g in sorted(opened, key=lambda g: -(g.id or 0))}
    return [
        SearchGapPublic(
            query=r.query,
            searches=r.searches,
            people=len(r.people),
            no_results=r.no_results,
            no_click=r.no_click,
            open_request_id=requests.get(r.key),
        )
        for r in rows
    ]


def may_add_synonyms(user: User) -> bool:
    """Whether the report offers `user` to make a query that found nothing a synonym (the synonyms page's rule)."""
    return user.is_manager


def report_departments(*, session: Session, user: User) -> list[int] | None:
    """The departments whose searches `user` sees on the gap report: the ones they manage, None for admins (all)."""
    if user.is_admin:
        return None
    return users_service.department_ids_of(session=session, user=user) if user.is_manager else []


def report_department_choices(*, session: Session, user: User) -> list[Department]:
    """The departments the gap report can be narrowed to (`report_departments`), in the list's order."""
    scope = report_departments(session=session, user=user)
    return [d for d in users_service.list_departments(session=session) if scope is None or d.id in scope]


def _gaps(
    session: Session,
    settings: Settings,
    user: User,
    *,
    days: int,
    department_id: int | None = None,
    now: datetime | None = None,
) -> list[_Gap]:
    """The report's rows, most searched first: only the log's last `search_log_days` days count."""
    since = (now or utcnow()) - timedelta(days=min(days, settings.search_log_days))
    scope = report_departments(session=session, user=user)
    wanted = {department_id} if department_id is not None else None
    gaps: dict[str, _Gap] = {}
    for key, normalized, searched_in, user_id, searches, no_results, no_click in session.exec(_missed_searches(since)):
        ids = set(json.loads(searched_in or "[]"))
        if (scope is not None and not ids & set(scope)) or (wanted is not None and not ids & wanted):
            continue
        gap = gaps.setdefault(key, _Gap(key))
        gap.searches += int(searches)
        gap.no_results += int(no_results or 0)
        gap.no_click += int(no_click or 0)
        gap.form_searches[normalized] += int(searches)
        if user_id is not None:
            gap.people.add(user_id)
            gap.form_people[normalized].add(user_id)
    shown = [g for g in gaps.values() if len(g.people) >= settings.search_gap_min_people]
    return sorted(shown, key=lambda g: (-g.searches, g.query))


def _missed_searches(since: datetime) -> Any:
    """Searches since `since` that showed nothing or whose results were not opened, counted by group, form,
    departments and person."""
    shown, clicked = col(SearchQueryLog.shown), col(SearchQueryLog.clicked)
    departments = cast(SearchQueryLog.department_ids, String)  # JSON has no equality in PostgreSQL: group its text
    return (
        sql_select(  # SQLAlchemy's own: SQLModel's select() is typed for at most four columns
            col(SearchQueryLog.lemma_key),
            col(SearchQueryLog.normalized),
            departments,
            col(SearchQueryLog.user_id),
            func.count(),
            func.sum(_as_int(shown.is_(False))),
            func.sum(_as_int(shown.is_(True) & clicked.is_(False))),
        )
        .where(col(SearchQueryLog.created_at) >= since, shown.is_(False) | clicked.is_(False))
        .group_by(
            col(SearchQueryLog.lemma_key), col(SearchQueryLog.normalized), departments, col(SearchQueryLog.user_id)
        )
    )


def _as_int(condition: Any) -> Any:
    return cast(condition, Integer)


def _visible_keys(session: Session, settings: Settings, user: User) -> set[str]:
    """The groups of queries on `user`'s gap report over the whole time the log keeps."""
    return {g.key for g in _gaps(session, settings, user, days=settings.search_log_days)}


def delete_old_searches(*, session: Session, now: datetime) -> int:
    """Delete the searches older than `search_log_days` (a daily job) and say how many."""
    cutoff = now - timedelta(days=get_settings().search_log_days)
    result = session.exec(delete(SearchQueryLog).where(col(SearchQueryLog.created_at) < cutoff))
    session.commit()
    return int(result.rowcount)


def create_guide_request(
    *, session: Session, settings: Settings, actor: User, query: str, owner_id: int, title: str = "", note: str = ""
) -> GuideRequest:
    """Turn a query on the actor's gap report into a "guide requested" task for `owner_id`, who is notified."""
    normalized = normalize_query(query)
    if not normalized:
        raise InvalidInput("Say which search the guide should answer.")
    if group_key(normalized) not in _visible_keys(session, settings, actor):
        raise InvalidInput("Request a guide for a search on your report of searches that found nothing.")
    owner = users_service.get_user_or_raise(session=session, user_id=owner_id)
    assert owner.id is not None  # read from the database
    title = nfc(title.strip()) or normalized
    if len(title) > 200 or len(note) > 2000:
        raise InvalidInput("The title or the note is too long.")
    request = GuideRequest(
        query=normalized, title=title, note=nfc(note.strip()), owner_id=owner.id, requested_by_id=actor.id
    )
    session.add(request)
    session.flush()
    notifications_service.notify(
        session=session,
        recipient_ids=[owner.id],
        kind="search.guide_requested",
        actor=actor,
        url=guide_editor_url(request),
        message="{actor} asks you to write a guide: «{title}».",
        params={"title": title},
    )
    session.commit()
    session.refresh(request)
    return request


def guide_editor_url(request: GuideRequest) -> str:
    """The knowledge-base editor for the guide a request asks for: its title filled in, its searchers counted."""
    return "/kb/new?" + urlencode({"title": request.title, "guide": request.id})


def list_guide_requests(
    *, session: Session, settings: Settings, user: User, status: str | None = None
) -> list[GuideRequest]:
    """Guide requests `user` may see, newest first: theirs (asked or owned) and those for queries on their gap
    report; admins see all."""
    query = select(GuideRequest).order_by(col(GuideRequest.id).desc())
    if status:
        query = query.where(col(GuideRequest.status) == status)
    if user.is_admin:
        return list(session.exec(query.limit(200)).all())
    keys = _visible_keys(session, settings, user)
    return [r for r in session.exec(query) if _may_see(user, r, keys)][:200]


def _may_see(user: User, request: GuideRequest, report_keys: set[str]) -> bool:
    """Whether `user` asked for or owns the request, or its query is on their gap report (`report_keys`)."""
    return user.id in (request.requested_by_id, request.owner_id) or group_key(request.query) in report_keys


def count_searchers(*, session: Session, settings: Settings, user: User, request_id: int) -> int | None:
    """How many people searched for what a guide request asks (never who) while the log keeps them; None when
    fewer than `search_gap_min_people`. 404 unless `user` may see the request."""
    request = get_guide_request_or_raise(session=session, request_id=request_id)
    if not user.is_admin and not _may_see(user, request, _visible_keys(session, settings, user)):
        raise NotFound("This guide request does not exist.")
    since = utcnow() - timedelta(days=settings.search_log_days)
    people = session.exec(
        select(func.count(func.distinct(SearchQueryLog.user_id))).where(
            SearchQueryLog.lemma_key == group_key(request.query), col(SearchQueryLog.created_at) >= since
        )
    ).one()
    return people if people >= settings.search_gap_min_people else None


def answer_slugs(*, session: Session, requests: list[GuideRequest]) -> dict[int, str]:
    """The address of the article that answered each closed request, by request id."""
    article_ids = {r.article_id for r in requests if r.article_id is not None}
    if not article_ids:
        return {}
    slugs = dict(session.exec(select(KbArticle.id, KbArticle.slug).where(col(KbArticle.id).in_(article_ids))).all())
    return {r.id: slugs[r.article_id] for r in requests if r.id is not None and r.article_id in slugs}


def get_guide_request_or_raise(*, session: Session, request_id: int) -> GuideRequest:
    """One guide request, or 404."""
    row = session.get(GuideRequest, request_id)
    if row is None:
        raise NotFound("This guide request does not exist.")
    return row


def _answers(request: GuideRequest, terms: set[str]) -> bool:
    wanted = query_terms(request.query)
    return bool(wanted) and all(t in terms for t in wanted)


def close_answered_requests(*, session: Session, article_id: int, actor: User | None = None, **_: Any) -> None:
    """An article was published: close the open requests it answers and tell those who searched."""
    article = session.get(KbArticle, article_id)
    revision = session.get(KbRevision, article.current_revision_id) if article and article.current_revision_id else None
    if article is None or revision is None:
        return
    open_requests = session.exec(select(GuideRequest).where(col(GuideRequest.status) == GuideRequestStatus.open)).all()
    terms = set(analyze(f"{revision.title}\n{revision.body}\n{' '.join(revision.tags)}"))
    for request in open_requests:
        if not _answers(request, terms):
            continue
        request.status, request.article_id, request.closed_at = GuideRequestStatus.closed, article_id, utcnow()
        session.add(request)
        _notify_searchers(session, request, article, actor)


def _notify_searchers(session: Session, request: GuideRequest, article: KbArticle, actor: User | None) -> None:
    assert article.id is not None  # read from the database
    searcher_ids = set(
        session.exec(
            select(SearchQueryLog.user_id).where(
                SearchQueryLog.lemma_key == group_key(request.query), col(SearchQueryLog.user_id).is_not(None)
            )
        ).all()
    )
    users = session.exec(select(User).where(col(User.id).in_(searcher_ids | {request.owner_id}))).all()
    source = SOURCES.get("article")
    readers = [
        u.id
        for u in users
        if u.id is not None and (source is None or article.id in source.readable_ids(session, u, [article.id]))
    ]
    notifications_service.notify(
        session=session,
        recipient_ids=readers,
        kind="search.guide_published",
        actor=actor,
        url=f"/kb/{article.slug}",
        message="The guide you searched for is published: «{title}».",
        params={"title": article.title, "query": request.query},
    )
