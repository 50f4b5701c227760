"""The template editor offers and accepts only the guides the editing manager may read in the knowledge base."""

import pytest

from app.services.users import department_ids_of
from tests.factories import set_article_departments
from tests.kb.helpers import make_article, publish
from tests.onboarding.helpers import make_head_of_both, make_template, submit

REFUSED = "немає, або у вас немає доступу до неї"


def _department_only(session, manager, title):
    """A published guide only for the manager's departments."""
    article = make_article(session, manager, title=title, body="Лише для свого відділення.")
    set_article_departments(session, article, manager, department_ids_of(session=session, user=manager))
    return publish(session, article, manager)


@pytest.fixture
def guides(session, people):
    """A guide for everyone, one only for Therapy and one only for Surgery (each written by its head)."""
    for_all = publish(
        session, make_article(session, people["other_manager"], title="Гігієна рук"), people["other_manager"]
    )
    return {
        "all": for_all,
        "therapy": _department_only(session, people["manager"], "Протокол терапії"),
        "surgery": _department_only(session, people["other_manager"], "Протокол хірургії"),
    }


def _picker(client, template_id):
    """The options of the guide picker in the form for a new task."""
    page = client.get(f"/onboarding/templates/{template_id}").text
    return page.split('class="onb-add-task"')[1].split('name="article_id"')[1].split("</select>")[0]


class TestPicker:
    def test_each_manager_sees_only_guides_they_may_read(self, as_, session, people, guides):
        template = make_template(session, people["manager"])
        therapy = _picker(as_("manager"), template.id)
        assert ">Гігієна рук<" in therapy and ">Протокол терапії<" in therapy
        assert "Протокол хірургії" not in therapy and f'value="{guides["surgery"].id}"' not in therapy
        surgery = _picker(as_("other_manager"), make_template(session, people["other_manager"]).id)
        assert ">Гігієна рук<" in surgery and ">Протокол хірургії<" in surgery
        assert "Протокол терапії" not in surgery and f'value="{guides["therapy"].id}"' not in surgery
        assert "Протокол хірургії" not in as_("manager").get(f"/onboarding/templates/{template.id}").text


class TestAttachingAnUnreadableGuide:
    def test_the_page_form_refuses_it(self, as_, session, people, guides):
        template = make_template(session, people["manager"])
        url = f"/onboarding/templates/{template.id}"
        client = as_("manager")
        refused = submit(
            client,
            f"{url}/tasks",
            {"title": "Прочитати чужий протокол", "kind": "read", "article_id": str(guides["surgery"].id)},
        )
        assert refused.status_code == 422 and REFUSED in refused.text
        assert "Протокол хірургії" not in refused.text
        assert "Прочитати чужий протокол" not in client.get(url).text.split('id="add-task"')[0]
        allowed = submit(
            client,
            f"{url}/tasks",
            {"title": "Прочитати протокол терапії", "kind": "read", "article_id": str(guides["therapy"].id)},
        )
        assert allowed.status_code == 303

    def test_the_api_refuses_it_when_adding_creating_or_editing(self, as_, session, people, guides):
        template = make_template(session, people["manager"])
        client = as_("manager")
        task = {"title": "Прочитати протокол", "kind": "read", "article_id": guides["surgery"].id}
        added = client.post(f"/api/v1/onboarding/templates/{template.id}/tasks", json=task)
        assert added.status_code == 422 and REFUSED in added.json()["detail"]
        created = client.post(
            "/api/v1/onboarding/templates",
            json={"name": "Хірургія", "sections": [{"title": "День 1", "tasks": [task]}]},
        )
        assert created.status_code == 422 and REFUSED in created.json()["detail"]
        do_task = client.get(f"/api/v1/onboarding/templates/{template.id}").json()["sections"][0]["tasks"][0]
        edited = client.put(f"/api/v1/onboarding/templates/{template.id}/tasks/{do_task['id']}", json=task)
        assert edited.status_code == 422 and REFUSED in edited.json()["detail"]
        shown = client.get(f"/api/v1/onboarding/templates/{template.id}").json()
        assert all(t["article_id"] != guides["surgery"].id for s in shown["sections"] for t in s["tasks"])

    def test_a_missing_guide_gets_the_same_answer(self, as_, session, people, guides):
        template = make_template(session, people["manager"])
        missing = as_("manager").post(
            f"/api/v1/onboarding/templates/{template.id}/tasks",
            json={"title": "Прочитати", "kind": "read", "article_id": 999_999},
        )
        assert missing.status_code == 422 and REFUSED in missing.json()["detail"]

    def test_the_departments_own_manager_may_attach_it(self, as_, session, people, guides):
        template = make_template(session, people["other_manager"])
        added = as_("other_manager").post(
            f"/api/v1/onboarding/templates/{template.id}/tasks",
            json={"title": "Прочитати протокол хірургії", "kind": "read", "article_id": guides["surgery"].id},
        )
        assert added.status_code == 201, added.text

    def test_editing_a_task_that_already_links_it_keeps_the_link(self, as_, session, people, guides):
        template = make_template(session, people["manager"])
        make_head_of_both(session, people)
        added = (
            as_("both")
            .post(
                f"/api/v1/onboarding/templates/{template.id}/tasks",
                json={"title": "Прочитати протокол хірургії", "kind": "read", "article_id": guides["surgery"].id},
            )
            .json()
        )
        edited = as_("manager").put(
            f"/api/v1/onboarding/templates/{template.id}/tasks/{added['task']['id']}",
            json={
                "title": "Прочитати протокол хірургії до п’ятниці",
                "kind": "read",
                "article_id": guides["surgery"].id,
            },
        )
        assert edited.status_code == 200, edited.text
