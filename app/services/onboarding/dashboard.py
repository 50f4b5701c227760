"""The managers' dashboard: every open or paused plan of their departments in a fixed number of queries, and its
CSV."""

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.errors import PermissionDenied
from app.i18n import N_, format_sheet_date, format_sheet_datetime, gettext
from app.models.onboarding import (
    AssignmentStatus,
    DashboardRowPublic,
    OnboardingAssignedTask,
    OnboardingAssignment,
    TaskStatus,
)
from app.models.users import Department, User
from app.services.onboarding.access import managed_department_ids
from app.services.onboarding.presenters import percent
from app.text import csv_cell, nfc, uk_sort_key

SORTS = ("name", "progress", "days", "overdue", "activity")


@dataclass
class DashboardFilters:
    department_id: int | None = None
    template_id: int | None = None
    query: str = ""
    overdue_only: bool = False
    sort: str = "name"
    descending: bool = False


def dashboard_rows(*, session: Session, user: User, filters: DashboardFilters, today: date) -> list[DashboardRowPublic]:
    """Open and paused plans of the user's departments (all, for admins), filtered and sorted; three queries in
    all."""
    departments = managed_department_ids(session=session, user=user)
    if departments == []:
        raise PermissionDenied("Only managers can do this.")
    hire, mentor = aliased(User), aliased(User)
    query = (
        select(OnboardingAssignment, hire.name, mentor.name, Department.name)
        .join(hire, col(hire.id) == OnboardingAssignment.user_id)
        .outerjoin(mentor, col(mentor.id) == OnboardingAssignment.mentor_id)
        .outerjoin(Department, col(Department.id) == OnboardingAssignment.department_id)
        .where(col(OnboardingAssignment.status).in_([AssignmentStatus.open, AssignmentStatus.paused]))
    )
    if departments is not None:
        query = query.where(col(OnboardingAssignment.department_id).in_(departments))
    if filters.department_id:
        query = query.where(OnboardingAssignment.department_id == filters.department_id)
    if filters.template_id:
        query = query.where(OnboardingAssignment.template_id == filters.template_id)
    found = session.exec(query).all()
    overdue = _overdue_counts(session=session, departments=departments, today=today)
    rows = []
    for a, hire_name, mentor_name, department in found:
        assert a.id is not None  # read from the database
        rows.append(
            DashboardRowPublic(
                assignment_id=a.id,
                user_id=a.user_id,
                hire_name=hire_name,
                plan_name=a.name,
                department=department or "",
                mentor_name=mentor_name or "",
                start_date=a.start_date,
                days_since_start=(today - a.start_date).days,
                percent=percent(a),
                done_tasks=a.done_tasks,
                total_tasks=a.total_tasks,
                overdue=overdue.get(a.id or 0, 0),
                last_activity_at=a.last_activity_at,
                paused=a.status == AssignmentStatus.paused,
            )
        )
    return _sorted(_filtered(rows, filters), filters)


def _overdue_counts(*, session: Session, departments: list[int] | None, today: date) -> dict[int, int]:
    query = (
        select(OnboardingAssignedTask.assignment_id, func.count())
        .join(OnboardingAssignment)
        .where(
            OnboardingAssignment.status == AssignmentStatus.open,
            col(OnboardingAssignedTask.status) != TaskStatus.done,
            col(OnboardingAssignedTask.due_date) < today,
        )
        .group_by(col(OnboardingAssignedTask.assignment_id))
    )
    if departments is not None:
        query = query.where(col(OnboardingAssignment.department_id).in_(departments))
    return {assignment_id: count for assignment_id, count in session.exec(query).all()}


def _filtered(rows: list[DashboardRowPublic], filters: DashboardFilters) -> list[DashboardRowPublic]:
    needle = nfc(filters.query).strip().lower()
    if needle:
        rows = [
            r
            for r in rows
            if needle in r.hire_name.lower() or needle in r.mentor_name.lower() or needle in r.plan_name.lower()
        ]
    if filters.overdue_only:
        rows = [r for r in rows if r.overdue]
    return rows


def _sorted(rows: list[DashboardRowPublic], filters: DashboardFilters) -> list[DashboardRowPublic]:
    keys = {
        "name": lambda r: uk_sort_key(r.hire_name),
        "progress": lambda r: (r.percent, uk_sort_key(r.hire_name)),
        "days": lambda r: (r.days_since_start, uk_sort_key(r.hire_name)),
        "overdue": lambda r: (r.overdue, uk_sort_key(r.hire_name)),
        "activity": lambda r: (r.last_activity_at, uk_sort_key(r.hire_name)),
    }
    return sorted(rows, key=keys.get(filters.sort, keys["name"]), reverse=filters.descending)


# The CSV's column headings (msgids; the page translates them into the reader's language).
CSV_HEADER = (
    N_("Plan no."),
    N_("New colleague"),
    N_("Plan"),
    N_("Department"),
    N_("Mentor"),
    N_("Start date"),
    N_("Days since start"),
    N_("Done, %"),
    N_("Tasks done"),
    N_("Tasks in total"),
    N_("Overdue tasks"),
    N_("Last activity"),
)


def dashboard_csv(rows: list[DashboardRowPublic], *, language: str, tz: str) -> str:
    """The dashboard as CSV in the reader's language, times in their zone (UTF-8 with BOM, so spreadsheets read
    Cyrillic right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([gettext(language, heading) for heading in CSV_HEADER])
    for r in rows:
        writer.writerow(
            [
                csv_cell(v)
                for v in (
                    r.assignment_id,
                    r.hire_name,
                    r.plan_name,
                    r.department,
                    r.mentor_name,
                    format_sheet_date(r.start_date, language),
                    r.days_since_start,
                    r.percent,
                    r.done_tasks,
                    r.total_tasks,
                    r.overdue,
                    format_sheet_datetime(r.last_activity_at, language, tz),
                )
            ]
        )
    return "\ufeff" + buffer.getvalue()
