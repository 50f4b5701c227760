"""What a browser would run in a page: XSS tests assert that none of it came from what people typed."""

from html.parser import HTMLParser


class ActiveMarkup(HTMLParser):
    """Collects what a browser would run: scripts other than Kolo's own, frames, styles, handlers, js: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not ("nonce" in values and "/static/" in (values.get("src") or "")):
            self.found.append("script")
        if tag in ("iframe", "style", "object", "embed") or (tag == "svg" and values.get("class") != "bell-icon"):
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
