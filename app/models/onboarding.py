"""Onboarding: reusable checklist templates, and per-person assignments that copy their tasks."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import EnumString, StrictId, created_at_field, datetime_field


class TaskKind(StrEnum):
    read = "read"
    do = "do"
    signoff = "signoff"
    meet = "meet"


class TaskStatus(StrEnum):
    open = "open"
    requested = "requested"  # a sign-off the new hire asked for
    done = "done"


class AssignmentStatus(StrEnum):
    open = "open"
    paused = "paused"  # the person's account is deactivated
    completed = "completed"
    closed = "closed"  # closed early, with a reason


# --- Templates (reusable, versioned) -------------------------------------------------------------


class Checklist(SQLModel, table=True):
    """A reusable checklist; `version` goes up with every edit, assignments remember theirs."""

    __tablename__ = "onboarding_template"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    target_roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    department_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int = 1
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    archived_at: datetime | None = datetime_field()


class ChecklistSection(SQLModel, table=True):
    __tablename__ = "onboarding_template_section"

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="onboarding_template.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    position: int = 0


class TaskFields(SQLModel):
    """What a task says; shared by template tasks, their API input and the copies in assignments."""

    title: str = Field(min_length=1, max_length=300)
    instructions: str = Field(default="", max_length=20000)
    kind: TaskKind = Field(default=TaskKind.do, sa_type=EnumString(TaskKind, 16))
    article_id: StrictId | None = Field(default=None, foreign_key="kb_article.id", ondelete="SET NULL")
    meet_user_id: StrictId | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class ChecklistTask(TaskFields, table=True):
    __tablename__ = "onboarding_template_task"

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="onboarding_template.id", index=True, ondelete="CASCADE")
    section_id: int | None = Field(default=None, foreign_key="onboarding_template_section.id", ondelete="CASCADE")
    position: int = 0
    due_offset_days: int = Field(default=0, ge=0, le=365)
    added_in_version: int = 1


class ChecklistTaskCreate(TaskFields):
    due_offset_days: int = Field(default=0, ge=0, le=365)


class ChecklistTaskPublic(ChecklistTaskCreate):
    id: int
    section_id: int | None
    position: int


class SectionCreate(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    tasks: list[ChecklistTaskCreate] = []


class SectionPublic(SQLModel):
    id: int
    title: str
    tasks: list[ChecklistTaskPublic]


class ChecklistBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    target_roles: list[str] = []
    department_ids: list[StrictId] = []


class ChecklistCreate(ChecklistBase):
    sections: list[SectionCreate] = []


class ChecklistUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    target_roles: list[str] | None = None
    department_ids: list[StrictId] | None = None


class ChecklistTaskAdd(ChecklistTaskCreate):
    section_id: StrictId | None = None
    push_to_open: bool = False


class ChecklistPublic(ChecklistBase):
    id: int
    version: int
    url: str
    sections: list[SectionPublic]


# --- Assignments (per person, copied) ------------------------------------------------------------


class OnboardingAssignment(SQLModel, table=True):
    """One person's onboarding plan from one template version; counters move with conditional UPDATEs."""

    __tablename__ = "onboarding_assignment"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    template_id: int | None = Field(default=None, foreign_key="onboarding_template.id", index=True, ondelete="SET NULL")
    template_version: int = 1
    name: str = Field(max_length=200)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True, ondelete="SET NULL")
    mentor_id: int | None = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    assigned_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    start_date: date
    status: AssignmentStatus = Field(
        default=AssignmentStatus.open, sa_type=EnumString(AssignmentStatus, 16), index=True
    )
    total_tasks: int = 0
    done_tasks: int = 0
    close_reason: str = Field(default="", max_length=1000)
    created_at: datetime = created_at_field()
    last_activity_at: datetime = created_at_field()
    completed_at: datetime | None = datetime_field()
    closed_at: datetime | None = datetime_field()
    paused_at: datetime | None = datetime_field()


