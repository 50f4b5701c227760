"""Deactivating a person pauses their onboarding plan; reactivating them resumes it, later by the paused days."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from app.models.notifications import Notification
from app.models.onboarding import AssignmentStatus, OnboardingAssignedTask, OnboardingAssignment
from app.models.users import UserUpdate
from app.services import users as users_service
from app.services.onboarding import reminders
from app.services.onboarding.workdays import add_working_days, local_today
from tests.conftest import sign_in_page
from tests.factories import make_user
from tests.onboarding.helpers import assign, make_template

TWO_WEEKS_AGO = local_today() - timedelta(days=14)


def _set_active(session, people, active: bool) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(session, email=f"admin-{active}@kolo.test", name="Коваленко Оксана", role="admin")
    users_service.update_user(session=session, user=people["hire"], actor=admin, data=UserUpdate(is_active=active))


def _plan(session, plan) -> OnboardingAssignment:  # type: ignore[no-untyped-def]
    return session.get(OnboardingAssignment, plan.id, populate_existing=True)


def _due_dates(session, plan) -> list:  # type: ignore[no-untyped-def]
    return [
        t.due_date
        for t in session.exec(
            select(OnboardingAssignedTask)
            .where(OnboardingAssignedTask.assignment_id == plan.id)
            .order_by(OnboardingAssignedTask.id)
            .execution_options(populate_existing=True)
        ).all()
    ]


class TestDeactivationPausesThePlan:
    def test_the_dashboard_and_the_plan_show_it_paused_and_nothing_overdue(self, session, new_client, people):
        plan = assign(session, people, make_template(session, people["manager"]), start=TWO_WEEKS_AGO)
        _set_active(session, people, False)
        assert _plan(session, plan).status == AssignmentStatus.paused
        manager = sign_in_page(new_client(), people["manager"].email)
        dashboard = manager.get("/onboarding/dashboard")
        row = dashboard.text.split("Мельник Юлія")[1].split("</tr>")[0]
        assert "Призупинено" in row and "onb-red" not in row and "onb-row-overdue" not in dashboard.text
        page = manager.get(f"/onboarding/assignments/{plan.id}").text
        assert "Призупинено" in page and "Прострочено" not in page and "onb-overdue" not in page

    def test_no_reminders_while_paused(self, session, people):
        assign(session, people, make_template(session, people["manager"]), start=TWO_WEEKS_AGO)
        _set_active(session, people, False)
        assert reminders.send_reminders(session, datetime.now(UTC)) == 0
        assert (
            session.exec(
                select(Notification).where(
                    Notification.recipient_id == people["hire"].id, Notification.kind == "onboarding.overdue"
                )
            ).first()
            is None
        )

    def test_reactivation_resumes_the_plan_with_due_dates_moved_by_the_paused_working_days(self, session, people):
        plan = assign(session, people, make_template(session, people["manager"]), start=TWO_WEEKS_AGO)
        before = _due_dates(session, plan)
        _set_active(session, people, False)
        paused = _plan(session, plan)
        paused.paused_at = datetime.now(UTC) - timedelta(days=7)  # a week away: five working days
        session.add(paused)
        session.commit()
        _set_active(session, people, True)
        resumed = _plan(session, plan)
        assert resumed.status == AssignmentStatus.open and resumed.paused_at is None
        assert _due_dates(session, plan) == [add_working_days(day, 5, []) for day in before]
        assert reminders.send_reminders(session, datetime.now(UTC)) == 1  # open again: the badge is still overdue
