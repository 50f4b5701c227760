"""Search hits as a reader gets them: only what each Source confirms they may read now, in ranked order, with who
wrote (or owns) each, when, for which departments, and a thread's best matching comment under its post.

Names come from the database, not the index, so a renamed colleague or department reads right at once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape

from sqlmodel import Session, col, select

from app.models.users import Department, User
from app.search.query import QueryResult
from app.search.snippets import Hit
from app.search.sources import SOURCES


@dataclass(frozen=True, slots=True)
class SearchComment:
    """The best matching comment under a post that is a hit; `snippet` escaped, matches in <mark>."""

    id: int
    snippet: str
    author_id: int | None
    author: str
    date: datetime | None
    url: str


@dataclass(frozen=True, slots=True)
class SearchItem:
    """One result the caller may read; title_html and snippet are escaped, matches in <mark>. `comments`: how many
    of a post's comments match (the best one is `comment`, when the caller may read it)."""

    type: str
    id: int
    title: str
    title_html: str
    url: str
    snippet: str
    score: float
    author_id: int | None = None
    author: str = ""
    date: datetime | None = None
    department_ids: list[int] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    comments: int = 0
    comment: SearchComment | None = None


def readable_items(*, session: Session, user: User, result: QueryResult) -> list[SearchItem]:
    """The hits, in ranked order, that each Source confirms the user may read now (a comment shown under its post
    only when the user may read that comment too)."""
    replies = [hit.reply for hit in result.hits if hit.reply is not None]
    readable = _readable(session, user, [hit.key for hit in result.hits] + [reply.key for reply in replies])
    hits = [hit for hit in result.hits if _parse(hit.key) in readable]
    names = _names(session, User, {_number(h.author_id) for h in hits} | {_number(r.author_id) for r in replies})
    departments = _names(session, Department, {_number(d) for h in hits for d in h.department_ids})
    return [_item(hit, readable, names, departments) for hit in hits]


def _item(hit: Hit, readable: set[tuple[str, int]], names: dict[int, str], departments: dict[int, str]) -> SearchItem:
    kind, number = _parse(hit.key) or ("", 0)
    author_id = _number(hit.author_id)
    department_ids = [d for d in (_number(raw) for raw in hit.department_ids) if d in departments]
    reply = hit.reply
    comment = None
    if reply is not None and _parse(reply.key) in readable:
        reply_author = _number(reply.author_id)
        comment = SearchComment(
            id=(_parse(reply.key) or ("", 0))[1],
            snippet=reply.snippet_html,
            author_id=reply_author,
            author=names.get(reply_author or 0, ""),
            date=_aware(reply.created_at),
            url=reply.url,
        )
    return SearchItem(
        type=kind,
        id=number,
        title=_unmark(hit.title_html),
        title_html=hit.title_html,
        url=hit.url,
        snippet=hit.snippet_html,
        score=round(hit.score, 4),
        author_id=author_id,
        author=names.get(author_id or 0, ""),
        date=_aware(hit.created_at),
        department_ids=department_ids,
        departments=[departments[d] for d in department_ids],
        comments=reply.count if comment is not None and reply is not None else 0,
        comment=comment,
    )


def _readable(session: Session, user: User, keys: list[str]) -> set[tuple[str, int]]:
    """The (kind, id) of `keys` that their Source says the user may read now."""
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for key in keys:
        parsed = _parse(key)
        if parsed is not None and parsed[0] in SOURCES:
            ids_by_kind[parsed[0]].append(parsed[1])
    return {(kind, i) for kind, ids in ids_by_kind.items() for i in SOURCES[kind].readable_ids(session, user, ids)}


def _names(session: Session, model: type[User] | type[Department], ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    rows = session.exec(select(model.id, model.name).where(col(model.id).in_(wanted))).all()
    return {i: name for i, name in rows if i is not None}


def _parse(key: str) -> tuple[str, int] | None:
    kind, _, raw = key.partition(":")
    return (kind, int(raw)) if raw.isdigit() else None


def _number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def _aware(value: datetime | None) -> datetime | None:
    # the index keeps naive UTC (Whoosh cannot store an offset)
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _unmark(title_html: str) -> str:
    return unescape(title_html.replace("<mark>", "").replace("</mark>", ""))
