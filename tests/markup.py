"""What a browser would run in a page: XSS tests assert that none of it came from what people typed."""

import re
from html.parser import HTMLParser

KOLO_ICONS = ("icon", "nav-icon", "bell-icon")  # the classes of the page's own <svg> icons; no user text has one


class ActiveMarkup(HTMLParser):
    """Collects what a browser would run: scripts other than Kolo's own, frames, styles, handlers, js: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        own_script = "nonce" in values and (
            "/static/" in (values.get("src") or "") or values.get("type") == "application/json"  # a file or data
        )
        if tag == "script" and not own_script:
            self.found.append("script")
        if tag in ("iframe", "style", "object", "embed") or (tag == "svg" and values.get("class") not in KOLO_ICONS):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(name)
            if name in ("href", "src") and (value or "").replace("\t", "").strip().lower().startswith("javascript:"):
                self.found.append(f"{name}=javascript:")


def assert_no_active_markup(text: str) -> None:
    """The text holds nothing a browser would run."""
    parser = ActiveMarkup()
    parser.feed(text)
    assert parser.found == []


def flash_text(html: str) -> str:
    """What the page's #flash region says."""
    found = re.search(r'<div id="flash"[^>]*>(.*?)</div>', html, re.S)
    assert found, "the page has no #flash region"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()
