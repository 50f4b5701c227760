"""The scheduler's table: when each periodic job is next due, shared by every process on the database."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, datetime_field


class ScheduledJob(SQLModel, table=True):
    """One row per job; a process takes the job's turn by moving `next_run_at` on with a conditional UPDATE."""

    __tablename__ = "scheduled_job"

    name: str = Field(primary_key=True, max_length=100)
    next_run_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    last_run_at: datetime | None = datetime_field()
