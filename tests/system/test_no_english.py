"""No English is left in the Ukrainian interface: every page (each GET page route, its path filled from the demo
content), as the admin, a manager, a nurse and a new hire, shows no Latin-only word outside what people typed (names,
titles, handles), links, code and a short list of names that are Latin in Ukrainian too (Chrome, PDF, API…)."""

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import String, Text
from sqlalchemy import select as select_columns
from sqlmodel import Session, SQLModel, col, select

from app.demo import DEMO_PASSWORD, load_demo
from app.i18n_extract import extract_catalog
from app.models.feed import Event, Post
from app.models.kb import KbArticle, KbRevision
from app.models.onboarding import Checklist, OnboardingAssignment
from app.models.users import User
from tests.forms import submit

PEOPLE = ("admin@kolo.local", "manager@kolo.local", "nurse@kolo.local", "newhire@kolo.local")

# Latin words a Ukrainian interface keeps: product and format names, and units.
ALLOWED = {
    *("API", "CSV", "PDF", "ZIP", "JSON", "HTML", "URL", "ICS", "SSO", "Markdown", "OpenAPI", "Swagger", "ID"),
    *("Chrome", "Firefox", "Safari", "Edge", "Opera", "Android", "iPhone", "iPad", "Windows", "macOS", "Linux"),
    *("Bearer", "Authorization", "curl", "GET", "POST", "UTC", "MB", "KB", "GB", "htmx", "TLS", "Excel", "Outlook"),
    *("Google", "Apple", "Calendar", "JPG", "JPEG", "PNG", "DOCX", "XLSX", "TXT", "English"),
    "testclient",  # the test client's device and address on the sessions list
}
# Column names that hold codes, not words people typed (their values do not count as content).
TECHNICAL_COLUMNS = {
    *("action", "kind", "role", "status", "language", "timezone", "format", "type", "target_type", "op", "key"),
    *("content_type", "change_state", "state", "ip", "user_agent", "token_hash", "password_hash", "prefix", "emoji"),
    *("target_key", "batch_key", "name_key", "scope", "slug", "source", "subject"),
}
# Words a page shows on purpose: the keys people type in the front matter of the Markdown files they import.
PAGE_ALLOWED = {"/kb/import": {"title", "tags", "category", "body"}}
# Not pages: files to download, machine answers and redirects.
NOT_PAGES = (
    *("openapi", "healthz", "api_docs", "download_upload", "reads_csv", "event_ics", "export_category"),
    *("acknowledgements_csv", "dashboard_csv", "search_go", "static", "login_page", "invite_page", "calendar_file"),
    *("web_manifest", "service_worker"),
)
# Pages whose interesting state needs a query: searches with and without results, a diff.
EXTRA = ("/search?q=гігієна", "/search?q=щзщзщзщ", "/search/suggest?q=гіг", "/kb?q=рук", "/admin/audit?action=user")

LATIN_WORD = re.compile(r"(?<![\w@#/.-])[A-Za-z][A-Za-z’'-]*(?![\w@/-])")
# Links, addresses, @handles, #tags, file and module names (a.b), and slugs (hihiiena-ruk).
URL_OR_ADDRESS = re.compile(
    r"https?://\S*|www\.\S+|\S+@\S+\.\S+|[@#][\w.-]+|\b\w+(?:\.\w+)+\b|\b[a-z0-9]+(?:-[a-z0-9]+)+\b"
)
VISIBLE_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")


class _VisibleText(HTMLParser):
    """The text a person sees or hears: element text (not scripts, styles, code) and the labelling attributes."""

    HIDDEN = {"script", "style", "code", "pre", "kbd", "samp", "template", "noscript", "svg", "textarea"}
    # Excerpts of what people wrote, cut and highlighted (so not whole sentences of it): content throughout. The terms
    # of a synonym group too: the shipped thesaurus is content written for Kolo (UNICEF, AED), not interface.
    CONTENT_CLASSES = {"search-snippet", "synonym-terms"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._content: list[str] = []  # the tag of each open element that started a content excerpt (or is in one)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if self._content or self.CONTENT_CLASSES & set(a.get("class", "").split()):
            self._content.append(tag)
        if tag in self.HIDDEN:
            self._hidden += 1
        if self._hidden or self._content:
            return
        self.parts.extend(a[name] for name in VISIBLE_ATTRIBUTES if a.get(name))
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if self._content and self._content[-1] == tag:
            self._content.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._content:
            self.parts.append(data)


class Typed:
    """What people typed (names, titles, texts, queries, and the HTML rendered from them): content, not interface."""

    def __init__(self, values: list[str]) -> None:
        self.whole = {_squeezed(v) for v in values}
        self.corpus = "\n".join(self.whole)
        # Latin words people typed that the interface never uses (BLS, Clostridioides): content wherever they are.
        interface = {w for m in extract_catalog() if m.id for w in LATIN_WORD.findall(" ".join(_ids(m.id)))}
        interface |= {w.lower() for w in interface} | {w.capitalize() for w in interface}
        self.words = {w for w in LATIN_WORD.findall(self.corpus) if w not in interface}

    def __contains__(self, text: str) -> bool:
        text = _squeezed(text)
        return text in self.whole or (len(text) >= 8 and text in self.corpus)


def _ids(message_id: str | tuple[str, ...]) -> tuple[str, ...]:
    return (message_id,) if isinstance(message_id, str) else message_id


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def english_words(html: str, typed: Typed | None = None) -> set[str]:
    """The Latin-only words of a page's visible text, outside what people typed and the allowed names."""
    parser = _VisibleText()
    parser.feed(html)
    parts = [part for part in parser.parts if not (typed and part.strip() and part in typed)]
    text = URL_OR_ADDRESS.sub(" ", "\n".join(parts))
    content = typed.words if typed else set()
    return {word for word in LATIN_WORD.findall(text) if word.strip("’'-") not in ALLOWED and word not in content}


def typed_content(db: Session) -> Typed:
    """Every text column's values but the technical ones; for rendered HTML, its visible text too."""
    values: list[str] = []
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if _is_text(c.type) and c.name not in TECHNICAL_COLUMNS]
        if not columns:
            continue
        for row in db.execute(select_columns(*columns)):
            for column, value in zip(columns, row, strict=True):
                if not value:
                    continue
                values.append(value)
                if column.name == "html":
                    parser = _VisibleText()
                    parser.feed(value)
                    values.extend(parser.parts)
    return Typed(values)


