"""Onboarding: who reads a plan and its tasks (the new hire, their mentor, managers of the plan's department, admins)
and a checklist template (managers and admins; archived templates are gone) is the same in every copy of the rule:
the predicate, its SQL twin, the index keys against `reader_keys`, and the adapters' `readable_ids`."""

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from app.models.onboarding import Checklist, OnboardingAssignedTask, OnboardingAssignment, TaskKind
from app.models.users import User
from app.services import users as users_service
from app.services.onboarding import access
from app.services.onboarding.search import ChecklistSource, TaskSource
from tests.properties.world import DEPARTMENTS, PROPERTY, add_people, department_sets, finds, people

plans = st.lists(
    st.fixed_dictionaries(
        {
            "hire": st.integers(0, 4),  # an index into the people and the outsider (modulo)
            "mentor": st.none() | st.integers(0, 4),
            "department": st.none() | st.integers(0, DEPARTMENTS - 1),
        }
    ),
    min_size=1,
    max_size=3,
)
templates = st.lists(
    st.fixed_dictionaries({"departments": department_sets, "archived": st.booleans()}), min_size=1, max_size=2
)


def _plan(session: Session, drawn: dict, everyone: list[User], departments: list[int]) -> OnboardingAssignedTask:
    mentor = drawn["mentor"]
    plan = OnboardingAssignment(
        user_id=everyone[drawn["hire"] % len(everyone)].id,  # type: ignore[arg-type]
        name="Перший тиждень",
        department_id=None if drawn["department"] is None else departments[drawn["department"]],
        mentor_id=None if mentor is None else everyone[mentor % len(everyone)].id,
        start_date=date(2026, 11, 30),
    )
    session.add(plan)
    session.flush()
    task = OnboardingAssignedTask(
        assignment_id=plan.id,  # type: ignore[arg-type]
        title="Отримати бейдж",
        kind=TaskKind.do,
        due_date=date(2026, 11, 30),
    )
    session.add(task)
    return task


@PROPERTY
@given(readers=people, content=plans)
def test_every_copy_of_the_plan_read_rule_agrees(session, departments, readers, content) -> None:  # type: ignore[no-untyped-def]
    users = add_people(session, readers, departments)
    everyone = users + add_people(session, [readers[0]], departments)  # the last one reads nothing here
    tasks = [(drawn, _plan(session, drawn, everyone, departments)) for drawn in content]
    session.flush()
    ids: list[int] = [t.id for _d, t in tasks]  # type: ignore[misc]
    plans_by_task = {t.id: session.get(OnboardingAssignment, t.assignment_id) for _d, t in tasks}
    loaded = {doc.key: doc for doc in TaskSource().load(session, ids)}
    for user in users:
        managed = access.managed_department_ids(session=session, user=user)
        clause = access.viewable_clause(user=user, managed=managed)
        plan_ids = [p.id for p in plans_by_task.values() if p]
        by_sql = set(
            session.exec(select(OnboardingAssignment.id).where(col(OnboardingAssignment.id).in_(plan_ids), clause))
        )
        found = TaskSource().readable_ids(session, user, ids)
        for drawn, task in tasks:
            plan = plans_by_task[task.id]
            assert plan is not None
            rule = access.can_view(session=session, user=user, assignment=plan)
            why = (
                f"{user.role} managing {managed}, hire={plan.user_id == user.id}, "
                f"mentor={plan.mentor_id == user.id}, {drawn}"
            )
            assert access.may_view(user=user, assignment=plan, managed=managed) == rule, why
            assert (plan.id in by_sql) == rule, f"SQL clause disagrees: {why}"
            assert (task.id in found) == rule, f"readable_ids disagrees: {why}"
            doc = loaded[f"task:{task.id}"]
            assert doc.visibility == access.plan_index_keys(plan)
            assert finds(session, user, doc.visibility) == rule, f"index keys disagree: {why}"


@PROPERTY
@given(readers=people, content=templates)
def test_every_copy_of_the_checklist_read_rule_agrees(session, departments, readers, content) -> None:  # type: ignore[no-untyped-def]
    users = add_people(session, readers, departments)
    written = []
    for drawn in content:
        template = Checklist(
            name="Перший тиждень",
            department_ids=[departments[i] for i in sorted(drawn["departments"])],
            archived_at=datetime.now(UTC) if drawn["archived"] else None,
        )
        session.add(template)
        written.append((drawn, template))
    session.flush()
    ids: list[int] = [t.id for _d, t in written]  # type: ignore[misc]
    loaded = {doc.key: doc for doc in ChecklistSource().load(session, ids)}
    for user in users:
        clause = access.checklist_readable_clause(user=user)
        by_sql = set(session.exec(select(Checklist.id).where(col(Checklist.id).in_(ids), clause)))
        found = ChecklistSource().readable_ids(session, user, ids)
        mine = users_service.department_ids_of(session=session, user=user)
        for drawn, template in written:
            rule = access.can_read_checklist(user=user, template=template)
            why = f"{user.role} of {sorted(mine)}, {drawn}"
            assert (template.id in by_sql) == rule, f"SQL clause disagrees: {why}"
            assert (template.id in found) == rule, f"readable_ids disagrees: {why}"
            doc = loaded.get(f"template:{template.id}")
            if template.archived_at is not None:
                assert doc is None, f"an archived template is loaded into the index: {why}"
                continue
            assert doc is not None and doc.visibility == access.checklist_index_keys(template)
            assert finds(session, user, doc.visibility) == rule, f"index keys disagree: {why}"
