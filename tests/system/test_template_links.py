"""Templates build internal links from route names (`{{ url("article_page", slug=a.slug) }}`, see app/templating.py),
never by hand; and the links the key pages render all lead somewhere (no 404, no 405)."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.requests import Request
from starlette.routing import Match, NoMatchFound

from app.demo import DEMO_PASSWORD, load_demo
from app.templating import ROOT, _path_of, templates
from tests.conftest import sign_in_page

# A quoted string starting with one "/" (not "//host", not the "/>" of a tag) is a path typed by hand: in an attribute
# (href, action, hx-post, src, value…), a `{% set %}` or a script. Anchors ("#x") and links given as data are fine.
# Starlette's `url_for` makes absolute URLs (http://host/…); pages link root-relative, static files included.
HAND_TYPED = re.compile(r"""(?<!keyshortcuts=)["']/(?![/>])|\burl_for\(""")  # a key named / is no link
TEMPLATES = ROOT / "templates"


def hand_typed_links(root: Path = TEMPLATES) -> list[str]:
    """`file:line: text` for every hand-typed internal path in the templates under `root`."""
    found = []
    for path in sorted(root.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if HAND_TYPED.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()[:160]}")
    return found


def test_no_template_types_an_internal_link_by_hand() -> None:
    found = hand_typed_links()
    assert found == [], 'build these with {{ url("route_name", ...) }} (app/templating.py):\n' + "\n".join(found)


