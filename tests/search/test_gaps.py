"""The content-gap loop: logged queries, the managers' report, guide requests, notifying searchers."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.models.notifications import Notification
from app.models.search import GuideRequest, SearchQueryLog
from tests.conftest import sign_in
from tests.factories import make_user
from tests.search.conftest import api_search, post

pytestmark = pytest.mark.usefixtures("index_ready")  # a degraded search is not logged


def test_queries_are_logged_with_count_and_department(staff_client, staff, session: Session) -> None:  # type: ignore[no-untyped-def]
    api_search(staff_client, "Щеплення від Кору")
    row = session.exec(select(SearchQueryLog)).one()
    assert (row.normalized, row.result_count, row.user_id, row.clicked) == ("щеплення від кору", 0, staff.id, False)
    assert len(row.department_ids) == 1


def test_a_click_through_the_results_is_recorded(staff_client, session: Session, wait_indexed) -> None:  # type: ignore[no-untyped-def]
    created = post(staff_client, "Пам'ятка про щеплення персоналу")
    wait_indexed()
    page = staff_client.get("/search", params={"q": "щеплення"})
    link = page.text.split('href="/search/go?')[1].split('"')[0].replace("&amp;", "&")
    response = staff_client.get(f"/search/go?{link}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/posts/{created['id']}"
    assert session.exec(select(SearchQueryLog)).one().clicked is True


def test_the_click_link_never_leaves_kolo(staff_client) -> None:  # type: ignore[no-untyped-def]
    for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
        response = staff_client.get("/search/go", params={"to": target}, follow_redirects=False)
        assert response.status_code == 422


def test_managers_see_the_gaps_and_staff_do_not(staff_client, client, manager_client) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        api_search(staff_client, "протокол  сепсису")
    api_search(manager_client, "Протокол сепсису")
    report = manager_client.get("/api/v1/reports/search-gaps", params={"days": 7}).json()["items"]
    assert report[0]["query"] == "протокол сепсису" and report[0]["searches"] == 4 and report[0]["people"] == 2
    assert "протокол сепсису" in manager_client.get("/search/gaps").text
    assert staff_client.get("/api/v1/reports/search-gaps").status_code == 403
    assert staff_client.get("/search/gaps").status_code == 403
    assert manager_client.get("/api/v1/reports/search-gaps", params={"days": 0}).status_code == 422


def test_a_guide_request_closes_when_the_answering_article_is_published(  # type: ignore[no-untyped-def]
    staff_client, staff, client, new_client, manager_client, manager, session: Session
) -> None:
    colleague = make_user(session, email="nurse2@kolo.test", name="Ткаченко Олена", departments=["Терапія"])
    api_search(staff_client, "протокол сепсису")
    api_search(sign_in(new_client(), colleague.email), "Протокол  сепсису")  # two people: the query is on the report
    created = manager_client.post(
        "/api/v1/search/guide-requests", json={"query": "Протокол сепсису", "owner_id": manager.id, "title": "Сепсис"}
    )
    assert created.status_code == 201 and created.json()["status"] == "open"
    assert (
        staff_client.post("/api/v1/search/guide-requests", json={"query": "x", "owner_id": staff.id}).status_code == 403
    )
    article = manager_client.post(
        "/api/v1/articles",
        json={"title": "Протокол ведення сепсису", "body": "Перша година: посіви крові, антибіотики."},
    ).json()
    assert manager_client.post(f"/api/v1/articles/{article['id']}/publish", json={}).status_code in (200, 201)
    session.expire_all()
    request = session.exec(select(GuideRequest)).one()
    assert request.status == "closed" and request.article_id == article["id"]
    told = session.exec(select(Notification).where(Notification.kind == "search.guide_published")).all()
    assert {n.recipient_id for n in told} == {staff.id, colleague.id}  # the publisher (the owner here) is not told
    assert told[0].url == f"/kb/{article['slug']}"
    assert f'href="/kb/{article["slug"]}"' in manager_client.get("/search/gaps").text  # the answer, linked


def test_the_report_period_excludes_older_queries(staff_client, client, manager_client, session: Session) -> None:  # type: ignore[no-untyped-def]
    api_search(staff_client, "стара тема")
    row = session.exec(select(SearchQueryLog)).one()
    row.created_at = row.created_at - timedelta(days=40)
    session.add(row)
    session.commit()
    assert manager_client.get("/api/v1/reports/search-gaps", params={"days": 30}).json()["items"] == []
