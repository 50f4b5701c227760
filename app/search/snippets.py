"""Search hits as displayed: titles and snippets HTML-escaped, matched words in <mark>.

Only the hits shown are highlighted. Their stored text is cut into words with the index's own
token pattern; each distinct word is analyzed once (cached: its surface form, lemmas or stem)
and marked when it shares a term with the query. The snippet is the SNIPPET_CHARS-long passage
holding the most distinct query terms. Whoosh's highlighter re-ran the whole analyzer and its
fragment scorer on every hit: a fifth of a query's time at 100k documents.

A thread is one hit (engine.Matches): its head (a post) with its title, and its snippet when it matched itself; under
it, how many of its other documents (comments) matched and the best one's snippet and author (`Reply`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from whoosh.query import Query
from whoosh.searching import Searcher

from app.search.analysis import TOKEN_PATTERN, analyze
from app.search.engine import Matches

SNIPPET_CHARS = 200
CONTEXT_CHARS = 40  # shown before the passage's first match
HIGHLIGHT_CHARLIMIT = 20_000  # a match further into a long text is not looked for
MAX_PASSAGE_STARTS = 100  # passages considered: one starting at each of the first matches
_TOKEN_RE = re.compile(TOKEN_PATTERN)
_SPACES_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Reply:
    """The best matching document under a thread's head (a comment under its post) and how many of them match."""

    key: str
    snippet_html: str
    author_id: str
    created_at: datetime | None
    url: str
    count: int


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result, ready to display: who wrote (or owns) it, when and for which departments as indexed."""

    key: str
    kind: str
    score: float
    title_html: str
    snippet_html: str
    url: str = ""
    author_id: str = ""
    department_ids: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    reply: Reply | None = None


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> frozenset[str]:
    """The index terms one written word produces (surface form plus lemmas, or its stem)."""
    return frozenset(analyze(word))


def query_terms(query: Query, fieldname: str) -> frozenset[str]:
    """The terms `query` looks for in one field (phrase words and fuzzy expansions included)."""
    return frozenset(text for name, text in query.iter_all_terms(phrases=True) if name == fieldname)


def matches(text: str, terms: frozenset[str]) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, terms) of every word of `text` (up to HIGHLIGHT_CHARLIMIT) that the query matches."""
    found = []
    if terms:
        for m in _TOKEN_RE.finditer(text, 0, HIGHLIGHT_CHARLIMIT):
            shared = word_terms(m.group()) & terms
            if shared:
                found.append((m.start(), m.end(), shared))
    return found


def mark(text: str, spans: Iterable[tuple[int, int, frozenset[str]]], start: int = 0, end: int | None = None) -> str:
    """`text[start:end]` escaped, whitespace runs squeezed, the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    pieces, position = [], start
    for s, e, _ in spans:
        if s >= start and e <= end:
            pieces.append(_plain(text[position:s]) + "<mark>" + html.escape(text[s:e], quote=True) + "</mark>")
            position = e
    pieces.append(_plain(text[position:end]))
    return "".join(pieces)


def best_passage(text: str, spans: list[tuple[int, int, frozenset[str]]]) -> str:
    """The SNIPPET_CHARS-long passage with the most distinct matched terms (the earliest on a tie)."""
    best, best_score = 0, (-1, 0)
    for i, (first, _, _) in enumerate(spans[:MAX_PASSAGE_STARTS]):
        inside = [terms for s, e, terms in spans[i:] if e <= first + SNIPPET_CHARS - CONTEXT_CHARS]
        score = (len(frozenset().union(*inside)), len(inside))
        if score > best_score:
            best, best_score = i, score
    first = spans[best][0]
    start = 0 if first <= CONTEXT_CHARS else min(_word_start(text, first - CONTEXT_CHARS), first)
    end = _word_end(text, start + SNIPPET_CHARS)
    # Trailing punctuation goes before escaping: after it, a ";" may end an entity such as "&gt;".
    shown = start + len(text[start:end].rstrip().rstrip(",;:—-").rstrip())
    passage = mark(text, spans, start, shown).strip()
    if end < len(text):  # more follows: an ellipsis, spaced after a finished sentence
        passage += " …" if passage.endswith((".", "!", "?")) else "…"
    return ("…" if start else "") + passage


def page_hits(
    searcher: Searcher, query: Query, page: list[tuple[int, float]], threads: Matches | None = None
) -> list[Hit]:
    """The (document number, score) hits of one page with highlighted titles and snippets; with `threads` (the
    query's matches), each thread as its head with its best matching reply."""
    title_terms, body_terms = query_terms(query, "title"), query_terms(query, "body")
    hits = []
    for docnum, score in page:
        stored = searcher.stored_fields(docnum)
        members = threads.members(docnum) if threads is not None else [(docnum, score)]
        head = stored.get("thread") or stored["key"]
        head_docnum = docnum if head == stored["key"] else searcher.document_number(key=head)
        shown = stored if head_docnum in (None, docnum) else searcher.stored_fields(head_docnum)
        replies = [d for d, _ in members if d != head_docnum] if head_docnum is not None else []
        body, title = shown.get("body", ""), shown.get("title", "")
        itself = head_docnum is None or any(d == head_docnum for d, _ in members)  # the head matched, not only replies
        body_spans = matches(body, body_terms) if itself else []
        lead = _lead(body) if itself or not replies else ""
        hits.append(
            Hit(
                key=shown["key"],
                kind=shown.get("kind", ""),
                score=score,
                title_html=mark(title, matches(title, title_terms)),
                snippet_html=best_passage(body, body_spans) if body_spans else lead,
                url=shown.get("url", ""),
                author_id=shown.get("author_id", ""),
                department_ids=[d for d in shown.get("department_ids", "").split(",") if d],
                created_at=shown.get("created_at"),
                reply=_reply(searcher.stored_fields(replies[0]), body_terms, len(replies)) if replies else None,
            )
        )
    return hits


def _reply(stored: dict[str, Any], body_terms: frozenset[str], count: int) -> Reply:
    body = stored.get("body", "")
    spans = matches(body, body_terms)
    return Reply(
        key=stored["key"],
        snippet_html=best_passage(body, spans) if spans else _lead(body),
        author_id=stored.get("author_id", ""),
        created_at=stored.get("created_at"),
        url=stored.get("url", ""),
        count=count,
    )


def _plain(text: str) -> str:
    return html.escape(_SPACES_RE.sub(" ", text), quote=True)


def _word_start(text: str, position: int) -> int:
    """The start of the first whole word at or after `position`."""
    space = text.find(" ", position)
    return position if space == -1 else space + 1


def _word_end(text: str, position: int) -> int:
    """`position` moved back to the end of a whole word (the text's end when it is shorter)."""
    if position >= len(text):
        return len(text)
    space = text.rfind(" ", 0, position)
    return position if space <= 0 else space


def _lead(body: str) -> str:
    text = " ".join(body[: SNIPPET_CHARS * 2].split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    return html.escape(text)
