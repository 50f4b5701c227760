"""The onboarding API: status codes, JSON shapes, and who may call what."""

from tests.onboarding.helpers import MONDAY, assign, make_template


def _template_body(meet_user_id):
    return {
        "name": "Перший тиждень медичної сестри",
        "description": "Для нових медсестер терапії",
        "sections": [
            {
                "title": "День перший",
                "tasks": [
                    {"title": "Отримати бейдж", "kind": "do", "due_offset_days": 0},
                    {
                        "title": "Зустріч зі старшою сестрою",
                        "kind": "meet",
                        "meet_user_id": meet_user_id,
                        "due_offset_days": 1,
                    },
                    {"title": "Внутрішньовенна ін’єкція", "kind": "signoff", "due_offset_days": 2},
                ],
            }
        ],
    }


class TestTemplatesApi:
    def test_manager_creates_a_template_and_staff_gets_403(self, as_, people):
        body = _template_body(people["mentor"].id)
        assert as_("hire").post("/api/v1/onboarding/templates", json=body).status_code == 403
        response = as_("manager").post("/api/v1/onboarding/templates", json=body)
        assert response.status_code == 201
        data = response.json()
        assert data["version"] == 1 and data["url"].startswith("/onboarding/templates/")
        assert [t["kind"] for t in data["sections"][0]["tasks"]] == ["do", "meet", "signoff"]

    def test_bad_task_is_a_clear_422(self, as_):
        body = {"name": "Т", "sections": [{"title": "С", "tasks": [{"title": "Зустріч", "kind": "meet"}]}]}
        response = as_("manager").post("/api/v1/onboarding/templates", json=body)
        assert response.status_code == 422 and "зустрітися" in response.json()["detail"]

    def test_push_added_task_to_open_plans(self, as_, session, people):
        template = make_template(session, people["manager"])
        assign(session, people, template)
        response = as_("manager").post(
            f"/api/v1/onboarding/templates/{template.id}/tasks",
            json={"title": "Інструктаж", "kind": "do", "push_to_open": True},
        )
        assert response.status_code == 201 and response.json()["pushed_to"] == 1


class TestAssignmentsApi:
    def test_assign_read_and_complete(self, as_, session, people):
        template = make_template(session, people["manager"])
        response = as_("manager").post(
            "/api/v1/onboarding/assignments",
            json={
                "user_id": people["hire"].id,
                "template_id": template.id,
                "start_date": MONDAY.isoformat(),
                "mentor_id": people["mentor"].id,
            },
        )
        assert response.status_code == 201, response.text
        plan = response.json()
        assert plan["total_tasks"] == 2 and plan["percent_done"] == 0 and plan["mentor_name"] == "Шевченко Марія"
        do = next(t for t in plan["tasks"] if t["kind"] == "do")
        assert "<strong>" in do["html"]
        hire = as_("hire")
        done = hire.post(
            f"/api/v1/onboarding/assignments/{plan['id']}/tasks/{do['id']}/complete", json={"note": "Отримала"}
        )
        assert done.status_code == 200 and done.json()["status"] == "done"
        assert hire.get(f"/api/v1/onboarding/assignments/{plan['id']}").json()["percent_done"] == 50

    def test_new_hire_cannot_sign_off_own_competency(self, as_, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        task = next(
            t
            for t in as_("hire").get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"]
            if t["kind"] == "signoff"
        )
        url = f"/api/v1/onboarding/assignments/{plan.id}/tasks/{task['id']}"
        hire = as_("hire")
        assert hire.post(f"{url}/signoff", json={}).status_code == 403
        assert hire.post(f"{url}/request-signoff").json()["status"] == "requested"
        assert as_("mentor").post(f"{url}/signoff", json={"comment": "Так"}).json()["status"] == "done"

    def test_others_cannot_see_a_plan(self, as_, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        for name in ("other", "other_manager"):
            assert as_(name).get(f"/api/v1/onboarding/assignments/{plan.id}").status_code == 404
        assert as_("other").get("/api/v1/onboarding/assignments").json()["items"] == []
        assert [p["id"] for p in as_("mentor").get("/api/v1/onboarding/assignments").json()["items"]] == [plan.id]

    def test_manager_of_another_department_cannot_assign_or_close(self, as_, session, people):
        template = make_template(session, people["manager"])
        plan = assign(session, people, template)
        other = as_("other_manager")
        assert (
            other.post(f"/api/v1/onboarding/assignments/{plan.id}/close", json={"reason": "Не моя"}).status_code == 404
        )
        response = other.post(
            "/api/v1/onboarding/assignments",
            json={"user_id": people["hire"].id, "template_id": template.id, "start_date": MONDAY.isoformat()},
        )
        assert response.status_code == 403

    def test_mentor_cannot_close_or_extend(self, as_, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        mentor = as_("mentor")
        assert (
            mentor.post(f"/api/v1/onboarding/assignments/{plan.id}/close", json={"reason": "Хочу"}).status_code == 403
        )

    def test_extend_and_close(self, as_, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        manager = as_("manager")
        task = manager.get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"][0]
        url = f"/api/v1/onboarding/assignments/{plan.id}/tasks/{task['id']}/due"
        assert (
            manager.post(url, json={"due_date": "2026-12-15", "reason": "Лікарняний"}).json()["due_date"]
            == "2026-12-15"
        )
        assert manager.post(url, json={"due_date": "2026-12-01"}).status_code == 422
        closed = manager.post(f"/api/v1/onboarding/assignments/{plan.id}/close", json={"reason": "Переведена"})
        assert closed.json()["status"] == "closed"

    def test_anonymous_gets_401(self, client):
        assert client.get("/api/v1/onboarding/assignments").status_code == 401


class TestDashboardApi:
    def test_manager_sees_only_their_departments(self, as_, session, people):
        assign(session, people, make_template(session, people["manager"]))
        assert len(as_("manager").get("/api/v1/onboarding/dashboard").json()) == 1
        assert as_("other_manager").get("/api/v1/onboarding/dashboard").json() == []
        assert as_("mentor").get("/api/v1/onboarding/dashboard").status_code == 403
