"""Forms as a browser sees them: a page's forms with their default values, and submitting one of them with the
fields (and the CSRF token) the page itself rendered — never a token taken from another form or set by the test."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from fastapi.testclient import TestClient
from httpx import Response


@dataclass
class Form:
    """One `<form>`: where it goes, how, and what a browser would send if nobody touched it."""

    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    submittable: bool = False  # a submit button, or a text field where Enter submits


class _FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: dict[str, Any] | None = None  # the open <select>: its field's index, selected and first value

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page_path, a["href"]).split("#")[0])
        elif tag == "form":
            self._form = Form(
                method=(a.get("method") or "get").lower(),
                action=urljoin(self.page_path, a.get("action") or self.page_path),
            )
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea", "button"):
            self._field(tag, a)
        elif tag == "option" and self._select is not None:
            self._select.setdefault("first", a.get("value", ""))
            if "selected" in a:
                self._select["chosen"] = a.get("value", "")

    def _field(self, tag: str, a: dict[str, str]) -> None:
        assert self._form is not None
        kind = a.get("type", "").lower()
        if (tag == "button" and kind in ("", "submit")) or kind in ("submit", "image", "text", "search"):
            self._form.submittable = True
        name = a.get("name")
        if not name or tag == "button" or kind in ("submit", "image", "reset", "file") or "disabled" in a:
            return
        if tag == "select":
            self._select = {"index": len(self._form.fields)}
            self._form.fields.append((name, ""))  # its value is known when the select ends
        elif kind not in ("checkbox", "radio") or "checked" in a:
            self._form.fields.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))

    def handle_data(self, data: str) -> None:
        if self._form is not None and self.lasttag == "textarea" and self._form.fields:
            name, value = self._form.fields[-1]
            self._form.fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            index = self._select["index"]
            value = self._select.get("chosen", self._select.get("first", ""))
            self._form.fields[index] = (self._form.fields[index][0], value)
            self._select = None


def parse(html: str, page_path: str = "/") -> tuple[list[Form], list[str]]:
    """The page's forms (with defaults) and the absolute paths of its links."""
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms, parser.links


def find_form(html: str, action: str, page_path: str = "/") -> Form:
    """The form on the page that sends to `action` (a path); fails the test when the page has none."""
    forms, _ = parse(html, page_path)
    for form in forms:
        if form.action.split("?")[0] == action:
            return form
    raise AssertionError(f"{page_path} has no form sending to {action}; it has {[f.action for f in forms]}")


def submit(
    client: TestClient,
    page_path: str,
    action: str,
    data: dict[str, Any] | None = None,
    files: dict[str, Any] | None = None,
    **options: Any,
) -> Response:
    """Open `page_path`, fill the form that sends to `action` with `data` over its defaults, and send it.

    A value in `data` replaces every default of that name (a list gives several values, as checkboxes do)."""
    page = client.get(page_path)
    assert page.status_code == 200, f"GET {page_path}: {page.status_code}"
    return send(client, find_form(page.text, action, page_path), data, files, **options)


def send(
    client: TestClient,
    form: Form,
    data: dict[str, Any] | None = None,
    files: dict[str, Any] | None = None,
    to: str | None = None,
    **options: Any,
) -> Response:
    """Send a form found earlier (a page left open while others change things) with `data` over its defaults.

    `to` sends the form's fields elsewhere, as htmx does for an element with its own `hx-post` inside the form."""
    overrides = data or {}
    fields = [(name, value) for name, value in form.fields if name not in overrides]
    for name, value in overrides.items():
        fields.extend((name, str(v)) for v in (value if isinstance(value, list) else [value]))
    if form.method == "get":
        return client.get(to or form.action, params=fields, **options)
    body: dict[str, Any] = {}
    for name, value in fields:
        body.setdefault(name, []).append(value)
    return client.post(
        to or form.action, data={k: v if len(v) > 1 else v[0] for k, v in body.items()}, files=files, **options
    )
