"""The gap report's rows are real gaps, as a manager reads them on /search/gaps: a search typed letter by letter is
one search, word forms are one row, "no click" only where results were shown, a guide request opens the editor
with the query and how many searched it, and a query that found nothing offers to become a synonym."""

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models.feed import Post
from app.models.notifications import Notification
from app.models.search import SearchQueryLog
from app.models.types import utcnow
from app.models.users import User
from tests.conftest import sign_in, sign_in_page
from tests.factories import make_user
from tests.forms import submit
from tests.search.conftest import api_search, post

pytestmark = pytest.mark.usefixtures("index_ready")  # a degraded search is not logged

COLUMNS = ("query", "searches", "people", "no_results", "no_click")


@dataclass
class Row:
    """One row of the report as shown: its cells' text and its links (text → address)."""

    cells: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, column: str) -> str:
        """A column's text; the query is its link's text (the cell also offers the synonym link)."""
        return next(iter(self.links)) if column == "query" else self.cells[COLUMNS.index(column)]


class _Rows(HTMLParser):
    """The rows of the report's table body."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self._body = False
        self._cell: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._body = True
        elif self._body and tag == "tr":
            self.rows.append(Row())
        elif self._body and tag == "td":
            self._cell = []
        elif self._body and tag == "a":
            self._link = (dict(attrs).get("href") or "", [])

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._link is not None:
            self._link[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._body = False
        elif tag == "a" and self._link is not None:
            self.rows[-1].links[" ".join("".join(self._link[1]).split())] = self._link[0]
            self._link = None
        elif tag == "td" and self._cell is not None:
            self.rows[-1].cells.append(" ".join("".join(self._cell).split()))
            self._cell = None


def report(client: TestClient, **params: Any) -> list[Row]:
    """The rows of /search/gaps as the signed-in manager sees them."""
    page = client.get("/search/gaps", params=params)
    assert page.status_code == 200, page.text
    parser = _Rows()
    parser.feed(page.text.split("<table", 1)[1] if "<table" in page.text else "")
    return parser.rows


@pytest.fixture(autouse=True)
def _running(client: TestClient) -> TestClient:
    """The app runs (its search indexer too) for every client of these tests."""
    return client


def _therapy(session: Session, n: int) -> list[User]:
    return [
        make_user(session, email=f"ward{i}@kolo.test", name=f"Медсестра {i}", departments=["Терапія"]) for i in range(n)
    ]


def _clients(new_client, people: list[User]) -> list[TestClient]:  # type: ignore[no-untyped-def]
    return [sign_in(new_client(), p.email) for p in people]


class TestTypedSearches:
    def test_a_query_typed_letter_by_letter_is_one_search_but_a_later_or_an_opened_one_is_not(  # type: ignore[no-untyped-def]
        self, new_client, manager_client, session, wait_indexed
    ) -> None:
        nurse, colleague = _clients(new_client, _therapy(session, 2))
        created = post(nurse, "Пам'ятка: обробка рук перед маніпуляцією")
        wait_indexed()
        for client in (nurse, colleague):
            for typed in ("п", "про", "пролеж"):
                assert client.get("/search/suggest", params={"q": typed}).status_code == 200
            for typed in ("п", "про", "пролеж", "пролежні"):  # an API client searching as its person types
                api_search(client, typed)
        assert [(r["query"], r["searches"], r["people"]) for r in report(manager_client)] == [("пролежні", "2", "2")]
        assert len(session.exec(select(SearchQueryLog)).all()) == 2
        for row in session.exec(select(SearchQueryLog)).all():
            row.created_at = utcnow() - timedelta(minutes=5)  # five minutes ago: no longer typing
            session.add(row)
        session.commit()
        for client in (nurse, colleague):
            api_search(client, "пролежні сідниць")
            page = client.get("/search", params={"q": "обробка"})
            log = page.text.split('href="/search/go?log=')[1].split("&")[0]
            assert client.get("/search/go", params={"log": log, "to": f"/posts/{created['id']}"}).status_code == 200
            api_search(client, "обробка рук")  # what was found and opened is not replaced by its continuation
        rows = {r["query"]: (r["searches"], r["no_results"], r["no_click"]) for r in report(manager_client)}
        assert rows == {
            "пролежні": ("2", "2", "0"),
            "пролежні сідниць": ("2", "2", "0"),
            "обробка рук": ("2", "0", "2"),
        }


class TestWordForms:
    def test_word_forms_and_question_words_are_one_row_shown_as_most_people_typed_it(  # type: ignore[no-untyped-def]
        self, new_client, manager_client, session
    ) -> None:
        typed = ("пролежні", "Пролежні", "пролежнів", "Пролежні?", "про пролежні", "що таке пролежні")
        for client, query in zip(_clients(new_client, _therapy(session, len(typed))), typed, strict=True):
            api_search(client, query)
        rows = report(manager_client)
        assert [(r["query"], r["searches"], r["people"], r["no_results"]) for r in rows] == [
            ("пролежні", "6", "6", "6")
        ]

    def test_the_order_of_the_words_does_not_matter(self, new_client, manager_client, session) -> None:  # type: ignore[no-untyped-def]
        first, second = _clients(new_client, _therapy(session, 2))
        api_search(first, "протокол сепсису")
        api_search(second, "Сепсис: протокол")
        assert [(r["searches"], r["people"]) for r in report(manager_client)] == [("2", "2")]

    def test_a_guide_request_for_one_form_answers_the_whole_row(  # type: ignore[no-untyped-def]
        self, new_client, manager, manager_client, manager_page, session
    ) -> None:
        nurses = _therapy(session, 2)
        for client, query in zip(_clients(new_client, nurses), ("пролежні", "пролежнів"), strict=True):
            api_search(client, query)
        sent = submit(manager_page, "/search/gaps", "/search/gaps/requests", {"owner_id": manager.id})
        assert sent.status_code == 200
        assert report(manager_page)[0].cells[-1] == "Запитано"
        article = manager_client.post(
            "/api/v1/articles", json={"title": "Профілактика пролежнів", "body": "Змінюйте положення тіла."}
        ).json()
        assert manager_client.post(f"/api/v1/articles/{article['id']}/publish", json={}).status_code in (200, 201)
        told = session.exec(select(Notification).where(Notification.kind == "search.guide_published")).all()
        assert {n.recipient_id for n in told} == {u.id for u in nurses}  # both forms' searchers are told


class TestShownResults:
    def test_no_click_counts_only_searches_whose_results_were_shown(  # type: ignore[no-untyped-def]
        self, new_client, manager_client, session, wait_indexed
    ) -> None:
        nurse, colleague = _clients(new_client, _therapy(session, 2))
        shown = post(nurse, "Графік чергувань на грудень")
        hidden = post(nurse, "Стара інструкція щодо стерилізації")
        wait_indexed()
        # The index still has the instruction, but it was deleted: its search finds it and shows nothing.
        row = session.get(Post, hidden["id"])
        assert row is not None and shown["id"] != row.id
        row.deleted_at = utcnow()
        session.add(row)
        session.commit()
        for client in (nurse, colleague):
            assert "Графік" in client.get("/search", params={"q": "чергувань"}).text
            assert "Стара" not in client.get("/search", params={"q": "стерилізації"}).text
        rows = {r["query"]: r for r in report(manager_client)}
        assert (rows["чергувань"]["no_results"], rows["чергувань"]["no_click"]) == ("0", "2")
        assert (rows["стерилізації"]["no_results"], rows["стерилізації"]["no_click"]) == ("2", "0")


class TestGuideEditor:
    @pytest.fixture
    def requested(self, new_client, staff, staff_client, manager_page, session) -> str:  # type: ignore[no-untyped-def]
        """Two nurses searched for «Протокол сепсису»; the manager asked the first to write it: her notification."""
        api_search(staff_client, "Протокол сепсису")
        api_search(_clients(new_client, _therapy(session, 1))[0], "протокол сепсису")
        sent = submit(manager_page, "/search/gaps", "/search/gaps/requests", {"owner_id": staff.id})
        assert sent.status_code == 200
        told = session.exec(select(Notification).where(Notification.kind == "search.guide_requested")).one()
        return told.url

    def test_the_request_opens_the_editor_with_the_query_and_how_many_searched(  # type: ignore[no-untyped-def]
        self, requested, staff_client, manager_page
    ) -> None:
        assert requested in manager_page.get("/search/gaps").text.replace("&amp;", "&")  # «Написати настанову»
        assert urlsplit(requested).path == "/kb/new"
        assert parse_qs(urlsplit(requested).query)["title"] == ["протокол сепсису"]
        editor = staff_client.get(requested)
        assert editor.status_code == 200
        assert 'name="title" value="протокол сепсису"' in editor.text
        assert '<p class="notice kb-searched" role="status">2 людини шукали це</p>' in editor.text  # no names

    def test_a_preview_or_a_refusal_keeps_the_count(self, requested, new_client, staff) -> None:  # type: ignore[no-untyped-def]
        staff_page = sign_in_page(new_client(), staff.email)
        for fields in ({"body": "# Сепсис\n\nПерші кроки", "action": "preview"}, {"title": "", "action": "save"}):
            shown = submit(staff_page, requested, "/kb/new", fields)
            assert shown.status_code in (200, 422)
            assert '<p class="notice kb-searched" role="status">2 людини шукали це</p>' in shown.text

    def test_the_count_needs_as_many_people_as_the_report(self, requested, staff_client, app) -> None:  # type: ignore[no-untyped-def]
        app.state.settings = app.state.settings.model_copy(update={"search_gap_min_people": 3})
        editor = staff_client.get(requested)
        assert editor.status_code == 200 and "шукали це" not in editor.text
        assert 'value="протокол сепсису"' in editor.text

    def test_someone_else_cannot_count_a_requests_searchers(self, requested, new_client, session) -> None:  # type: ignore[no-untyped-def]
        surgeon = make_user(session, email="surgeon@kolo.test", name="Мороз Андрій", departments=["Хірургія"])
        assert sign_in(new_client(), surgeon.email).get(requested).status_code == 404
        assert sign_in(new_client(), surgeon.email).get("/kb/new?guide=9999").status_code == 404


class TestSynonymLinks:
    def test_a_search_that_found_nothing_offers_to_become_a_synonym(  # type: ignore[no-untyped-def]
        self, new_client, manager_client, session, wait_indexed
    ) -> None:
        nurse, colleague = _clients(new_client, _therapy(session, 2))
        post(nurse, "Графік чергувань на грудень")
        wait_indexed()
        for client in (nurse, colleague):
            api_search(client, "Декрет")
            api_search(client, "чергувань")
        rows = {r["query"]: r for r in report(manager_client)}
        offer = urlsplit(rows["декрет"].links["Додати «декрет» як синонім до…"])
        assert offer.path == "/search/synonyms/new" and parse_qs(offer.query) == {"term": ["декрет"]}
        assert not [text for text in rows["чергувань"].links if "синонім" in text]  # it found something
        assert "декрет" in manager_client.get(offer.geturl()).text
        assert nurse.get("/search/gaps").status_code == 403
