"""Post and comment text: #tags and @mentions found in Markdown and turned into links."""

import re
from collections.abc import Iterable
from urllib.parse import quote

from markupsafe import escape
from sqlmodel import Session, col, select

from app.errors import InvalidInput
from app.markdown import render_markdown
from app.models.feed import MAX_BODY, MAX_TAGS
from app.models.users import User
from app.text import APOSTROPHES, nfc, normalize_tag

# An apostrophe inside a word belongs to the tag, whichever a keyboard typed: #здоров’я, #перев'язка, #м`ята.
TAG_RE = re.compile(rf"(?<![\w&/#])#(\w(?:[\w-]|[{APOSTROPHES}](?=\w)){{0,39}})")
MENTION_RE = re.compile(r"(?<![\w@./])@([a-z0-9][a-z0-9._-]{1,39})", re.IGNORECASE)
# Any @word, Cyrillic too, as a reader sees one: what matches nobody is marked so, not passed off as a mention.
AT_WORD_RE = re.compile(r"(?<![\w@./&])@(\w[\w.-]{0,39})")
HTML_SPLIT = re.compile(r"(<[^>]*>)")
NO_LINKS_INSIDE = ("a", "code", "pre")


def clean_body(body: str) -> str:
    """The text as stored: NFC, trimmed; empty or overlong text is refused."""
    text = nfc(body or "").strip()
    if not text:
        raise InvalidInput("Write something first: the text is empty.")
    if len(text) > MAX_BODY:
        raise InvalidInput(
            "The text is too long: {length} characters, at most {limit}.", length=len(text), limit=MAX_BODY
        )
    return text


def collect_tags(body: str, explicit: Iterable[str]) -> list[str]:
    """Explicit tags plus the #tags in the text, without duplicates, in order."""
    found = [normalize_tag(t) for t in explicit] + [normalize_tag(m) for m in TAG_RE.findall(_outside_code(body))]
    tags = list(dict.fromkeys(t for t in found if t))
    if len(tags) > MAX_TAGS:
        raise InvalidInput("A post can have at most {limit} tags.", limit=MAX_TAGS)
    return tags


def inline_tags(body: str) -> set[str]:
    """The tags written as #tags in the text (outside code), normalized."""
    return {normalize_tag(m) for m in TAG_RE.findall(_outside_code(body))}


def mentioned_users(*, session: Session, body: str) -> list[User]:
    """Active people whose @handle appears in the text."""
    handles = {h.lower().rstrip(".") for h in MENTION_RE.findall(_outside_code(body))}
    if not handles:
        return []
    return list(session.exec(select(User).where(col(User.handle).in_(handles), User.is_active)).all())


def render(body: str, handles: Iterable[str]) -> str:
    """Sanitized HTML of the text, with #tags linked to the feed filter, known @handles to the author filter and
    an @word that is nobody's handle marked `mention-unknown` (the reader sees it points at no one)."""
    known = {h.lower() for h in handles}

    def link_words(text: str) -> str:
        text = TAG_RE.sub(lambda m: f'<a href="/?tag={quote(normalize_tag(m[1]))}" class="tag">#{m[1]}</a>', text)

        def mention(m: re.Match[str]) -> str:
            word = m[1].rstrip(".-")
            rest = m[1][len(word) :]  # a full stop after a handle ends the sentence, not the handle
            if word.lower() in known:
                return f'<a href="/?author={quote(word.lower())}" class="mention">@{escape(word)}</a>{rest}'
            if not any(char.isalpha() for char in word):  # "@15" is a time or a number, not a person
                return m[0]
            return f'<span class="mention-unknown">@{escape(word)}</span>{rest}'

        return AT_WORD_RE.sub(mention, text)

    def transform(html: str) -> str:
        parts, depth = [], 0
        for piece in HTML_SPLIT.split(html):
            if piece.startswith("<"):
                name = piece.strip("</>").split()[0].lower() if piece.strip("</>") else ""
                if name in NO_LINKS_INSIDE:
                    depth += -1 if piece.startswith("</") else 1
                parts.append(piece)
            else:
                parts.append(piece if depth > 0 else link_words(piece))
        return "".join(parts)

    return render_markdown(body, transform)


def _outside_code(body: str) -> str:
    without_fences = re.sub(r"```.*?```", " ", body, flags=re.DOTALL)
    return re.sub(r"`[^`]*`", " ", without_fences)
