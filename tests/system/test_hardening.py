"""Hostile input anywhere in the app is a clear 4xx, never a 500 (found by fuzzing the API)."""

from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.models.feed import Post
from tests.forms import submit

HUGE = 2001580435152165111089107828736
OVER_INT = 2**31


class TestNumbersPastAnIntegerColumn:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/api/v1/posts/{n}/comments"),
            ("PATCH", "/api/v1/posts/{n}"),
            ("POST", "/api/v1/articles/{n}/acknowledge"),
            ("POST", "/api/v1/articles/6/revisions/-{n}/restore"),
            ("POST", "/api/v1/onboarding/assignments/1/tasks/{n}/complete"),
            ("DELETE", "/api/v1/sessions/{n}"),
            ("GET", "/api/v1/uploads/{n}"),
        ],
    )
    def test_huge_id_in_the_path_is_refused(self, staff_client: TestClient, method: str, path: str) -> None:
        response = staff_client.request(method, path.format(n=HUGE), json={})
        assert response.status_code in (404, 422), response.text
        assert response.json()["detail"]

    def test_id_just_past_postgresql_integer_answers_the_same_on_both_backends(self, staff_client: TestClient) -> None:
        response = staff_client.get(f"/api/v1/posts/{OVER_INT}")
        assert response.status_code == 422 and str(OVER_INT) in response.json()["detail"]

    def test_huge_department_in_a_body_is_refused_and_nothing_is_saved(
        self, staff_client: TestClient, session: Session
    ) -> None:
        response = staff_client.post("/api/v1/posts", json={"body": "Нарада о 9:00", "department_ids": [HUGE]})
        assert response.status_code == 422 and response.json()["error"] == "InvalidInput"
        assert session.exec(select(func.count()).select_from(Post)).one() == 0

    def test_huge_filter_in_a_page_query_is_refused(self, staff_client: TestClient) -> None:
        response = staff_client.get(f"/kb?category={HUGE}")
        assert response.status_code == 422


class TestNulInText:
    def test_nul_in_a_post_is_refused_on_both_backends(self, staff_client: TestClient, session: Session) -> None:
        response = staff_client.post("/api/v1/posts", json={"body": "Нарада\x00 о 9:00"})
        assert response.status_code == 422 and response.json()["detail"]
        assert session.exec(select(func.count()).select_from(Post)).one() == 0


class TestNoOpenRedirect:
    @pytest.mark.parametrize(
        "target", ["//evil.example/", "/\\evil.example", "/\t/evil.example", "https://evil.example/"]
    )
    def test_language_switch_stays_on_site(self, client: TestClient, target: str) -> None:
        # The login page's language form with its hidden `next` tampered with.
        response = submit(client, "/login", "/language", {"language": "en", "next": target}, follow_redirects=False)
        location = unquote(response.headers["location"])
        assert response.status_code == 303 and location.startswith("/")
        assert not location.startswith(("//", "/\\", "/\t"))
