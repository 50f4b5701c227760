"""Onboarding in search: templates and their instructions for managers, a new hire's own tasks for them."""

from sqlmodel import select

from app.models.onboarding import OnboardingAssignedTask
from app.models.search import SearchOutbox
from app.services.onboarding.search import ChecklistSource, TaskSource
from tests.onboarding.helpers import assign, make_people, make_template


def test_templates_are_for_managers_with_their_task_instructions(session):
    people = make_people(session)
    template = make_template(session, people["manager"])
    assert f"template:{template.id}" in session.exec(select(SearchOutbox.key)).all()
    (doc,) = ChecklistSource().load(session, [template.id])
    assert doc.visibility == ["role:manager"] and "відділ кадрів" in doc.body and "Отримати бейдж" in doc.body
    assert ChecklistSource().readable_ids(session, people["hire"], [template.id]) == set()
    assert ChecklistSource().readable_ids(session, people["manager"], [template.id]) == {template.id}


def test_a_new_hire_finds_only_their_own_tasks(session):
    people = make_people(session)
    plan = assign(session, people, make_template(session, people["manager"]))
    ids = list(
        session.exec(select(OnboardingAssignedTask.id).where(OnboardingAssignedTask.assignment_id == plan.id)).all()
    )
    keys = set(session.exec(select(SearchOutbox.key)).all())
    assert {f"task:{i}" for i in ids} <= keys
    docs = TaskSource().load(session, ids)
    assert {tuple(d.visibility) for d in docs} == {(f"user:{people['hire'].id}",)}
    assert TaskSource().readable_ids(session, people["hire"], ids) == set(ids)
    assert TaskSource().readable_ids(session, people["other"], ids) == set()
    assert TaskSource().readable_ids(session, people["other_manager"], ids) == set()
