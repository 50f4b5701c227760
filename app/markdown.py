"""Markdown to safe HTML: markdown-it-py renders, nh3 (Ammonia) sanitizes. Every write path uses this."""

import re
from collections.abc import Callable
from html import unescape

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "mark",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "span": {"class"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    """Keep only harmless tags and attributes; links get rel="noopener nofollow"; no javascript: URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    )


def render_markdown(text: str, transform: Callable[[str], str] | None = None) -> str:
    """Render Markdown (raw HTML in the source is shown as text), let `transform` add links, then sanitize."""
    html = _md.render(text or "")
    if transform is not None:
        html = transform(html)
    return sanitize_html(html)


def plain_text(html: str) -> str:
    """The text of sanitized HTML, for search and previews: not HTML any more (`&lt;` is `<` again), so whoever
    shows it escapes it once."""
    return re.sub(r"\s+", " ", unescape(nh3.clean(html, tags=set()))).strip()
