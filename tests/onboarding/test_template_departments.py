"""A checklist template belongs to its departments: only a manager of every one of them (or an admin) changes it
or pushes its tasks, and managers use it only in its departments; a template for the whole hospital is changed by
admins and used by every manager."""

import re
from types import SimpleNamespace

import pytest
from sqlmodel import select

from app.models.onboarding import (
    AssignmentCreate,
    Checklist,
    OnboardingAssignment,
    OnboardingRule,
)
from app.services import users as users_service
from app.services.onboarding import assignments, checklists
from tests.conftest import sign_in
from tests.factories import make_checklist, make_user
from tests.forms import find_form, submit
from tests.onboarding.helpers import MONDAY, assign

NAME = "Перший тиждень у терапії"
DENIED = "Змінити цей шаблон плану адаптації може лише керівник усіх його відділень."
OTHERS = "Цей шаблон плану адаптації належить іншим відділенням."
OWN_ONLY = "Можна вибрати лише ті відділення, якими ви керуєте."
ONE_OF_YOURS = "Виберіть принаймні одне зі своїх відділень"


def _department(session, people, name):
    """The id of the (first) department the person belongs to."""
    return users_service.department_ids_of(session=session, user=people[name])[0]


@pytest.fixture
def admin(session):
    """An administrator."""
    return make_user(session, email="chief@kolo.test", name="Коваленко Оксана", role="admin")


@pytest.fixture
def therapy(session, people):
    """Therapy's template (for Therapy), its task, and an open plan of Therapy's new hire from it."""
    template = make_checklist(
        session, people["manager"], name=NAME, department_ids=[_department(session, people, "manager")]
    )
    plan = assign(session, people, template)
    section, tasks = checklists.checklist_structure(session=session, template=template)[0]
    return SimpleNamespace(
        id=template.id,
        task_id=tasks[0].id,
        section_id=section.id if section else None,
        plan_id=plan.id,
        url=f"/onboarding/templates/{template.id}",
    )


def _unchanged(session, people, therapy):
    """The template, its task, the new hire's plan and the rules are as they were; nobody else got a plan."""
    session.expire_all()
    template = session.get(Checklist, therapy.id)
    assert template is not None and template.archived_at is None
    assert (template.name, template.version) == (NAME, 1)
    structure = checklists.checklist_structure(session=session, template=template)
    assert [(s.title if s else "", [t.title for t in tasks]) for s, tasks in structure] == [
        ("День перший", ["Отримати бейдж"])
    ]
    plan = session.get(OnboardingAssignment, therapy.plan_id)
    assert plan is not None and plan.total_tasks == 1
    assert session.exec(select(OnboardingRule)).all() == []
    assert (
        session.exec(select(OnboardingAssignment).where(OnboardingAssignment.user_id != people["hire"].id)).all() == []
    )


def _api_writes(therapy, department_id, user_id):
    """Every API write of a template (and every use of it), with a valid body."""
    t = f"/api/v1/onboarding/templates/{therapy.id}"
    task = {"title": "Підписати графік", "kind": "do"}
    return [
        ("PATCH", t, {"name": "Чужий шаблон"}),
        ("POST", f"{t}/tasks", {**task, "push_to_open": True}),
        ("PUT", f"{t}/tasks/{therapy.task_id}", task),
        ("DELETE", f"{t}/tasks/{therapy.task_id}", None),
        ("POST", "/api/v1/onboarding/rules", {"department_id": department_id, "template_id": therapy.id}),
        (
            "POST",
            "/api/v1/onboarding/assignments",
            {"user_id": user_id, "template_id": therapy.id, "start_date": MONDAY.isoformat()},
        ),
        ("DELETE", t, None),
    ]