class OnboardingAssignedTask(SQLModel, table=True):
    """A copy of a template task in one assignment, with its own due date and completion."""

    __tablename__ = "onboarding_assigned_task"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="onboarding_assignment.id", index=True, ondelete="CASCADE")
    template_task_id: int | None = Field(default=None, foreign_key="onboarding_template_task.id", ondelete="SET NULL")
    section_title: str = Field(default="", max_length=200)
    position: int = 0
    title: str = Field(max_length=300)
    instructions: str = Field(default="", max_length=20000)
    kind: TaskKind = Field(sa_type=EnumString(TaskKind, 16))
    article_id: int | None = Field(default=None, foreign_key="kb_article.id", index=True, ondelete="SET NULL")
    meet_user_id: int | None = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    due_date: date
    status: TaskStatus = Field(default=TaskStatus.open, sa_type=EnumString(TaskStatus, 16))
    note: str = Field(default="", max_length=2000)
    signoff_requested_at: datetime | None = datetime_field()
    completed_at: datetime | None = datetime_field()
    completed_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    # The last "not yet" to a sign-off or meeting request: what the confirming person said, when, and who.
    answer: str = Field(default="", max_length=2000)
    answered_at: datetime | None = datetime_field()
    answered_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class OnboardingRule(SQLModel, table=True):
    """Assign a template automatically when someone joins a department."""

    __tablename__ = "onboarding_rule"
    __table_args__ = (UniqueConstraint("department_id", "template_id"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True, ondelete="CASCADE")
    template_id: int = Field(foreign_key="onboarding_template.id", ondelete="CASCADE")
    mentor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()


class OnboardingReminder(SQLModel, table=True):
    """What the reminder job already sent: one row per person, kind and day, so nobody hears it twice."""

    __tablename__ = "onboarding_reminder"
    __table_args__ = (UniqueConstraint("user_id", "kind", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)
    day: date
    created_at: datetime = created_at_field()


# --- API shapes ----------------------------------------------------------------------------------


class AssignmentCreate(SQLModel):
    user_id: StrictId
    template_id: StrictId
    start_date: date
    mentor_id: StrictId | None = None
    department_id: StrictId | None = None


class MentorChange(SQLModel):
    mentor_id: StrictId


class CloseRequest(SQLModel):
    reason: str = Field(min_length=3, max_length=1000)


class DueDateChange(SQLModel):
    due_date: date
    reason: str = Field(default="", max_length=500)


class CompleteRequest(SQLModel):
    note: str = Field(default="", max_length=2000)
    upload_id: StrictId | None = None  # a file uploaded first through POST /api/v1/uploads


class SignoffRequest(SQLModel):
    comment: str = Field(default="", max_length=2000)


class NotYetRequest(SQLModel):
    """A "not yet" to a sign-off or meeting request: the comment says what is still missing."""

    comment: str = Field(min_length=1, max_length=2000)


class RuleCreate(SQLModel):
    department_id: StrictId
    template_id: StrictId
    mentor_id: StrictId | None = None


class RulePublic(RuleCreate):
    id: int


class AssignedTaskPublic(SQLModel):
    id: int
    section_title: str
    position: int
    title: str
    instructions: str
    html: str
    kind: TaskKind
    article_id: int | None  # None as well when the caller may not read the linked guide
    article_url: str | None
    meet_user_id: int | None
    due_date: date
    status: TaskStatus
    overdue: bool
    note: str
    completed_at: datetime | None
    completed_by_id: int | None
    answer: str = ""  # the last "not yet" and its comment, while the task is not done
    answered_at: datetime | None = None
    file_urls: list[str] = []
    article_hidden: bool = False  # a guide is linked that the caller may not read (its title is never shown)
    needs_confirmation: bool = False  # a read task the new hire cannot acknowledge: ask for, and give, a sign-off


class AssignmentPublic(SQLModel):
    id: int
    user_id: int
    user_name: str
    template_id: int | None
    template_version: int
    name: str
    department_id: int | None
    mentor_id: int | None
    mentor_name: str | None
    start_date: date
    status: AssignmentStatus
    total_tasks: int
    done_tasks: int
    percent_done: int
    close_reason: str
    last_activity_at: datetime
    url: str


class AssignmentPublicWithTasks(AssignmentPublic):
    tasks: list[AssignedTaskPublic]


class DashboardRowPublic(SQLModel):
    """One open plan on the managers' dashboard."""

    assignment_id: int
    user_id: int
    hire_name: str
    plan_name: str
    department: str
    mentor_name: str
    start_date: date
    days_since_start: int
    percent: int
    done_tasks: int
    total_tasks: int
    overdue: int  # tasks past their due date
    last_activity_at: datetime
    paused: bool = False  # the person's account is deactivated: nothing counts as overdue until it is reactivated
