"""Periodic jobs (reminders, digests) run by one background thread per server process.

A job must be idempotent: with several workers, each runs it; the job's own records (e.g. "reminded on
this day") keep people from getting the same message twice."""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models.types import utcnow

logger = logging.getLogger(__name__)

Job = Callable[[Session, datetime], None]


@dataclass
class _Registered:
    name: str
    job: Job
    every_seconds: float
    last_run: float = 0.0


JOBS: list[_Registered] = []


def register_job(name: str, every_seconds: float) -> Callable[[Job], Job]:
    """Decorator: run `job(session, now)` every `every_seconds` (and once soon after start)."""
    def add(job: Job) -> Job:
        if all(registered.name != name for registered in JOBS):
            JOBS.append(_Registered(name, job, every_seconds))
        return job
    return add


def run_due_jobs(engine: Engine, clock: float) -> None:
    """Run each job whose interval has passed; a failing job is logged and retried next time."""
    for registered in JOBS:
        if clock - registered.last_run < registered.every_seconds:
            continue
        registered.last_run = clock
        try:
            with Session(engine) as session:
                registered.job(session, utcnow())
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
        import time

        while not self._stop.wait(self.tick_seconds):
            run_due_jobs(self.engine, time.monotonic())
