"""What is already published that looks like patient data: `kolo scan` and the manager page check existing posts,
comments, events and article revisions (current and earlier) with the guard's own detector.

The content is walked in one fixed order (posts, comments, events, then article revisions, each by id), a chunk at a
time. The command walks it all; a page walks from a cursor until it has a page of suspects or has checked its
budget of texts, then hands back where to go on, so a page never waits for thousands of texts at once."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, true
from sqlmodel import Session, col, select

from app.models.feed import Comment, Event, Post
from app.models.kb import KbArticle, KbRevision
from app.models.users import User
from app.services import users as users_service
from app.services.patient_data import guard
from app.services.patient_data.detector import Detector, Finding

SOURCES = ("post", "comment", "event", "article_revision")
CHUNK = 200
PAGE_SUSPECTS = 20
PAGE_BUDGET = 1000  # texts one page checks at most: about a second with the detector at ~1 ms a text
SNIPPET_CONTEXT = 40
# Who may read what: each domain's read rule as SQL (on Post, on KbArticle), registered by app.wiring, because the
# domains call the guard and so cannot be imported from here.
ReadRule = Callable[[User, list[int]], ColumnElement[bool]]
READ_RULES: dict[str, ReadRule] = {}


def register_read_rule(table: str, rule: ReadRule) -> None:
    """Let the scan show a viewer only what `rule(viewer, their department ids)` lets them read ("post", "article")."""
    READ_RULES[table] = rule


@dataclass(frozen=True)
class Item:
    """One piece of published content as the scan reads it: its texts by field and where it is shown."""

    source: str
    id: int
    texts: dict[str, str]
    link: str
    written_at: datetime
    author_id: int | None
    title: str = ""


@dataclass(frozen=True)
class Suspect:
    """An item with findings: their kinds, and for each field a short snippet around them, the findings marked."""

    item: Item
    kinds: list[str]
    snippets: list[tuple[str, list[tuple[str, str | None]]]]

    @property
    def text(self) -> str:
        """The snippets as plain text, each finding in [brackets] (for the command line)."""
        return " … ".join("".join(f"[{p}]" if kind else p for p, kind in pieces) for _, pieces in self.snippets)


@dataclass
class ScanResult:
    """What one walk found: the suspects, how many items it checked, and where a next walk goes on (None: done)."""

    suspects: list[Suspect] = field(default_factory=list)
    checked: int = 0
    next_position: tuple[str, int] | None = None
    authors: dict[int, str] = field(default_factory=dict)  # the suspects' authors' names, by id (scan_page)


def _post_clause(viewer: User | None, session: Session) -> ColumnElement[bool]:
    alive = col(Post.deleted_at).is_(None)
    if viewer is None:
        return alive
    return alive & READ_RULES["post"](viewer, users_service.department_ids_of(session=session, user=viewer))


def _article_clause(viewer: User | None, session: Session) -> ColumnElement[bool]:
    if viewer is None:
        return true()
    return READ_RULES["article"](viewer, users_service.department_ids_of(session=session, user=viewer))


def _posts(session: Session, viewer: User | None, after: int) -> list[Item]:
    query = select(Post).where(col(Post.id) > after, _post_clause(viewer, session)).order_by(col(Post.id))
    return [
        Item("post", p.id or 0, {"body": p.body}, f"/posts/{p.id}", p.created_at, p.author_id)
        for p in session.exec(query.limit(CHUNK))
    ]


def _comments(session: Session, viewer: User | None, after: int) -> list[Item]:
    query = (
        select(Comment)
        .join(Post, col(Post.id) == col(Comment.post_id))
        .where(col(Comment.id) > after, col(Comment.deleted_at).is_(None), _post_clause(viewer, session))
        .order_by(col(Comment.id))
    )
    return [
        Item("comment", c.id or 0, {"body": c.body}, f"/posts/{c.post_id}#comment-{c.id}", c.created_at, c.author_id)
        for c in session.exec(query.limit(CHUNK))
    ]


def _events(session: Session, viewer: User | None, after: int) -> list[Item]:
    query = (
        select(Event, Post.author_id, Post.created_at)
        .join(Post, col(Post.id) == col(Event.post_id))
        .where(col(Event.id) > after, _post_clause(viewer, session))
        .order_by(col(Event.id))
    )
    return [
        Item("event", e.id or 0, {"title": e.title, "place": e.place}, f"/events/{e.id}", at, author, e.title)
        for e, author, at in session.exec(query.limit(CHUNK))
    ]


def _revisions(session: Session, viewer: User | None, after: int) -> list[Item]:
    query = (
        select(KbRevision, KbArticle.slug)
        .join(KbArticle, col(KbArticle.id) == col(KbRevision.article_id))
        .where(col(KbRevision.id) > after, _article_clause(viewer, session))
        .order_by(col(KbRevision.id))
    )
    return [
        Item(
            "article_revision",
            r.id or 0,
            {"title": r.title, "body": r.body},
            f"/kb/{slug}/revisions/{r.id}",
            r.created_at,
            r.author_id,
            r.title,
        )
        for r, slug in session.exec(query.limit(CHUNK))
    ]


LOADERS: dict[str, Callable[[Session, User | None, int], list[Item]]] = {
    "post": _posts,
    "comment": _comments,
    "event": _events,
    "article_revision": _revisions,
}


def _items(session: Session, viewer: User | None, start: tuple[str, int]) -> Iterator[Item]:
    """Every item from `start` (the position after which to go on) in the scan's order, a chunk at a time."""
    source, after = start
    for name in SOURCES[SOURCES.index(source) :]:
        while chunk := LOADERS[name](session, viewer, after):
            yield from chunk
            after = chunk[-1].id
        after = 0