def _is_text(column_type: Any) -> bool:
    """A String or Text column, SQLModel's AutoString (a decorated String) included."""
    return isinstance(column_type, String | Text) or isinstance(getattr(column_type, "impl", None), String | Text)


def page_paths(app: FastAPI, db: Session) -> Iterator[str]:
    """Every GET page route with its path filled from the demo content."""
    article = db.exec(select(KbArticle).order_by(col(KbArticle.current_major).desc(), col(KbArticle.id))).first()
    assert article is not None
    params: dict[str, Any] = {
        "user_id": db.exec(select(User.id).where(User.email == "nurse@kolo.local")).one(),
        "post_id": db.exec(select(Post.id).order_by(col(Post.id))).first(),
        "event_id": db.exec(select(Event.id).order_by(col(Event.id))).first(),
        "slug": article.slug,
        "revision_id": db.exec(select(KbRevision.id).where(KbRevision.article_id == article.id)).first(),
        "assignment_id": db.exec(select(OnboardingAssignment.id).order_by(col(OnboardingAssignment.id))).first(),
        "template_id": db.exec(select(Checklist.id).order_by(col(Checklist.id))).first(),
    }
    for route in app.routes:
        for effective in getattr(route, "effective_route_contexts", lambda r=route: [r])():
            path = getattr(effective, "path", "")
            if "GET" not in (getattr(effective, "methods", None) or ()) or path.startswith("/api/"):
                continue
            if effective.name in NOT_PAGES:
                continue
            yield app.url_path_for(effective.name, **{k: params[k] for k in effective.param_convertors})
    yield from EXTRA


def test_the_scan_finds_english_words_but_not_names_links_or_code() -> None:
    html = (
        '<h1>Люди</h1><p title="Save changes">Збережено <a href="/x">https://kolo.example/a</a> ivan@kolo.local'
        " @shevchenko #covid, PDF, Chrome · Android</p><script>var hidden = 1</script><code>user.update</code>"
        '<p>Field required</p><input type="submit" value="Send"><p class="search-snippet">… <mark>Hand</mark> in</p>'
    )
    assert english_words(html) == {"Save", "changes", "Field", "required", "Send"}
    typed = Typed(["Hello everyone! I joined the therapy department", "Yuliia", "Гігієна рук (WHO)"])
    page = "<p>Hello everyone! I joined the therapy department</p><p>Yuliia</p><p>the department; WHO</p>"
    assert english_words(page, typed) == {"the", "department"}


@pytest.fixture
def demo(app: FastAPI) -> Typed:
    with Session(app.state.engine) as db:
        load_demo(db)
        return typed_content(db)


def test_no_page_shows_english_in_ukrainian(app: FastAPI, client: TestClient, demo: Typed) -> None:
    with Session(app.state.engine) as db:
        paths = sorted(set(page_paths(app, db)))
    assert len(paths) > 35
    found: list[str] = []
    for email in PEOPLE:  # one demo for all four: loading it is most of this test's time
        client.cookies.clear()
        signed_in = submit(client, "/login", "/login", {"email": email, "password": DEMO_PASSWORD})
        assert "/login" not in str(signed_in.url), signed_in.text[:300]
        for path in paths:
            response = client.get(path, headers={"Accept": "text/html"})
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            if words := english_words(response.text, demo) - PAGE_ALLOWED.get(path, set()):
                found.append(f"{email} {path}: {' '.join(sorted(words))}")
    assert found == [], "\n".join(found)


def test_sign_in_and_invitation_pages_are_ukrainian(client: TestClient) -> None:
    for path in ("/login", "/invite/no-such-token"):
        assert english_words(client.get(path).text) == set(), path
