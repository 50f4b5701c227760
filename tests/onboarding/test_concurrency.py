"""Two people ticking at the same moment never lose a tick, and the dashboard's query count stays fixed."""

import threading
from collections.abc import Callable

from sqlmodel import Session, select

from app.models.onboarding import OnboardingAssignedTask, OnboardingAssignment, TaskKind
from app.models.users import User, UserUpdate
from app.services import users as users_service
from app.services.onboarding import dashboard, tasks
from app.services.onboarding.workdays import local_today
from tests.conftest import sign_in
from tests.onboarding.helpers import assign, make_people, make_template
from tests.queries import count_queries


def _at_once(engine, *actions: Callable[[Session], None]) -> list[BaseException]:
    """Run each action in its own thread and session, released together."""
    barrier, errors = threading.Barrier(len(actions)), []

    def run(action: Callable[[Session], None]) -> None:
        with Session(engine) as own:
            barrier.wait()
            try:
                action(own)
            except BaseException as exc:  # reported to the test below
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _user(own: Session, user_id: int) -> User:
    return own.get(User, user_id)  # type: ignore[return-value]


class TestConcurrentTicks:
    def test_two_tasks_ticked_at_once_both_count_and_the_plan_completes(self, app, session):
        people = make_people(session)
        plan = assign(session, people, make_template(session, people["manager"], meet_user_id=people["other"].id))
        by_kind = {
            t.kind: t.id
            for t in session.exec(select(OnboardingAssignedTask).where(OnboardingAssignedTask.assignment_id == plan.id))
        }
        hire_id, mentor_id, other_id = people["hire"].id, people["mentor"].id, people["other"].id
        errors = _at_once(
            app.state.engine,
            lambda own: tasks.complete_task(session=own, actor=_user(own, hire_id), task_id=by_kind[TaskKind.do]),
            lambda own: tasks.sign_off(session=own, actor=_user(own, mentor_id), task_id=by_kind[TaskKind.signoff]),
            lambda own: tasks.complete_task(session=own, actor=_user(own, other_id), task_id=by_kind[TaskKind.meet]),
        )
        assert errors == []
        done = session.get(OnboardingAssignment, plan.id, populate_existing=True)
        assert done.done_tasks == 3 and done.status == "completed"

    def test_the_same_task_ticked_by_both_people_counts_once(self, app, session):
        people = make_people(session)
        plan = assign(session, people, make_template(session, people["manager"], meet_user_id=people["other"].id))
        meet = session.exec(
            select(OnboardingAssignedTask).where(
                OnboardingAssignedTask.assignment_id == plan.id, OnboardingAssignedTask.kind == TaskKind.meet
            )
        ).one()
        other_id = people["other"].id  # the colleague met confirms it, twice at once (a double tap on two tabs)
        errors = _at_once(
            app.state.engine,
            lambda own: tasks.complete_task(session=own, actor=_user(own, other_id), task_id=meet.id),
            lambda own: tasks.sign_off(session=own, actor=_user(own, other_id), task_id=meet.id),
        )
        assert errors == []
        assert session.get(OnboardingAssignment, plan.id, populate_existing=True).done_tasks == 1


class TestDashboardQueries:
    def test_dashboard_queries_do_not_grow_with_the_number_of_plans(self, app, session, new_client):
        people = make_people(session)
        template = make_template(session, people["manager"])
        assign(session, people, template)
        client = sign_in(new_client(), people["manager"].email)
        with count_queries(app) as few:
            client.get("/onboarding/dashboard")
        for name in ("mentor", "other"):
            if name == "other":
                therapy = users_service.department_ids_of(session=session, user=people["manager"])
                users_service.update_user(
                    session=session,
                    user=people["other"],
                    actor=people["other_manager"],
                    data=UserUpdate(department_ids=therapy),
                )
            assign(session, people, template, hire=name, mentor=None)
        with count_queries(app) as many:
            client.get("/onboarding/dashboard")
        assert len(many) == len(few)
        rows = dashboard.dashboard_rows(
            session=session, user=people["manager"], filters=dashboard.DashboardFilters(), today=local_today()
        )
        assert len(rows) == 3
