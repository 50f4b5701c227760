"""Onboarding pages: what each person sees, the forms, and the CSV."""

from datetime import timedelta

from sqlmodel import select

from app.models.users import Department
from app.services.onboarding.workdays import local_today
from tests.forms import find_form, submit
from tests.onboarding.helpers import assign, make_article, make_template

CSRF_REFUSED = "ключа безпеки"  # the 403 page's text when a form came without its token


def _own_token(client, path="/"):  # type: ignore[no-untyped-def]
    """The CSRF token of a form the person really has (the feed's), for a deliberately forged post."""
    return dict(find_form(client.get(path).text, "/posts", path).fields)["csrf_token"]


class TestMyOnboarding:
    def test_new_hire_sees_progress_overdue_and_buttons(self, as_, session, people):
        two_weeks_ago = local_today() - timedelta(days=14)
        assign(session, people, make_template(session, people["manager"]), start=two_weeks_ago)
        page = as_("hire").get("/onboarding")
        assert page.status_code == 200
        assert "Моя адаптація" in page.text and "<progress" in page.text
        assert "Прострочено" in page.text and "onb-overdue" in page.text
        assert "Позначити виконаним" in page.text and "Попросити підтвердити" in page.text

    def test_ticking_from_the_page_redirects_back_to_the_task(self, page_as, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        client = page_as("hire")
        task_id = client.get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"][0]["id"]
        response = submit(
            client, "/onboarding", f"/onboarding/tasks/{task_id}/complete", {"note": "Готово"}, follow_redirects=False
        )  # the page's own `next` brings the person back
        assert response.status_code == 303 and response.headers["location"] == f"/onboarding#task-{task_id}"

    def test_home_page_shows_my_onboarding_only_with_an_open_plan(self, as_, session, people):
        assert "Моя адаптація" not in as_("hire").get("/").text
        two_weeks_ago = local_today() - timedelta(days=14)
        assign(session, people, make_template(session, people["manager"]), start=two_weeks_ago)
        home = as_("hire").get("/").text
        assert home.index("Моя адаптація") < home.index('class="feed-list"')
        assert "<progress" in home and "onb-alert" in home and "Прострочено" in home
        assert "Позначити виконаним" in home and "Попросити підтвердити" in home
        assert 'value="/#task-' in home and "/onboarding/banner" not in home
        assert "Моя адаптація" not in as_("mentor").get("/").text

    def test_ticking_from_the_home_page_comes_back_home(self, page_as, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        client = page_as("hire")
        task_id = client.get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"][0]["id"]
        response = submit(client, "/", f"/onboarding/tasks/{task_id}/complete", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == f"/#task-{task_id}"
        assert "50%" in client.get("/").text

    def test_home_page_queries_do_not_grow_with_tasks(self, app, as_, session, people):
        from tests.queries import count_queries

        article = make_article(session, people["manager"])
        every_kind = {"article_id": article.id, "meet_user_id": people["mentor"].id}
        assign(session, people, make_template(session, people["manager"], name="Короткий", **every_kind))
        client = as_("hire")
        with count_queries(app) as one_plan:
            client.get("/")
        assign(session, people, make_template(session, people["manager"], name="Довгий", **every_kind))
        with count_queries(app) as two_plans:
            assert "Довгий" in client.get("/").text
        assert len(two_plans) == len(one_plan)


class TestMentorAndManagerPages:
    def test_mentor_sees_the_waiting_signoff(self, as_, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        hire = as_("hire")
        task = next(
            t for t in hire.get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"] if t["kind"] == "signoff"
        )
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

    def test_assign_form_keeps_what_was_typed_on_error(self, page_as, people):
        client = page_as("manager")
        response = submit(
            client,
            "/onboarding/assign",
            "/onboarding/assign",
            {"user_id": str(people["hire"].id), "start_date": "2026-12-01"},
            follow_redirects=False,
        )
        assert response.status_code == 422 and 'value="2026-12-01"' in response.text

    def test_template_builder(self, page_as, people):
        client = page_as("manager")
        created = submit(
            client,
            "/onboarding/templates",
            "/onboarding/templates",
            {"name": "Перший тиждень", "description": ""},
            follow_redirects=False,
        )
        assert created.status_code == 303
        url = created.headers["location"]
        added = submit(client, url, f"{url}/sections", {"title": "День перший"}, follow_redirects=False)
        assert added.status_code == 303
        bad = submit(
            client, url, f"{url}/tasks", {"title": "Прочитати протокол", "kind": "read"}, follow_redirects=False
        )
        assert bad.status_code == 422 and "Прочитати протокол" in bad.text
        good = submit(
            client,
            url,
            f"{url}/tasks",
            {"title": "Отримати бейдж", "kind": "do", "due_offset_days": "0"},
            follow_redirects=False,
        )
        assert good.status_code == 303 and "Отримати бейдж" in client.get(url).text
        assert page_as("hire").get(url).status_code == 403


class TestTemplateEditing:
    def test_editing_a_task_in_place_leaves_assigned_plans_alone(self, as_, page_as, session, people):
        template = make_template(session, people["manager"])
        plan = assign(session, people, template)
        client = page_as("manager")
        url = f"/onboarding/templates/{template.id}"
        task_id = client.get(f"/api/v1/onboarding/templates/{template.id}").json()["sections"][0]["tasks"][0]["id"]
        edited = submit(
            client,
            url,
            f"{url}/tasks/{task_id}/edit",
            {
                "title": "Познайомитися з наставницею",
                "kind": "meet",
                "due_offset_days": "2",
                "meet_user_id": str(people["mentor"].id),
                "instructions": "У **сестринській**.",
            },
            follow_redirects=False,
        )
        assert edited.status_code == 303 and edited.headers["location"].endswith(f"#task-{task_id}")
        page = client.get(url).text
        assert "Познайомитися з наставницею" in page and "Отримати бейдж" not in page and "версія 2" in page
        task = client.get(f"/api/v1/onboarding/templates/{template.id}").json()["sections"][0]["tasks"][0]
        assert (task["kind"], task["due_offset_days"], task["meet_user_id"]) == ("meet", 2, people["mentor"].id)
        hire_plan = as_("hire").get(f"/api/v1/onboarding/assignments/{plan.id}").json()
        assert [t["title"] for t in hire_plan["tasks"]][0] == "Отримати бейдж"

    def test_a_wrong_edit_comes_back_with_the_typed_text(self, page_as, session, people):
        template = make_template(session, people["manager"])
        client = page_as("manager")
        url = f"/onboarding/templates/{template.id}"
        task_id = client.get(f"/api/v1/onboarding/templates/{template.id}").json()["sections"][0]["tasks"][0]["id"]
        bad = submit(
            client,
            url,
            f"{url}/tasks/{task_id}/edit",
            {"title": "Зустріч без людини", "kind": "meet", "due_offset_days": "1"},
            follow_redirects=False,
        )
        assert bad.status_code == 422 and 'value="Зустріч без людини"' in bad.text and "з ким зустрітися" in bad.text

    def test_setting_target_roles_and_departments_on_the_page(self, page_as, session, people):
        template = make_template(session, people["manager"])
        client = page_as("manager")
        therapy = session.exec(select(Department.id).where(Department.name == "Терапія")).one()
        url = f"/onboarding/templates/{template.id}"
        saved = submit(
            client, url, url, {"target_roles": ["staff"], "department_ids": [str(therapy)]}, follow_redirects=False
        )
        assert saved.status_code == 303
        api = client.get(f"/api/v1/onboarding/templates/{template.id}").json()
        assert api["target_roles"] == ["staff"] and api["department_ids"] == [therapy]
        page = client.get(f"/onboarding/templates/{template.id}").text
        assert f'name="department_ids" value="{therapy}" checked' in page

    def test_only_managers_edit_and_only_tasks_of_that_template(self, page_as, session, people):
        template = make_template(session, people["manager"])
        other = make_template(session, people["manager"], name="Інший")
        client = page_as("manager")
        task_id = client.get(f"/api/v1/onboarding/templates/{template.id}").json()["sections"][0]["tasks"][0]["id"]
        data = {"title": "Нове", "kind": "do", "due_offset_days": "0"}
        hire = page_as("hire")
        assert hire.get(f"/onboarding/templates/{template.id}").status_code == 403  # no page, so no form
        # Deliberately forged: the hire sends the edit with the token of their own feed form.
        refused = hire.post(
            f"/onboarding/templates/{template.id}/tasks/{task_id}/edit",
            data={**data, "csrf_token": _own_token(hire)},
            follow_redirects=False,
        )
        assert refused.status_code == 403 and CSRF_REFUSED not in refused.text
        # Deliberately forged: the other template's page has no form for this task; its token, a mixed-up address.
        other_page = f"/onboarding/templates/{other.id}"
        token = dict(find_form(client.get(other_page).text, other_page, other_page).fields)["csrf_token"]
        mixed = client.post(
            f"{other_page}/tasks/{task_id}/edit", data={**data, "csrf_token": token}, follow_redirects=False
        )
        assert mixed.status_code == 404


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


class TestAttachments:
    def test_a_do_task_takes_a_photo_seen_by_the_manager_only(self, as_, page_as, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        hire = page_as("hire")
        task_id = next(
            t["id"] for t in hire.get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"] if t["kind"] == "do"
        )
        response = submit(
            hire,
            "/onboarding",
            f"/onboarding/tasks/{task_id}/complete",
            {"note": "Бейдж"},
            files={"file": ("badge.png", PNG, "image/png")},
            follow_redirects=False,
        )
        assert response.status_code == 303
        task = next(
            t
            for t in as_("manager").get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"]
            if t["id"] == task_id
        )
        (url,) = task["file_urls"]
        assert as_("manager").get(url).status_code == 200
        assert as_("other").get(url).status_code == 404

    def test_a_file_that_is_not_an_image_or_pdf_is_refused_with_the_plan_shown(self, page_as, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        hire = page_as("hire")
        task_id = next(
            t["id"] for t in hire.get(f"/api/v1/onboarding/assignments/{plan.id}").json()["tasks"] if t["kind"] == "do"
        )
        response = submit(
            hire,
            "/onboarding",
            f"/onboarding/tasks/{task_id}/complete",
            files={"file": ("x.exe", b"MZ\x90\x00binary", "application/octet-stream")},
            follow_redirects=False,
        )
        assert response.status_code == 422 and "Отримати бейдж" in response.text