def snippet(text: str, findings: Sequence[Finding], context: int = SNIPPET_CONTEXT) -> list[tuple[str, str | None]]:
    """The text around the findings, cut into (piece, kind or None); far-apart findings are joined by "…"."""
    pieces: list[tuple[str, str | None]] = []
    at = None
    for finding in findings:
        begin = max(0, finding.start - context)
        if at is None or begin > at + context:
            if at is not None:
                pieces.append((text[at : min(len(text), at + context)] + " … ", None))
            pieces.append((("…" if begin else "") + text[begin : finding.start], None))
        else:
            pieces.append((text[at : finding.start], None))
        pieces.append((text[finding.start : finding.end], finding.kind))
        at = finding.end
    if at is not None:
        end = min(len(text), at + context)
        pieces.append((text[at:end] + ("…" if end < len(text) else ""), None))
    return [(" ".join(p.split("\n")), kind) for p, kind in pieces if p]


def check(detector: Detector, item: Item) -> Suspect | None:
    """The item as a suspect when any of its texts has findings."""
    snippets, kinds = [], []
    for name, text in item.texts.items():
        findings = detector.find(text) if text else []
        if findings:
            snippets.append((name, snippet(text, findings)))
            kinds += [f.kind for f in findings]
    return Suspect(item, list(dict.fromkeys(kinds)), snippets) if snippets else None


def scan(
    *,
    session: Session,
    viewer: User | None,
    start: tuple[str, int] = (SOURCES[0], 0),
    want: int | None = None,
    budget: int | None = None,
) -> ScanResult:
    """Check content after `start` that `viewer` may read (None: all of it, for the command line): everything, or
    until `want` suspects are found or `budget` items are checked; the result says where to go on."""
    detector = guard.detector(session)
    result = ScanResult()
    for item in _items(session, viewer, start):
        result.checked += 1
        if (suspect := check(detector, item)) is not None:
            result.suspects.append(suspect)
        if (want is not None and len(result.suspects) >= want) or (budget is not None and result.checked >= budget):
            result.next_position = (item.source, item.id)
            break
    return result


def scan_page(*, session: Session, viewer: User, start: tuple[str, int] = (SOURCES[0], 0)) -> ScanResult:
    """One page of the manager's scan: up to a page of suspects, checking at most the page's budget of items."""
    if start[0] not in SOURCES:
        start = (SOURCES[0], 0)
    result = scan(session=session, viewer=viewer, start=start, want=PAGE_SUSPECTS, budget=PAGE_BUDGET)
    if ids := {s.item.author_id for s in result.suspects if s.item.author_id}:
        people = session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all()
        result.authors = {user_id: name for user_id, name in people if user_id is not None}
    return result