def test_the_scan_sees_every_kind_of_hand_typed_link(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(
        '<a href="/kb/{{ a.slug }}">\n<form action="/posts" hx-post="/posts">\n'
        '{% set back_to = "/onboarding" %}\n<input type="hidden" name="next" value=\'/onboarding\'>\n'
        '<script>fetch("/api/v1/search")</script>\n'
        "<link rel=\"stylesheet\" href=\"{{ url_for('static', path='k.css') }}\">\n",
        encoding="utf-8",
    )
    (tmp_path / "good.html").write_text(
        '<a href="{{ url(\'article_page\', slug=a.slug) }}"><a href="#comments"><a href="{{ post.url }}">\n'
        '<a href="https://example.org/x"><a href="//cdn.example.org"><br/><img src="x.png" alt=""/>\n',
        encoding="utf-8",
    )
    assert [line.split(":")[:2] for line in hand_typed_links(tmp_path)] == [
        ["bad.html", str(n)] for n in (1, 2, 3, 4, 5, 6)
    ]


def test_url_builds_root_relative_paths_from_route_names(app: FastAPI) -> None:
    def render(source: str, root_path: str = "") -> str:
        scope = {"type": "http", "app": app, "root_path": root_path, "path": "/", "headers": [], "query_string": b""}
        return templates.env.from_string(source).render(request=Request(scope))

    assert render("{{ url('article_page', slug='hand-hygiene') }}") == "/kb/hand-hygiene"
    assert render("{{ url('article_list_page', query={'tag': 'a b&c', 'category': None}) }}") == "/kb?tag=a+b%26c"
    assert render("{{ url('article_list_page', query=[('tag', 'x'), ('tag', 'y')]) }}") == "/kb?tag=x&amp;tag=y"
    assert render("{{ url('dashboard_csv', query='department_id=2') }}") == "/onboarding/dashboard.csv?department_id=2"
    assert render("{{ url('feed_page', query={}) }}") == "/"
    assert render("{{ url('static', path='kolo.css') }}") == "/static/kolo.css"
    assert render("{{ url('plan_page', assignment_id=7) }}", root_path="/kolo/") == "/kolo/onboarding/assignments/7"
    with pytest.raises(NoMatchFound):
        render("{{ url('no_such_route') }}")
    with pytest.raises(NoMatchFound):
        render("{{ url('article_page') }}")  # a path parameter left out


def test_every_route_path_built_from_its_pattern_is_the_apps_own(app: FastAPI) -> None:
    """`url()` keeps each route's pattern after the first lookup; the path must be what Starlette itself builds."""
    for route in _leaf_routes(app):
        params = {name: f"4{i}" for i, name in enumerate(getattr(route, "param_convertors", {}))}
        if route.name == "static":
            params = {"path": "css/kolo.css"}
        for _ in range(2):  # the second time from the kept pattern
            assert _path_of(app, route.name, params) == app.url_path_for(route.name, **params), route.name


def _leaf_routes(app: FastAPI) -> list:  # type: ignore[type-arg]
    return [
        effective
        for route in app.routes
        for effective in getattr(route, "effective_route_contexts", lambda r=route: [r])()
    ]


def test_route_names_are_unique(app: FastAPI) -> None:
    """`url_path_for` takes the first route of a name: two routes must never share one."""
    names = [route.name for route in _leaf_routes(app)]
    assert sorted({n for n in names if names.count(n) > 1}) == []


class _Links(HTMLParser):
    """(method, url) of every link, form and htmx request a page holds."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag in ("a", "link") and a.get("href"):
            self.found.append(("GET", a["href"]))
        if tag in ("script", "img") and a.get("src"):
            self.found.append(("GET", a["src"]))
        if tag == "form" and a.get("action"):
            self.found.append(((a.get("method") or "get").upper(), a["action"]))
        if a.get("formaction"):
            self.found.append(((a.get("formmethod") or "post").upper(), a["formaction"]))
        for verb in ("get", "post", "put", "patch", "delete"):
            if a.get(f"hx-{verb}"):
                self.found.append((verb.upper(), a[f"hx-{verb}"]))


def _internal(page: str) -> set[tuple[str, str]]:
    parser = _Links()
    parser.feed(page)
    return {
        (method, link.split("#")[0])
        for method, link in parser.found
        if link.startswith("/") and not link.startswith("//") and link.split("#")[0]
    }


def _route_for(app: FastAPI, method: str, path: str) -> bool:
    """Whether a route (or a mount) of the app answers `method` at `path`, found as the router would."""
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "query_string": b"", "headers": []}
    for route in app.routes:
        for effective in getattr(route, "effective_route_contexts", lambda r=route: [r])():
            match, _ = effective.matches(scope)
            if match == Match.FULL:
                return True
    return False


@pytest.fixture
def demo(client: TestClient) -> TestClient:
    with Session(client.app.state.engine) as db:  # type: ignore[attr-defined]
        load_demo(db)
    return client


# Who looks at which pages; "{article}" is the first article the knowledge base lists.
PAGES = {
    "manager@kolo.local": ("/", "/kb", "{article}", "/onboarding", "/onboarding/dashboard", "/search?q=гігієна"),
    "admin@kolo.local": ("/admin", "/admin/departments", "/admin/audit", "/account", "/notifications"),
}


@pytest.mark.parametrize("email", sorted(PAGES))
def test_every_link_on_the_key_pages_answers(demo: TestClient, email: str) -> None:
    client = sign_in_page(demo, email, DEMO_PASSWORD)
    pages = list(PAGES[email])
    if "{article}" in pages:
        kb = client.get("/kb").text
        not_articles = ("/kb/new", "/kb/import", "/kb/categories", "/kb/preview")
        article = next(
            link for _, link in sorted(_internal(kb)) if re.fullmatch(r"/kb/[^/?]+", link) and link not in not_articles
        )
        pages[pages.index("{article}")] = article
    problems, checked = [], 0
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, f"{page}: {response.status_code}"
        for method, link in sorted(_internal(response.text)):
            checked += 1
            path = urlsplit(link).path
            if method != "GET" or path == "/logout":  # never sent: a route must simply answer that method there
                if not _route_for(demo.app, method, path):  # type: ignore[arg-type]
                    problems.append(f"{page}: {method} {link} has no route")
                continue
            status = client.get(link, follow_redirects=False).status_code
            if status in (404, 405):
                problems.append(f"{page}: GET {link} answers {status}")
    assert checked > 40, checked
    assert problems == [], "\n".join(problems)
