"""Issue 16: 600 public XSS payloads through every text field, read in Chromium with alert and its kin hooked.

The content is made through the services and every page that shows it is opened; no payload may run, open a
dialog or leave live markup. The control runs switch the sanitizer or the escaping off and must see payloads
fire, so the suite is known to be able to fail."""

from markdown_it import MarkdownIt
from sqlmodel import Session

from app import markdown
from app.templating import templates
from tests.browser import live_server
from tests.security.xss import Breach, load_payloads, read_pages, seed

ADMIN = "admin@kolo.test"


def run(app, chromium, payloads: list[str]) -> tuple[list[Breach], dict[str, int]]:  # type: ignore[no-untyped-def]
    """Seed the payloads kind by kind, read each kind's pages, and return the breaches and how many values each
    field stored."""
    breaches: list[Breach] = []
    stored: dict[str, int] = {}
    with Session(app.state.engine) as db, live_server(app) as url:
        for corpus in seed(db, app.state.settings, payloads, admin_email=ADMIN):
            breaches += read_pages(chromium, url, ADMIN, corpus.pages)
            stored |= corpus.stored
    return breaches, stored


def test_the_corpus_is_at_least_500_payloads() -> None:
    payloads = load_payloads()
    assert len(payloads) >= 500
    assert len(set(payloads)) == len(payloads)


def test_no_payload_runs_anywhere(app, chromium) -> None:  # type: ignore[no-untyped-def]
    breaches, stored = run(app, chromium, load_payloads())
    assert breaches == []
    for field in (
        "post body",
        "comment",
        "upload file name",
        "event",
        "article",
        "KB category",
        "checklist",
        "assignment",
        "profile name",
        "search query",
    ):
        assert stored.get(field, 0) > 0, (field, stored)


def test_control_without_the_sanitizer_payloads_fire(app, chromium, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(markdown, "_md", MarkdownIt("commonmark", {"html": True}))
    monkeypatch.setattr(markdown, "sanitize_html", lambda html: html)
    breaches, _ = run(app, chromium, load_payloads()[:60])
    assert any(b.calls for b in breaches if b.page.startswith("/posts/"))
    assert any(b.markup for b in breaches if b.page.startswith("/kb/"))


def test_control_without_escaping_payloads_fire(app, chromium, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(templates.env, "autoescape", False)
    templates.env.cache.clear()  # type: ignore[union-attr]
    try:
        breaches, _ = run(app, chromium, load_payloads()[:60])
    finally:
        monkeypatch.undo()
        templates.env.cache.clear()  # type: ignore[union-attr]
    pages = {b.page.split("?")[0].rstrip("0123456789") for b in breaches if b.calls}
    assert {"/", "/admin/users/", "/search", "/kb/categories", "/onboarding/templates/"} <= pages, pages
