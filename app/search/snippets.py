"""Search hits as displayed: titles and snippets HTML-escaped, matched words in <mark>."""

from __future__ import annotations

import html
from dataclasses import dataclass

from whoosh import highlight
from whoosh.searching import Results

SNIPPET_CHARS = 200
# Snippets come from the first 4,000 characters: highlighting re-analyzes the stored text
# of every hit shown (a fifth of a query's time at 100k documents).
HIGHLIGHT_CHARLIMIT = 4_000


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result, ready to display."""

    key: str
    kind: str
    score: float
    title_html: str
    snippet_html: str
    url: str = ""


class MarkFormatter(highlight.Formatter):
    """Escape all text; wrap matched terms in <mark>."""

    between = "…"

    def _text(self, text: str) -> str:
        return html.escape(text, quote=True)

    def format_token(self, text: str, token: object, replace: bool = False) -> str:
        """Return one matched token wrapped in <mark>."""
        return "<mark>" + self._text(highlight.get_text(text, token, replace)) + "</mark>"


def page_hits(results: Results, offset: int, limit: int) -> list[Hit]:
    """The hits of one page with highlighted titles and snippets (only these are highlighted)."""
    body_hl = highlight.Highlighter(
        fragmenter=highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=50,
                                               charlimit=HIGHLIGHT_CHARLIMIT),
        formatter=MarkFormatter(), order=highlight.SCORE)
    title_hl = highlight.Highlighter(fragmenter=highlight.WholeFragmenter(),
                                     formatter=MarkFormatter())
    hits = []
    for hit in results[offset:offset + limit]:
        stored = hit.fields()
        title = stored.get("title", "")
        body = stored.get("body", "")
        title_html = title_hl.highlight_hit(hit, "title", text=title, top=1, minscore=1)
        snippet = body_hl.highlight_hit(hit, "body", text=body, top=2, minscore=1)
        hits.append(Hit(
            key=stored["key"],
            kind=stored.get("kind", ""),
            score=float(hit.score or 0.0),
            title_html=title_html or html.escape(title),
            snippet_html=snippet or _lead(body),
            url=stored.get("url", ""),
        ))
    return hits


def _lead(body: str) -> str:
    text = " ".join(body[: SNIPPET_CHARS * 2].split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    return html.escape(text)
