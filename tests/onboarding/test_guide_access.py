"""Plans name a linked guide only to people who may read it (the KB's rule); a new hire who cannot read or
acknowledge it asks the mentor, who confirms the task; the template editor keeps a link the editor cannot open."""

import re
from types import SimpleNamespace

import pytest
from sqlmodel import select

from app.errors import InvalidInput
from app.models.onboarding import OnboardingAssignedTask, OnboardingAssignment, TaskKind, TaskStatus
from app.services.kb import access, lifecycle
from app.services.onboarding import tasks
from app.services.users import department_ids_of
from tests.factories import set_article_departments
from tests.kb.helpers import make_article as draft
from tests.kb.helpers import publish
from tests.onboarding.helpers import assign, make_head_of_both, make_template, submit

TITLE = "Протокол хірургії"
HIDDEN = "Пов’язана настанова вам недоступна"
ASK = "Попросити наставника підтвердити"
CONFIRM = "Підтвердити виконання"


def _surgery_only(session, people, guide):
    """Surgery's head narrows the guide's audience to Surgery."""
    head = people["other_manager"]
    return set_article_departments(session, guide, head, department_ids_of(session=session, user=head))


@pytest.fixture
def plan(session, people):
    """Therapy's new hire reads a guide for everyone written by Surgery's head, which asks for acknowledgement."""
    guide = publish(
        session,
        draft(session, people["other_manager"], title=TITLE, requires_acknowledgement=True),
        people["other_manager"],
    )
    assignment = assign(session, people, make_template(session, people["manager"], article_id=guide.id))
    read = session.exec(
        select(OnboardingAssignedTask).where(
            OnboardingAssignedTask.assignment_id == assignment.id, OnboardingAssignedTask.kind == TaskKind.read
        )
    ).one()
    return SimpleNamespace(
        guide=guide, assignment=assignment, read=read, url=f"/onboarding/assignments/{assignment.id}"
    )


def _api_read_task(client, plan):
    response = client.get(f"/api/v1/onboarding/assignments/{plan.assignment.id}")
    assert response.status_code == 200, response.text
    return response, next(t for t in response.json()["tasks"] if t["kind"] == "read")


class TestPlansNameOnlyReadableGuides:
    def test_a_guide_the_new_hire_may_read_is_named_and_linked(self, as_, plan):
        hire = as_("hire")
        assert f"Відкрити настанову: {TITLE}" in hire.get(plan.url).text
        _, task = _api_read_task(hire, plan)
        assert task["article_id"] == plan.guide.id and task["article_url"] == f"/kb/{plan.guide.slug}"
        assert task["article_hidden"] is False and task["needs_confirmation"] is False

    def test_a_guide_made_department_only_later_is_not_named_to_anyone_outside(self, as_, session, people, plan):
        _surgery_only(session, people, plan.guide)
        pages = {"hire": [plan.url, "/onboarding", "/"], "mentor": [plan.url], "manager": [plan.url]}
        for who, urls in pages.items():
            client = as_(who)
            for url in urls:
                page = client.get(url)
                assert page.status_code == 200 and plan.read.title in page.text, (who, url)
                assert TITLE not in page.text and f"/kb/{plan.guide.slug}" not in page.text, (who, url)
                assert HIDDEN in page.text, (who, url)
            response, task = _api_read_task(client, plan)
            assert task["article_hidden"] is True and task["article_id"] is None and task["article_url"] is None
            assert TITLE not in response.text and plan.guide.slug not in response.text

    def test_the_note_is_in_english_too(self, as_, session, people, plan):
        _surgery_only(session, people, plan.guide)
        hire = as_("hire")
        hire.headers["Accept-Language"] = "en"
        page = hire.get(plan.url).text
        assert "The linked guide is not available to you." in page and TITLE not in page


