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


def test_a_plans_tasks_are_found_by_whoever_may_see_the_plan(session):
    """The new hire, their mentor and the department's managers (and admins) read the plan, so they find its tasks;
    nobody else does (the index once carried only the new hire's key)."""
    people = make_people(session)
    plan = assign(session, people, make_template(session, people["manager"]))
    ids = list(
        session.exec(select(OnboardingAssignedTask.id).where(OnboardingAssignedTask.assignment_id == plan.id)).all()
    )
    keys = set(session.exec(select(SearchOutbox.key)).all())
    assert {f"task:{i}" for i in ids} <= keys
    docs = TaskSource().load(session, ids)
    department = plan.department_id
    expected = (f"user:{people['hire'].id}", f"user:{people['mentor'].id}", "role:admin", f"managers:{department}")
    assert department is not None and {tuple(d.visibility) for d in docs} == {expected}
    assert TaskSource().readable_ids(session, people["hire"], ids) == set(ids)
    assert TaskSource().readable_ids(session, people["mentor"], ids) == set(ids)
    assert TaskSource().readable_ids(session, people["manager"], ids) == set(ids)
    assert TaskSource().readable_ids(session, people["other"], ids) == set()
    assert TaskSource().readable_ids(session, people["other_manager"], ids) == set()
