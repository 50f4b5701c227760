"""Article text: Markdown with [[slug]] links, the links it makes, and readable diffs."""

import difflib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.markdown import render_markdown
from app.models.kb import KbArticle
from app.models.users import User
from app.services import users as users_service
from app.services.kb import access

WIKILINK = re.compile(r"\[\[([a-z0-9][a-z0-9-]{0,119})(?:\|([^\]\n]{1,200}))?\]\]")
KB_HREF = re.compile(r"""\]\(\s*(?:https?://[^/\s)]+)?/kb/([a-z0-9][a-z0-9-]{0,119})/?[)#?\s]""")
HTML_WIKILINK = re.compile(r"\[\[([a-z0-9][a-z0-9-]{0,119})(?:\|([^\]<]{1,400}))?\]\]")


def linked_slugs(body: str) -> set[str]:
    """The slugs a text links to: [[slug]], [[slug|text]] and ordinary links to /kb/slug."""
    return {m.group(1) for m in WIKILINK.finditer(body)} | {m.group(1) for m in KB_HREF.finditer(body)}


def titles_for(*, session: Session, user: User, slugs: set[str]) -> dict[str, str]:
    """Titles of the articles with these slugs that the user may read, in one query."""
    if not slugs:
        return {}
    departments = users_service.department_ids_of(session=session, user=user)
    rows = session.exec(
        select(KbArticle.slug, KbArticle.title).where(
            col(KbArticle.slug).in_(slugs), access.readable_clause(user=user, user_departments=departments)
        )
    )
    return dict(rows.all())


def render_body(*, session: Session, user: User, body: str) -> str:
    """Sanitized HTML of an article for this reader: [[slug]] links to an article they may read, titled with its
    title; any other [[slug]] is plain text, the same whether that article exists or not. Never shared between
    readers."""
    titles = titles_for(session=session, user=user, slugs={m.group(1) for m in WIKILINK.finditer(body)})

    def link(match: re.Match[str]) -> str:
        slug, label = match.group(1), match.group(2)
        # The HTML is already escaped by the renderer; titles from the database are escaped here.
        if slug not in titles:
            return f'<span class="wikilink missing">{label or slug}</span>'
        return f'<a href="/kb/{slug}" class="wikilink">{label or html.escape(titles[slug])}</a>'

    return render_markdown(body, lambda rendered: HTML_WIKILINK.sub(link, rendered))


@dataclass(frozen=True)
class DiffLine:
    op: str  # "equal", "delete", "insert", "skip"
    old_number: int | None
    new_number: int | None
    text: str


def diff_lines(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """A line diff with `context` unchanged lines around each change; text stays plain (escaped on display)."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for index, group in enumerate(difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context)):
        if index:
            lines.append(DiffLine("skip", None, None, "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("equal", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
                continue
            lines += [DiffLine("delete", i + 1, None, a[i]) for i in range(i1, i2)]
            lines += [DiffLine("insert", None, j + 1, b[j]) for j in range(j1, j2)]
    return lines


@dataclass(frozen=True)
class Passage:
    op: str  # "equal", "insert" (added), "replace" (changed) or "delete" (removed)
    html: str  # the passage as it reads now (empty when removed)
    was: str  # its earlier Markdown text, plain (for changed and removed passages)


def split_blocks(text: str) -> list[str]:
    """The text's passages: blocks between blank lines, a fenced code block kept whole."""
    blocks: list[str] = []
    current: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                blocks.append("\n".join(current))
            current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def marked_passages(*, session: Session, user: User, old: str, new: str) -> list[Passage]:
    """The new text, passage by passage, with what was added, changed or removed since the old one marked."""
    a, b = split_blocks(old), split_blocks(new)
    norm = [" ".join(x.split()) for x in a], [" ".join(x.split()) for x in b]
    passages: list[Passage] = []

    def show(op: str, blocks: list[str], was: str = "") -> None:
        passages.append(Passage(op, render_body(session=session, user=user, body="\n\n".join(blocks)), was))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, *norm, autojunk=False).get_opcodes():
        if tag == "equal":
            show("equal", b[j1:j2])
        elif tag == "insert":
            show("insert", b[j1:j2])
        elif tag == "delete":
            passages += [Passage("delete", "", old_block) for old_block in a[i1:i2]]
        else:
            _pair(a[i1:i2], b[j1:j2], show, passages)
    return passages


def _pair(old: list[str], new: list[str], show: Callable[..., None], passages: list[Passage]) -> None:
    """Passages replaced by others: a new one much like an old one is that one changed, the others are added or
    removed."""
    k = 0
    for block in new:
        ratios = [difflib.SequenceMatcher(None, o, block).ratio() for o in old[k:]]
        best = max(range(len(ratios)), key=ratios.__getitem__, default=None)
        if best is None or ratios[best] < 0.5:
            show("insert", [block])
            continue
        passages += [Passage("delete", "", o) for o in old[k : k + best]]
        show("replace", [block], old[k + best])
        k += best + 1
    passages += [Passage("delete", "", o) for o in old[k:]]
