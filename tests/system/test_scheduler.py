"""Scheduled jobs run soon after the server starts and then on their interval, once across all its processes."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import scheduler
from app.main import create_app
from app.models.notifications import Notification
from app.models.users import User
from app.services.onboarding.workdays import local_today
from tests.onboarding.helpers import assign, make_people, make_template


def _overdue_reminders(session: Session, user: User) -> int:
    session.expire_all()
    return len(
        session.exec(
            select(Notification).where(Notification.recipient_id == user.id, Notification.kind == "onboarding.overdue")
        ).all()
    )


def _eventually(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


class TestScheduledJobs:
    def test_a_due_reminder_is_sent_soon_after_start_and_not_again_by_a_restart_or_a_second_worker(
        self, settings, session
    ):
        people = make_people(session)
        assign(session, people, make_template(session, people["manager"]), start=local_today() - timedelta(days=14))
        running = settings.model_copy(update={"run_scheduler": True, "start_indexer": False})
        with TestClient(create_app(running)):
            assert _eventually(lambda: _overdue_reminders(session, people["hire"]) == 1)
        with TestClient(create_app(running)), TestClient(create_app(running)):  # restarted, with two workers
            time.sleep(2)
        assert _overdue_reminders(session, people["hire"]) == 1

    def test_a_job_runs_once_per_interval_whichever_process_asks(self, app):
        start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        assert scheduler.claim(app.state.engine, name="test.job", every_seconds=3600, now=start)
        assert not scheduler.claim(
            app.state.engine, name="test.job", every_seconds=3600, now=start + timedelta(minutes=59)
        )
        assert scheduler.claim(app.state.engine, name="test.job", every_seconds=3600, now=start + timedelta(hours=1))
