"""Hostile input to onboarding answers a clear 4xx (found by fuzzing the API)."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import sign_in
from tests.onboarding.helpers import make_people, make_template


class TestAddTaskToASection:
    def test_section_zero_is_refused_not_a_500(self, session: Session, client: TestClient) -> None:
        people = make_people(session)
        template = make_template(session, people["manager"])
        sign_in(client, people["manager"].email)
        response = client.post(
            f"/api/v1/onboarding/templates/{template.id}/tasks",
            json={"title": "Отримати бейдж", "kind": "do", "section_id": 0},
        )
        assert response.status_code == 422 and response.json()["error"] == "InvalidInput"


class TestBlankTaskTitle:
    def test_blank_title_is_refused_and_the_template_still_opens(self, session: Session, client: TestClient) -> None:
        people = make_people(session)
        template = make_template(session, people["manager"])
        sign_in(client, people["manager"].email)
        response = client.post(f"/api/v1/onboarding/templates/{template.id}/tasks", json={"title": "   ", "kind": "do"})
        assert response.status_code == 422 and response.json()["error"] == "InvalidInput"
        assert client.get(f"/api/v1/onboarding/templates/{template.id}").status_code == 200
        assert client.get("/api/v1/onboarding/templates").status_code == 200