def _page_writes(therapy, department_id, user_id):
    """Every page form that changes a template (or uses it), with what its fields would say."""
    t = therapy.url
    task = {"title": "Підписати графік", "kind": "do", "due_offset_days": "0"}
    return [
        (t, {"name": "Чужий шаблон", "description": ""}),
        (f"{t}/sections", {"title": "День другий"}),
        (f"{t}/tasks", {**task, "push_to_open": "on"}),
        (f"{t}/tasks/{therapy.task_id}/edit", task),
        (f"{t}/rules", {"department_id": str(department_id), "mentor_id": ""}),
        (
            "/onboarding/assign",
            {
                "user_id": str(user_id),
                "template_ids": str(therapy.id),
                "start_date": MONDAY.isoformat(),
                "mentor_id": "",
            },
        ),
        (f"{t}/tasks/{therapy.task_id}/move", {"direction": "down"}),
        (f"{t}/sections/{therapy.section_id}/rename", {"title": "Чужий розділ"}),
        (f"{t}/tasks/{therapy.task_id}/delete", {}),
        (f"{t}/sections/{therapy.section_id}/delete", {}),
    ]


class TestAnotherDepartmentsManager:
    def test_every_api_write_is_refused(self, as_, session, people, therapy):
        client = as_("other_manager")
        wrong = []
        for method, path, body in _api_writes(therapy, _department(session, people, "other"), people["other"].id):
            response = client.request(method, path, json=body)
            if response.status_code != 403 or response.json()["detail"] not in (DENIED, OTHERS):
                wrong.append(f"{method} {path} -> {response.status_code} {response.text[:150]}")
        assert wrong == []
        _unchanged(session, people, therapy)

    def test_every_page_form_is_refused(self, page_as, session, people, therapy):
        client = page_as("other_manager")
        csrf = dict(find_form(client.get("/").text, "/posts").fields)["csrf_token"]  # theirs are hidden: forge
        wrong = []
        for path, data in _page_writes(therapy, _department(session, people, "other"), people["other"].id):
            response = client.post(path, data={**data, "csrf_token": csrf}, follow_redirects=False)
            if response.status_code != 403 or (DENIED not in response.text and OTHERS not in response.text):
                wrong.append(f"POST {path} -> {response.status_code}")
        assert wrong == []
        _unchanged(session, people, therapy)

    def test_the_page_shows_the_template_without_its_forms(self, page_as, therapy):
        page = page_as("other_manager").get(therapy.url)
        assert page.status_code == 200 and "Отримати бейдж" in page.text and DENIED in page.text
        # Copying is the one thing left to them: the copy is theirs to change.
        actions = re.findall(rf'action="{therapy.url}[^"]*"', page.text)
        assert actions == [f'action="{therapy.url}/copy"'] and 'name="department_ids"' not in page.text

    def test_the_assign_form_does_not_offer_it(self, page_as, therapy):
        assert NAME not in page_as("other_manager").get("/onboarding/assign").text
        assert NAME in page_as("manager").get("/onboarding/assign").text


class TestTheDepartmentsOwnManager:
    def test_every_api_write_succeeds(self, as_, session, people, therapy):
        client = as_("manager")
        writes = _api_writes(therapy, _department(session, people, "manager"), people["mentor"].id)
        assert [client.request(m, p, json=b).status_code for m, p, b in writes] == [200, 201, 200, 204, 201, 201, 204]

    def test_every_page_form_succeeds(self, page_as, session, people, therapy):
        client = page_as("manager")
        wrong = []
        for path, data in _page_writes(therapy, _department(session, people, "manager"), people["mentor"].id):
            response = submit(
                client, path if path.endswith("/assign") else therapy.url, path, data, follow_redirects=False
            )
            if response.status_code != 303:
                wrong.append(f"POST {path} -> {response.status_code}")
        assert wrong == []

    def test_a_push_reaches_only_the_plans_they_manage(self, as_, session, people, admin, therapy):
        elsewhere = assignments.assign_template(
            session=session,
            actor=admin,
            holidays=[],
            data=AssignmentCreate(user_id=people["other"].id, template_id=therapy.id, start_date=MONDAY),
        )  # an admin may, in Surgery
        added = as_("manager").post(
            f"/api/v1/onboarding/templates/{therapy.id}/tasks",
            json={"title": "Підписати графік", "kind": "do", "push_to_open": True},
        )
        assert added.status_code == 201 and added.json()["pushed_to"] == 1
        session.expire_all()
        assert session.get(OnboardingAssignment, therapy.plan_id).total_tasks == 2  # type: ignore[union-attr]
        assert session.get(OnboardingAssignment, elsewhere.id).total_tasks == 1  # type: ignore[union-attr]


