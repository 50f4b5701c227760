"""Periodic jobs (reminders, digests) run by one background thread per server process.

Each job's next turn is a row of `scheduled_job` in the database. A process runs a job only after moving that time
on with a conditional UPDATE (`... WHERE next_run_at <= now`), so of several workers or nodes exactly one runs each
turn, and a restart neither waits for the machine's uptime nor repeats a turn. Jobs should still be idempotent: their
own records (e.g. "reminded on this day") keep a retried turn from sending anything twice."""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from app.models.scheduler import ScheduledJob
from app.models.types import utcnow

logger = logging.getLogger(__name__)


class Job(Protocol):
    """A periodic job: called with a session of its own and the time of its turn."""

    def __call__(self, *, session: Session, now: datetime) -> object: ...


@dataclass(frozen=True)
class _Registered:
    name: str
    job: Job
    every_seconds: float


JOBS: list[_Registered] = []


def register_job(name: str, every_seconds: float) -> Callable[[Job], Job]:
    """Run `job(session=, now=)` every `every_seconds`, first as soon as a process starts (`app.wiring` calls this)."""

    def add(job: Job) -> Job:
        if all(registered.name != name for registered in JOBS):
            JOBS.append(_Registered(name, job, every_seconds))
        return job

    return add


def claim(engine: Engine, *, name: str, every_seconds: float, now: datetime) -> bool:
    """Take the job's turn at `now`: True for exactly one caller per interval, whichever process asks."""
    with Session(engine) as session:
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(ScheduledJob).values(name=name, next_run_at=now).on_conflict_do_nothing())
        result = session.exec(
            update(ScheduledJob)
            .where(col(ScheduledJob.name) == name, col(ScheduledJob.next_run_at) <= now)
            .values(next_run_at=now + timedelta(seconds=every_seconds), last_run_at=now)
        )
        session.commit()
    return result.rowcount == 1


def run_due_jobs(engine: Engine, now: datetime) -> None:
    """Run each job whose turn has come and no other process took; a failing job is logged and runs next turn."""
    for registered in JOBS:
        try:
            if claim(engine, name=registered.name, every_seconds=registered.every_seconds, now=now):
                with Session(engine) as session:
                    registered.job(session=session, now=now)
        except Exception:  # one broken job must not stop the others
            logger.exception("scheduled job %s failed", registered.name)


class Scheduler:
    """The background thread; stopped at shutdown."""

    def __init__(self, engine: Engine, tick_seconds: float = 30.0) -> None:
        self.engine = engine
        self.tick_seconds = tick_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kolo-scheduler", daemon=True)

    def start(self) -> None:
        """Begin running due jobs."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current job."""
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:  # the first look comes at once: a job due while the server was down runs on start
            run_due_jobs(self.engine, utcnow())
            if self._stop.wait(self.tick_seconds):
                return
