"""Onboarding pages: what each person sees, the forms, and the CSV."""

from datetime import timedelta

import pytest

from app.services.onboarding.workdays import local_today
from tests.conftest import sign_in
from tests.onboarding.helpers import assign, make_people, make_template


@pytest.fixture
def people(session):
    return make_people(session)


@pytest.fixture
def as_(new_client, people):
    def client_for(name):
        return sign_in(new_client(), people[name].email)
    return client_for


def _form(client, url, data):
    return client.post(url, data={**data, "csrf_token": client.headers["X-CSRF-Token"]}, follow_redirects=False)


class TestMyOnboarding:
    def test_new_hire_sees_progress_overdue_and_buttons(self, as_, session, people):
        two_weeks_ago = local_today() - timedelta(days=14)
        assign(session, people, make_template(session, people["manager"]), start=two_weeks_ago)
        page = as_("hire").get("/onboarding")
        assert page.status_code == 200
        assert "Моя адаптація" in page.text and "<progress" in page.text
        assert "Прострочено" in page.text and "onb-overdue" in page.text
        assert "Позначити виконаним" in page.text and "Попросити підтвердити" in page.text

    def test_ticking_from_the_page_redirects_back_to_the_task(self, as_, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        client = as_("hire")
        task_id = client.get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"][0]["id"]
        response = _form(client, f"/onboarding/tasks/{task_id}/complete",
                         {"note": "Готово", "next": f"/onboarding#task-{task_id}"})
        assert response.status_code == 303 and response.headers["location"] == f"/onboarding#task-{task_id}"

    def test_banner_shows_only_with_an_open_plan(self, as_, session, people):
        assert "Продовжити адаптацію" not in as_("hire").get("/onboarding/banner").text
        assign(session, people, make_template(session, people["manager"]))
        assert "Продовжити адаптацію" in as_("hire").get("/onboarding/banner").text


class TestMentorAndManagerPages:
    def test_mentor_sees_the_waiting_signoff(self, as_, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        hire = as_("hire")
        task = next(t for t in hire.get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"]
                    if t["kind"] == "signoff")
        hire.post(f"/api/v1/onboarding/assignments/{plan.id}/tasks/{task['id']}/request-signoff")
        page = as_("mentor").get("/onboarding/mentoring")
        assert "Мельник Юлія" in page.text and "Підтвердити навичку" in page.text

    def test_other_people_get_404_on_a_plan_page(self, as_, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        assert as_("other").get(f"/onboarding/assignments/{plan.id}").status_code == 404
        assert as_("manager").get(f"/onboarding/assignments/{plan.id}").status_code == 200

    def test_dashboard_and_csv_for_managers_only(self, as_, session, people):
        assign(session, people, make_template(session, people["manager"]))
        manager = as_("manager")
        assert "Мельник Юлія" in manager.get("/onboarding/dashboard?sort=overdue&desc=1").text
        csv = manager.get("/onboarding/dashboard.csv")
        assert csv.headers["content-type"].startswith("text/csv") and "Мельник Юлія" in csv.text
        assert as_("hire").get("/onboarding/dashboard").status_code == 403

    def test_assign_form_keeps_what_was_typed_on_error(self, as_, people):
        client = as_("manager")
        response = _form(client, "/onboarding/assign", {"user_id": str(people["hire"].id), "start_date": "2026-12-01"})
        assert response.status_code == 422 and 'value="2026-12-01"' in response.text

    def test_template_builder(self, as_, people):
        client = as_("manager")
        created = _form(client, "/onboarding/templates", {"name": "Перший тиждень", "description": ""})
        assert created.status_code == 303
        url = created.headers["location"]
        assert _form(client, f"{url}/sections", {"title": "День перший"}).status_code == 303
        bad = _form(client, f"{url}/tasks", {"title": "Прочитати протокол", "kind": "read"})
        assert bad.status_code == 422 and "Прочитати протокол" in bad.text
        good = _form(client, f"{url}/tasks", {"title": "Отримати бейдж", "kind": "do", "due_offset_days": "0"})
        assert good.status_code == 303 and "Отримати бейдж" in client.get(url).text
        assert as_("hire").get(url).status_code == 403


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


class TestAttachments:
    def test_a_do_task_takes_a_photo_seen_by_the_manager_only(self, as_, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        hire = as_("hire")
        task_id = next(t["id"] for t in hire.get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"]
                       if t["kind"] == "do")
        response = hire.post(f"/onboarding/tasks/{task_id}/complete", follow_redirects=False,
                             data={"csrf_token": hire.headers["X-CSRF-Token"], "note": "Бейдж"},
                             files={"file": ("badge.png", PNG, "image/png")})
        assert response.status_code == 303
        task = next(t for t in as_("manager").get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"]
                    if t["id"] == task_id)
        (url,) = task["file_urls"]
        assert as_("manager").get(url).status_code == 200
        assert as_("other").get(url).status_code == 404

    def test_a_file_that_is_not_an_image_or_pdf_is_refused_with_the_plan_shown(self, as_, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        hire = as_("hire")
        task_id = next(t["id"] for t in hire.get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"]
                       if t["kind"] == "do")
        response = hire.post(f"/onboarding/tasks/{task_id}/complete", follow_redirects=False,
                             data={"csrf_token": hire.headers["X-CSRF-Token"]},
                             files={"file": ("x.exe", b"MZ\x90\x00binary", "application/octet-stream")})
        assert response.status_code == 422 and "Отримати бейдж" in response.text
