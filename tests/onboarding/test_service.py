"""Onboarding rules: working days, versioned templates, the four task kinds, permissions, notifications."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.models.audit import AuditEvent
from app.models.notifications import Notification
from app.models.onboarding import (
    ChecklistTaskAdd,
    ChecklistUpdate,
    OnboardingAssignedTask,
    OnboardingAssignment,
    RuleCreate,
    TaskKind,
    TaskStatus,
)
from app.models.users import UserUpdate
from app.services import users as users_service
from app.services.kb import acknowledgements
from app.services.onboarding import access, assignments, checklists, reminders, rules, tasks
from app.services.onboarding.workdays import add_working_days
from tests.onboarding.helpers import MONDAY, assign, make_article, make_people, make_template


@pytest.fixture
def people(session):
    return make_people(session)


def _tasks(session, assignment):
    return {
        t.kind: t
        for t in session.exec(
            select(OnboardingAssignedTask).where(OnboardingAssignedTask.assignment_id == assignment.id)
        ).all()
    }


def _plan(session, assignment):
    return session.get(OnboardingAssignment, assignment.id, populate_existing=True)


class TestWorkingDays:
    def test_due_dates_skip_the_weekend(self):
        friday = date(2026, 12, 4)
        assert add_working_days(friday, 0, []) == friday
        assert add_working_days(friday, 1, []) == date(2026, 12, 7)  # Monday

    def test_due_dates_skip_a_holiday(self):
        wednesday, thursday_holiday = date(2026, 12, 23), date(2026, 12, 24)
        assert add_working_days(wednesday, 1, [thursday_holiday]) == date(2026, 12, 25)
        assert add_working_days(wednesday, 2, [thursday_holiday, date(2026, 12, 25)]) == date(2026, 12, 29)

    def test_a_start_on_saturday_begins_on_monday(self):
        assert add_working_days(date(2026, 12, 5), 0, []) == date(2026, 12, 7)

    def test_assignment_uses_holidays_from_settings(self, session, people):
        template = make_template(session, people["manager"])
        data = assignments.AssignmentCreate(
            user_id=people["hire"].id,
            template_id=template.id,
            start_date=date(2026, 12, 3),
            mentor_id=people["mentor"].id,
        )
        plan = assignments.assign_template(
            session=session, actor=people["manager"], data=data, holidays=[date(2026, 12, 7)]
        )
        # 3 working days after Thursday 3 Dec: Fri 4, (weekend), (holiday Mon 7), Tue 8, Wed 9
        assert _tasks(session, plan)[TaskKind.signoff].due_date == date(2026, 12, 9)


class TestTemplatesAreVersioned:
    def test_editing_a_template_never_changes_an_assigned_plan(self, session, people):
        template = make_template(session, people["manager"])
        plan = assign(session, people, template)
        checklists.update_checklist(
            session=session, actor=people["manager"], template=template, data=ChecklistUpdate(name="Інша назва")
        )
        structure = checklists.checklist_structure(session=session, template=template)
        checklists.remove_task(
            session=session, actor=people["manager"], template=template, task_id=structure[0][1][0].id
        )
        assert template.version == 3
        assert _plan(session, plan).name == "Перший тиждень" and _plan(session, plan).template_version == 1
        assert _tasks(session, plan)[TaskKind.do].title == "Отримати бейдж"

    def test_a_pushed_task_reaches_open_plans_only(self, session, people):
        template = make_template(session, people["manager"])
        open_plan = assign(session, people, template)
        closed = assign(session, people, template, hire="mentor", mentor=None)
        assignments.close_assignment(session=session, actor=people["manager"], assignment=closed, reason="Звільнилася")
        data = ChecklistTaskAdd(
            title="Пройти інструктаж з пожежної безпеки", kind=TaskKind.do, due_offset_days=4, push_to_open=True
        )
        _, pushed = checklists.add_task(
            session=session, actor=people["manager"], template=template, data=data, holidays=[]
        )
        assert pushed == 1
        assert _plan(session, open_plan).total_tasks == 3 and _plan(session, closed).total_tasks == 2
        new = session.exec(
            select(OnboardingAssignedTask).where(
                OnboardingAssignedTask.assignment_id == open_plan.id, OnboardingAssignedTask.title.startswith("Пройти")
            )
        ).one()
        assert new.due_date == MONDAY + timedelta(days=4)

    def test_a_read_task_needs_an_existing_guide(self, session, people):
        template = make_template(session, people["manager"])
        with pytest.raises(InvalidInput):
            checklists.add_task(
                session=session,
                actor=people["manager"],
                template=template,
                holidays=[],
                data=ChecklistTaskAdd(title="Прочитати", kind=TaskKind.read, article_id=9999),
            )


class TestTaskKinds:
    def test_do_is_ticked_by_the_new_hire_with_a_note(self, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        task = tasks.complete_task(
            session=session, actor=people["hire"], task_id=_tasks(session, plan)["do"].id, note="Отримала, № 1432"
        )
        assert task.status == TaskStatus.done and task.note == "Отримала, № 1432"
        assert _plan(session, plan).done_tasks == 1

    def test_ticking_twice_counts_once(self, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        task_id = _tasks(session, plan)["do"].id
        tasks.complete_task(session=session, actor=people["hire"], task_id=task_id)
        tasks.complete_task(session=session, actor=people["hire"], task_id=task_id)
        assert _plan(session, plan).done_tasks == 1

    def test_read_completes_on_acknowledgement_not_on_a_tick(self, session, people):
        article = make_article(session, people["manager"])
        plan = assign(session, people, make_template(session, people["manager"], article_id=article.id))
        read = _tasks(session, plan)["read"]
        with pytest.raises(InvalidInput):
            tasks.complete_task(session=session, actor=people["hire"], task_id=read.id)
        acknowledgements.acknowledge(session=session, user=people["hire"], article=article)
        assert session.get(OnboardingAssignedTask, read.id, populate_existing=True).status == TaskStatus.done
        assert _plan(session, plan).done_tasks == 1

    def test_a_guide_acknowledged_earlier_counts_at_assignment(self, session, people):
        article = make_article(session, people["manager"])
        acknowledgements.acknowledge(session=session, user=people["hire"], article=article)
        plan = assign(session, people, make_template(session, people["manager"], article_id=article.id))
        assert _tasks(session, plan)["read"].status == TaskStatus.done and _plan(session, plan).done_tasks == 1

    def test_meet_completes_when_either_person_ticks(self, session, people):
        colleague = people["other"]
        plan = assign(session, people, make_template(session, people["manager"], meet_user_id=colleague.id))
        meet = _tasks(session, plan)["meet"]
        tasks.complete_task(session=session, actor=colleague, task_id=meet.id)
        assert session.get(OnboardingAssignedTask, meet.id, populate_existing=True).completed_by_id == colleague.id
        with pytest.raises(NotFound):
            tasks.complete_task(session=session, actor=people["mentor"], task_id=_tasks(session, plan)["do"].id)

    def test_signoff_is_asked_by_the_hire_and_confirmed_by_the_mentor(self, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        signoff = _tasks(session, plan)["signoff"]
        assert tasks.request_signoff(session=session, actor=people["hire"], task_id=signoff.id).status == "requested"
        done = tasks.sign_off(session=session, actor=people["mentor"], task_id=signoff.id, comment="Техніка бездоганна")
        assert done.status == TaskStatus.done and done.note == "Техніка бездоганна"
        kinds = {n.kind for n in session.exec(select(Notification)).all()}
        assert {"onboarding.signoff_requested", "onboarding.signed_off"} <= kinds


class TestPermissions:
    def test_new_hire_cannot_sign_off_their_own_competency(self, session, people):
        people["hire"].role = "manager"  # even a manager cannot confirm their own skill
        session.add(people["hire"])
        session.commit()
        plan = assign(session, people, make_template(session, people["manager"]))
        with pytest.raises(PermissionDenied):
            tasks.sign_off(session=session, actor=people["hire"], task_id=_tasks(session, plan)["signoff"].id)

    def test_only_the_hire_mentor_and_department_managers_see_a_plan(self, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        for name in ("hire", "mentor", "manager"):
            assert access.get_assignment_or_raise(session=session, user=people[name], assignment_id=plan.id)
        for name in ("other", "other_manager"):
            with pytest.raises(NotFound):
                access.get_assignment_or_raise(session=session, user=people[name], assignment_id=plan.id)

    def test_manager_assigns_only_in_their_departments(self, session, people):
        template = make_template(session, people["manager"])
        data = assignments.AssignmentCreate(user_id=people["other"].id, template_id=template.id, start_date=MONDAY)
        with pytest.raises(PermissionDenied):
            assignments.assign_template(session=session, actor=people["manager"], data=data, holidays=[])

    def test_other_department_manager_cannot_extend_or_close(self, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        with pytest.raises(PermissionDenied):
            assignments.close_assignment(
                session=session, actor=people["other_manager"], assignment=plan, reason="Не моя"
            )


class TestPlanLifecycle:
    def test_finishing_every_task_completes_the_plan_and_tells_mentor_and_manager(self, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        t = _tasks(session, plan)
        tasks.complete_task(session=session, actor=people["hire"], task_id=t["do"].id)
        tasks.sign_off(session=session, actor=people["manager"], task_id=t["signoff"].id)
        assert _plan(session, plan).status == "completed"
        told = {
            n.recipient_id
            for n in session.exec(select(Notification).where(Notification.kind == "onboarding.completed")).all()
        }
        assert told == {people["mentor"].id, people["manager"].id}

    def test_extending_a_due_date_is_audited_and_must_move_it_later(self, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        task = _tasks(session, plan)["do"]
        with pytest.raises(InvalidInput):
            assignments.extend_due_date(
                session=session,
                actor=people["manager"],
                assignment=plan,
                task_id=task.id,
                due_date=task.due_date,
                reason="",
            )
        assignments.extend_due_date(
            session=session,
            actor=people["manager"],
            assignment=plan,
            task_id=task.id,
            due_date=task.due_date + timedelta(days=7),
            reason="Лікарняний",
        )
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "onboarding.due_extended")).one()
        assert event.detail["reason"] == "Лікарняний"

    def test_closing_early_needs_a_reason_and_stops_ticks(self, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        with pytest.raises(InvalidInput):
            assignments.close_assignment(session=session, actor=people["manager"], assignment=plan, reason=" ")
        assignments.close_assignment(session=session, actor=people["manager"], assignment=plan, reason="Переведена")
        with pytest.raises(Conflict):
            tasks.complete_task(session=session, actor=people["hire"], task_id=_tasks(session, plan)["do"].id)

    def test_mentor_change_is_audited(self, session, people):
        plan = assign(session, people, make_template(session, people["manager"]))
        assignments.change_mentor(
            session=session, actor=people["manager"], assignment=plan, mentor_id=people["other"].id
        )
        assert _plan(session, plan).mentor_id == people["other"].id
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "onboarding.mentor_changed")).one()

    def test_a_rule_assigns_the_template_when_someone_joins_the_department(self, session, people):
        template = make_template(session, people["manager"])
        therapy = users_service.department_ids_of(session=session, user=people["manager"])[0]
        rules.create_rule(
            session=session,
            actor=people["manager"],
            data=RuleCreate(department_id=therapy, template_id=template.id, mentor_id=people["mentor"].id),
        )
        users_service.update_user(
            session=session,
            user=people["other"],
            actor=people["other_manager"],
            data=UserUpdate(department_ids=[therapy]),
        )
        plan = session.exec(
            select(OnboardingAssignment).where(OnboardingAssignment.user_id == people["other"].id)
        ).one()
        assert plan.mentor_id == people["mentor"].id and plan.total_tasks == 2


class TestReminders:
    def test_due_tomorrow_and_overdue_at_most_once_a_day(self, session, people):
        assign(session, people, make_template(session, people["manager"]))
        # Monday's badge task is overdue on Wednesday; Thursday's sign-off is due tomorrow.
        wednesday = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
        assert reminders.send_reminders(session, wednesday) == 2
        assert reminders.send_reminders(session, wednesday + timedelta(hours=5)) == 0
        assert reminders.send_reminders(session, wednesday + timedelta(days=1)) == 1  # overdue again, next day
        kinds = [
            n.kind
            for n in session.exec(select(Notification).where(Notification.recipient_id == people["hire"].id)).all()
        ]
        assert kinds.count("onboarding.overdue") == 2 and kinds.count("onboarding.due_tomorrow") == 1
