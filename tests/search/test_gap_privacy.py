"""Search texts are personal data: the gap report shows a manager only their departments' searches, only queries
several people asked, never who, and the log is kept 90 days."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import scheduler
from app.models.search import GuideRequest, SearchQueryLog
from app.models.types import utcnow
from app.models.users import User
from tests.conftest import sign_in
from tests.factories import make_user
from tests.forms import submit
from tests.search.conftest import api_search

pytestmark = pytest.mark.usefixtures("index_ready")  # a degraded search is not logged

WORD = "планований секрет"


@pytest.fixture
def colleague(session: Session) -> User:
    """A second staff member of Therapy."""
    return make_user(session, email="nurse2@kolo.test", name="Ткаченко Олена", departments=["Терапія"])


@pytest.fixture
def surgeon_head(session: Session) -> User:
    """The manager of Surgery, who manages nobody in Therapy."""
    return make_user(session, email="surgery@kolo.test", name="Мороз Андрій", role="manager", departments=["Хірургія"])


def _as(new_client, user: User) -> TestClient:  # type: ignore[no-untyped-def]
    return sign_in(new_client(), user.email)


def _report(client: TestClient, **params: object) -> list[str]:
    response = client.get("/api/v1/reports/search-gaps", params=params)
    assert response.status_code == 200, response.text
    return [row["query"] for row in response.json()["items"]]


def _age(session: Session, days: int) -> None:
    """Move every logged search `days` days into the past."""
    for row in session.exec(select(SearchQueryLog)).all():
        row.created_at = utcnow() - timedelta(days=days)
        session.add(row)
    session.commit()


def test_one_persons_searches_stay_off_the_report_until_a_second_person_asks(  # type: ignore[no-untyped-def]
    staff_client, new_client, colleague, manager_client
) -> None:
    for _ in range(3):
        api_search(staff_client, WORD)
    assert _report(manager_client) == []
    assert WORD not in manager_client.get("/search/gaps").text
    api_search(_as(new_client, colleague), WORD)
    rows = manager_client.get("/api/v1/reports/search-gaps").json()["items"]
    assert [(r["query"], r["searches"], r["people"]) for r in rows] == [(WORD, 4, 2)]
    assert WORD in manager_client.get("/search/gaps").text


def test_the_number_of_people_is_a_setting(staff_client, new_client, colleague, manager_client, app) -> None:  # type: ignore[no-untyped-def]
    api_search(staff_client, WORD)
    api_search(_as(new_client, colleague), WORD)
    app.state.settings = app.state.settings.model_copy(update={"search_gap_min_people": 3})
    assert _report(manager_client) == []


def test_a_manager_sees_only_the_departments_they_manage_and_admins_see_all(  # type: ignore[no-untyped-def]
    staff_client, new_client, colleague, manager_client, surgeon_head, admin_client, session
) -> None:
    api_search(staff_client, WORD)
    api_search(_as(new_client, colleague), WORD)
    surgery = _as(new_client, surgeon_head)
    therapy_id = session.exec(select(SearchQueryLog)).first().department_ids[0]  # type: ignore[union-attr]
    assert _report(surgery) == [] and _report(surgery, department=therapy_id) == []
    page = surgery.get("/search/gaps", params={"department": therapy_id}).text
    assert WORD not in page and f'<option value="{therapy_id}"' not in page
    assert _report(manager_client) == [WORD] and _report(admin_client) == [WORD]


def test_the_report_never_names_who_searched(staff_client, staff, new_client, colleague, manager_client) -> None:  # type: ignore[no-untyped-def]
    api_search(staff_client, WORD)
    api_search(_as(new_client, colleague), WORD)
    response = manager_client.get("/api/v1/reports/search-gaps")
    assert set(response.json()["items"][0]) == {
        "query",
        "searches",
        "people",
        "no_results",
        "no_click",
        "open_request_id",
    }
    assert staff.name not in response.text and colleague.name not in response.text and "@kolo.test" not in response.text


def test_guide_requests_follow_the_reports_scope(  # type: ignore[no-untyped-def]
    staff_client, new_client, colleague, manager, manager_client, manager_page, surgeon_head, admin_client, session
) -> None:
    api_search(staff_client, WORD)
    api_search(_as(new_client, colleague), WORD)
    surgery = _as(new_client, surgeon_head)
    refused = surgery.post("/api/v1/search/guide-requests", json={"query": WORD, "owner_id": surgeon_head.id})
    assert refused.status_code == 422 and "лише для запиту з вашого звіту" in refused.json()["detail"]
    unasked = manager_client.post(
        "/api/v1/search/guide-requests", json={"query": "ніхто не шукав", "owner_id": manager.id}
    )
    assert unasked.status_code == 422
    sent = submit(
        manager_page, "/search/gaps", "/search/gaps/requests", {"owner_id": manager.id, "title": "Секретна тема"}
    )
    assert sent.status_code == 200 and "Секретна тема" in sent.text
    assert session.exec(select(GuideRequest)).one().query == WORD
    assert "Секретна тема" not in surgery.get("/search/gaps").text
    assert "Секретна тема" in admin_client.get("/search/gaps").text


def test_the_report_ignores_searches_older_than_the_log_keeps(  # type: ignore[no-untyped-def]
    staff_client, new_client, colleague, manager_client, session
) -> None:
    api_search(staff_client, WORD)
    api_search(_as(new_client, colleague), WORD)
    _age(session, 100)
    assert _report(manager_client, days=365) == []


def test_a_daily_job_deletes_searches_older_than_ninety_days(  # type: ignore[no-untyped-def]
    staff_client, manager_client, app, session
) -> None:
    api_search(staff_client, "давній запит")
    _age(session, 91)
    api_search(staff_client, "свіжий запит")
    scheduler.run_due_jobs(app.state.engine, utcnow())
    session.expire_all()
    assert [row.text for row in session.exec(select(SearchQueryLog)).all()] == ["свіжий запит"]
    job = next(j for j in scheduler.JOBS if j.job.__name__ == "delete_old_searches")
    assert job.every_seconds == 24 * 3600
