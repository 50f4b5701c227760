"""Page time of the onboarding dashboard with 500 open plans (and the number of queries it runs).

    .venv/bin/python bench/onboarding_dashboard.py [--database-url postgresql+psycopg://...]

Plans are made through the services (9 tasks each, a third of them ticked), so counters and due dates are real.
"""

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, select

from app.config import Settings
from app.main import create_app
from app.migrations import upgrade
from app.models.onboarding import (
    AssignmentCreate,
    ChecklistCreate,
    ChecklistTaskCreate,
    OnboardingAssignedTask,
    SectionCreate,
    TaskKind,
)
from app.models.users import Role, UserCreate
from app.services import users as users_service
from app.services.onboarding import assignments, checklists, tasks
from app.services.onboarding.workdays import local_today

PLANS = 500
RUNS = 15
PASSWORD = "bench-password-123"


def _template(session: Session, manager) -> int:  # type: ignore[no-untyped-def]
    kinds = [TaskKind.do, TaskKind.do, TaskKind.signoff] * 3
    tasks_ = [
        ChecklistTaskCreate(title=f"Завдання {i + 1}", kind=k, due_offset_days=i, instructions="Зробіть це **уважно**.")
        for i, k in enumerate(kinds)
    ]
    data = ChecklistCreate(name="Перший тиждень", sections=[SectionCreate(title="Тиждень", tasks=tasks_)])
    return checklists.create_checklist(session=session, actor=manager, data=data).id  # type: ignore[return-value]


def _populate(session: Session) -> None:
    department = users_service.ensure_department(session=session, name="Терапія").id
    manager = users_service.create_user(
        session=session,
        actor=None,
        password=PASSWORD,
        data=UserCreate(email="head@kolo.test", name="Бондаренко Ігор", role=Role.manager, department_ids=[department]),
    )
    template_id = _template(session, manager)
    start = local_today() - timedelta(days=10)
    for n in range(PLANS):
        hire = users_service.create_user(
            session=session,
            actor=None,
            password=None,
            data=UserCreate(email=f"new{n}@kolo.test", name=f"Працівник {n:03d}", department_ids=[department]),
        )
        plan = assignments.assign(
            session=session,
            actor=manager,
            holidays=[],
            data=AssignmentCreate(user_id=hire.id, template_id=template_id, start_date=start - timedelta(days=n % 20)),
        )  # type: ignore[arg-type]
        session.commit()
        for task in _first_do_tasks(session, plan.id, n % 4):  # type: ignore[arg-type]
            tasks.complete_task(session=session, actor=hire, task_id=task)


def _first_do_tasks(session: Session, assignment_id: int, count: int) -> list[int]:
    rows = session.exec(
        select(OnboardingAssignedTask.id)
        .where(OnboardingAssignedTask.assignment_id == assignment_id, OnboardingAssignedTask.kind == TaskKind.do)
        .order_by(OnboardingAssignedTask.position)
    ).all()  # type: ignore[arg-type]
    return [r for r in rows[:count] if r is not None]


def main() -> None:
    """Fill a fresh database, then time GET /onboarding/dashboard as the manager."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="a scratch database (default: SQLite in a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data",
            index_dir=Path(tmp) / "index",
            run_scheduler=False,
            start_indexer=False,
            database_url=args.database_url,
            secret_key="bench-secret-key-long-enough-0123456789",
        )
        settings.data_dir.mkdir(parents=True)
        upgrade(settings.database_url)
        app = create_app(settings)
        started = time.perf_counter()
        with Session(app.state.engine) as session:
            _populate(session)
        print(f"{PLANS} plans made in {time.perf_counter() - started:.1f} s")
        with TestClient(app) as client:
            login = client.post("/api/v1/auth/login", json={"email": "head@kolo.test", "password": PASSWORD})
            assert login.status_code == 200, login.text
            queries: list[str] = []
            event.listen(app.state.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
            first = client.get("/onboarding/dashboard")
            assert first.status_code == 200 and "Працівник 499" in first.text
            print(f"queries per page: {len(queries)}")
            times = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                client.get("/onboarding/dashboard")
                times.append((time.perf_counter() - t0) * 1000)
            csv_t0 = time.perf_counter()
            client.get("/onboarding/dashboard.csv")
            print(
                f"dashboard page, {PLANS} open plans: median {statistics.median(times):.0f} ms "
                f"(min {min(times):.0f}, max {max(times):.0f}, {RUNS} runs); "
                f"CSV {(time.perf_counter() - csv_t0) * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