class TestChoosingDepartments:
    def test_a_new_template_is_for_the_managers_departments(self, as_, page_as, session, people):
        created = as_("manager").post("/api/v1/onboarding/templates", json={"name": NAME})
        assert created.status_code == 201
        assert created.json()["department_ids"] == [_department(session, people, "manager")]
        made = submit(
            page_as("manager"),
            "/onboarding/templates",
            "/onboarding/templates",
            {"name": "Адаптація санітара"},
            follow_redirects=False,
        )
        assert made.status_code == 303
        page = page_as("manager").get(made.headers["location"]).text
        assert f'action="{made.headers["location"]}/sections"' in page and DENIED not in page

    def test_a_manager_cannot_make_one_for_another_department(self, as_, session, people):
        surgery = _department(session, people, "other")
        created = as_("manager").post("/api/v1/onboarding/templates", json={"name": NAME, "department_ids": [surgery]})
        assert created.status_code == 422 and created.json()["detail"] == OWN_ONLY
        assert session.exec(select(Checklist)).all() == []

    def test_nor_give_their_template_to_another_department_or_to_the_whole_hospital(
        self, as_, page_as, session, people, therapy
    ):
        surgery, own = _department(session, people, "other"), _department(session, people, "manager")
        client = as_("manager")
        both = client.patch(f"/api/v1/onboarding/templates/{therapy.id}", json={"department_ids": [own, surgery]})
        assert both.status_code == 422 and both.json()["detail"] == OWN_ONLY
        none = client.patch(f"/api/v1/onboarding/templates/{therapy.id}", json={"department_ids": []})
        assert none.status_code == 422 and ONE_OF_YOURS in none.json()["detail"]
        page = page_as("manager")
        shown = page.get(therapy.url).text
        assert ("department_ids", str(own)) in find_form(shown, therapy.url, therapy.url).fields
        assert f'name="department_ids" value="{surgery}"' not in shown
        forged = submit(
            page,
            therapy.url,
            therapy.url,
            {"name": "Новий перший тиждень", "department_ids": [str(own), str(surgery)]},
            follow_redirects=False,
        )
        assert forged.status_code == 422 and OWN_ONLY in forged.text
        _unchanged(session, people, therapy)


class TestAWholeHospitalTemplate:
    @pytest.fixture
    def general(self, session, admin):
        """A template for no department, made by an admin."""
        return make_checklist(session, admin, name=NAME, department_ids=[])

    def test_only_admins_change_it(self, as_, new_client, session, people, admin, general):
        url = f"/api/v1/onboarding/templates/{general.id}"
        refused = as_("manager").patch(url, json={"name": "Загальна адаптація"})
        assert refused.status_code == 403 and refused.json()["detail"] == DENIED
        assert sign_in(new_client(), admin.email).patch(url, json={"name": "Загальна адаптація"}).status_code == 200

    def test_every_manager_may_still_use_it_in_their_department(self, as_, session, people, general):
        client = as_("manager")
        rule = client.post(
            "/api/v1/onboarding/rules",
            json={"department_id": _department(session, people, "manager"), "template_id": general.id},
        )
        plan = client.post(
            "/api/v1/onboarding/assignments",
            json={"user_id": people["hire"].id, "template_id": general.id, "start_date": MONDAY.isoformat()},
        )
        assert (rule.status_code, plan.status_code) == (201, 201)