class TestANewHireWhoCannotAcknowledgeTheGuide:
    def test_asks_the_mentor_who_confirms_the_task(self, as_, session, people, plan):
        _surgery_only(session, people, plan.guide)
        hire = as_("hire")
        assert submit(hire, f"/kb/{plan.guide.slug}/acknowledge", {}).status_code == 404
        assert ASK in hire.get(plan.url).text
        asked = submit(hire, f"/onboarding/tasks/{plan.read.id}/request-signoff", {"next": plan.url})
        assert asked.status_code == 303
        assert "Очікує підтвердження наставника" in hire.get(plan.url).text
        mentor = as_("mentor")
        waiting = mentor.get("/onboarding/mentoring").text
        assert plan.read.title in waiting and CONFIRM in waiting and TITLE not in waiting
        confirmed = submit(
            mentor,
            f"/onboarding/tasks/{plan.read.id}/signoff",
            {"comment": "Розібрали протокол разом", "next": "/onboarding/mentoring"},
        )
        assert confirmed.status_code == 303
        task = session.get(OnboardingAssignedTask, plan.read.id, populate_existing=True)
        assert task.status == TaskStatus.done and task.completed_by_id == people["mentor"].id
        assert session.get(OnboardingAssignment, plan.assignment.id, populate_existing=True).done_tasks == 1

    def test_a_manager_of_the_plan_confirms_it_through_the_api(self, as_, session, people, plan):
        _surgery_only(session, people, plan.guide)
        base = f"/api/v1/onboarding/assignments/{plan.assignment.id}/tasks/{plan.read.id}"
        _, task = _api_read_task(as_("hire"), plan)
        assert task["needs_confirmation"] is True
        asked = as_("hire").post(f"{base}/request-signoff")
        assert asked.status_code == 200 and asked.json()["status"] == "requested"
        manager = as_("manager")
        assert CONFIRM in manager.get(plan.url).text
        done = manager.post(f"{base}/signoff", json={"comment": "Пояснив усно"})
        assert done.status_code == 200 and done.json()["status"] == "done"
        assert TITLE not in done.text

    def test_an_archived_guide_stays_named_but_is_confirmed_by_the_mentor(self, as_, session, people, plan):
        lifecycle.archive(session=session, user=people["other_manager"], article=plan.guide)
        page = as_("hire").get(plan.url).text
        # The KB still lets its audience read an archived guide, but no longer asks anyone to acknowledge it.
        assert f"Відкрити настанову: {TITLE}" in page and ASK in page
        tasks.request_signoff(session=session, actor=people["hire"], task_id=plan.read.id)
        done = tasks.sign_off(session=session, actor=people["mentor"], task_id=plan.read.id)
        assert done.status == TaskStatus.done

    def test_a_request_stays_confirmable_when_the_guide_opens_again(self, session, people, plan):
        guide = _surgery_only(session, people, plan.guide)
        tasks.request_signoff(session=session, actor=people["hire"], task_id=plan.read.id)
        set_article_departments(session, guide, people["other_manager"], [])
        access.check_readable(session=session, user=people["hire"], article=guide)  # theirs to read again
        assert tasks.sign_off(session=session, actor=people["mentor"], task_id=plan.read.id).status == TaskStatus.done

    def test_a_guide_the_new_hire_can_acknowledge_is_still_only_acknowledged(self, as_, session, people, plan):
        page = as_("hire").get(plan.url).text
        assert ASK not in page and "позначите «Ознайомлений(-а)»" in page
        assert CONFIRM not in as_("mentor").get(plan.url).text
        with pytest.raises(InvalidInput):
            tasks.request_signoff(session=session, actor=people["hire"], task_id=plan.read.id)
        with pytest.raises(InvalidInput):
            tasks.sign_off(session=session, actor=people["mentor"], task_id=plan.read.id)
        assert session.get(OnboardingAssignedTask, plan.read.id, populate_existing=True).status == TaskStatus.open


def _edit_picker(page, task_id):
    """The guide picker in the task's edit form."""
    form = page.split(f'id="task-{task_id}"')[1].split('class="onb-edit"')[1].split("</form>")[0]
    return form.split('name="article_id"')[1].split("</select>")[0]


def _sent_value(picker):
    """What a browser sends for the picker: the selected option, else the first one ("—", empty)."""
    selected = re.search(r'<option value="([^"]*)"\s+selected\s*>', picker)
    return selected.group(1) if selected else ""


class TestEditingATaskWhoseGuideTheEditorCannotRead:
    @pytest.fixture
    def linked(self, as_, session, people):
        """Therapy's template with a task a head of Therapy and Surgery linked to a Surgery-only guide."""
        guide = publish(session, draft(session, people["other_manager"], title=TITLE), people["other_manager"])
        guide = _surgery_only(session, people, guide)
        template = make_template(session, people["manager"])
        make_head_of_both(session, people)
        added = as_("both").post(
            f"/api/v1/onboarding/templates/{template.id}/tasks",
            json={"title": "Прочитати протокол хірургії", "kind": "read", "article_id": guide.id},
        )
        assert added.status_code == 201, added.text
        return SimpleNamespace(
            guide=guide,
            template=template,
            task_id=added.json()["task"]["id"],
            url=f"/onboarding/templates/{template.id}",
        )

    def test_the_picker_offers_the_kept_link_without_its_title(self, as_, linked):
        page = as_("manager").get(linked.url).text
        picker = _edit_picker(page, linked.task_id)
        assert _sent_value(picker) == str(linked.guide.id)
        assert "Настанова, яку ви не можете відкрити" in picker and TITLE not in page
        new_task_picker = page.split('class="onb-add-task"')[1].split('name="article_id"')[1].split("</select>")[0]
        assert f'value="{linked.guide.id}"' not in new_task_picker  # kept for that task only, never offered

    def test_saving_the_form_as_shown_keeps_the_link(self, as_, linked):
        client = as_("manager")
        picker = _edit_picker(client.get(linked.url).text, linked.task_id)
        saved = submit(
            client,
            f"{linked.url}/tasks/{linked.task_id}/edit",
            {
                "title": "Прочитати протокол хірургії до п’ятниці",
                "kind": "read",
                "due_offset_days": "2",
                "instructions": "",
                "article_id": _sent_value(picker),
                "meet_user_id": "",
            },
        )
        assert saved.status_code == 303, saved.text
        shown = client.get(f"/api/v1/onboarding/templates/{linked.template.id}").json()
        task = next(t for s in shown["sections"] for t in s["tasks"] if t["id"] == linked.task_id)
        assert task["title"] == "Прочитати протокол хірургії до п’ятниці" and task["article_id"] == linked.guide.id

    def test_a_head_of_its_department_sees_it_by_name(self, as_, linked):
        picker = _edit_picker(as_("both").get(linked.url).text, linked.task_id)
        assert re.search(rf'<option value="{linked.guide.id}"\s+selected\s*>{TITLE}<', picker)
        assert "Настанова, яку ви не можете відкрити" not in picker
