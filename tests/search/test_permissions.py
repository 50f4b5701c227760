"""The permission canary: restricted words never reach other departments, roles or anonymous callers
through results, suggestions, facet counts or "did you mean"."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.services import users as users_service
from tests.conftest import sign_in
from tests.factories import make_user
from tests.search.conftest import api_search, post

CANARY = "зебраканарка"
CANARY_TAG = "канарковатег"


@pytest.fixture
def planted(session: Session, client, new_client, staff, wait_indexed):  # type: ignore[no-untyped-def]
    """A surgery-only post and a staff member's draft article, both carrying the canary."""
    make_user(session, email="surgeon@kolo.test", name="Хірург", departments=["Хірургія"])
    surgery = users_service.ensure_department(session=session, name="Хірургія")
    surgeon = sign_in(new_client(), "surgeon@kolo.test")
    post(surgeon, f"Протокол {CANARY} для операційної #{CANARY_TAG}", department_ids=[surgery.id])
    draft = surgeon.post("/api/v1/articles", json={"title": f"Чернетка {CANARY}", "body": f"Текст {CANARY}."})
    assert draft.status_code == 201, draft.text
    post(surgeon, "Загальна порада для всіх: мийте руки")
    wait_indexed()
    return surgeon


def test_the_author_finds_the_canary(planted: TestClient) -> None:
    found = api_search(planted, CANARY)
    assert {i["type"] for i in found["items"]} == {"post", "article"}


def test_other_departments_see_no_trace(planted: TestClient, session: Session, new_client) -> None:  # type: ignore[no-untyped-def]
    make_user(session, email="other@kolo.test", departments=["Терапія"])
    other = sign_in(new_client(), "other@kolo.test")
    for q in (CANARY, CANARY_TAG, f"{CANARY} руки"):
        body = api_search(other, q)
        assert CANARY not in str(body) and "операційн" not in str(body)
    posts = [i for i in api_search(other, CANARY)["items"] if i["type"] == "post"]
    assert posts == []
    # a misspelt canary must not be corrected into it
    assert api_search(other, "зебраканарко")["suggestion"] is None
    page = other.get("/search", params={"q": "мийте " + CANARY_TAG})
    assert page.status_code == 200 and CANARY_TAG not in page.text.replace(f"мийте {CANARY_TAG}", "")
    assert CANARY not in other.get("/search/suggest", params={"q": "зебрак"}).text
    html = other.get("/search", params={"q": "протокол"}).text
    facets = html.partition('class="search-facets"')[2].partition('class="search-results"')[0]
    assert "Хірургія" not in facets and CANARY_TAG not in facets


def test_managers_see_drafts_but_not_other_departments_posts(planted: TestClient, manager_client) -> None:  # type: ignore[no-untyped-def]
    types = {i["type"] for i in api_search(manager_client, CANARY)["items"]}
    assert types == {"article"}
    assert api_search(manager_client, CANARY_TAG)["items"] == []
    html = manager_client.get("/search", params={"q": "протокол " + CANARY}).text
    facets = html.partition('class="search-facets"')[2].partition('class="search-results"')[0]
    assert "Хірургія" not in facets and CANARY_TAG not in facets


def test_anonymous_callers_get_nothing(planted: TestClient, new_client) -> None:  # type: ignore[no-untyped-def]
    anonymous = new_client()  # not a second start-up of the app: that would leave the first indexer running
    response = anonymous.get("/api/v1/search", params={"q": CANARY})
    assert response.status_code == 401 and CANARY not in response.text
    suggest = anonymous.get("/search/suggest", params={"q": "зебрак"}, follow_redirects=False)
    assert suggest.status_code in (303, 307, 401)
    page = anonymous.get("/search", params={"q": CANARY}, follow_redirects=False)
    assert page.status_code in (303, 307) and CANARY not in page.text


def test_a_stale_index_never_leaks_a_hit(
    planted: TestClient,
    session: Session,
    new_client,
    app,  # type: ignore[no-untyped-def]
    wait_indexed,
) -> None:
    """Even with an index that wrongly says "all", the database re-check drops the hit."""
    from app.search.index import writer
    from app.search.sources import SOURCES

    surgery_post = next(i for i in api_search(planted, CANARY)["items"] if i["type"] == "post")
    doc = SOURCES["post"].load(session, [surgery_post["id"]])[0]
    with writer(app.state.search.index()) as w:
        w.update_document(
            key=doc.key, kind="post", title=doc.title, body=doc.body, words=doc.body, visibility="all", url=doc.url
        )
    make_user(session, email="other2@kolo.test", departments=["Терапія"])
    other = sign_in(new_client(), "other2@kolo.test")
    assert api_search(other, CANARY)["total"] == 1  # the index says "all"...
    body = api_search(other, CANARY)
    assert body["items"] == []
