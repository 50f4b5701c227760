"""Who has and has not read a must-read announcement, per department, and the CSV export."""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from app.errors import InvalidInput, PermissionDenied
from app.i18n import N_, format_sheet_datetime, gettext
from app.models.feed import Post, PostRead
from app.models.users import Department, User
from app.services import users as users_service
from app.services.feed import access
from app.text import csv_cell, uk_sort_key

NO_DEPARTMENT = N_("No department")


@dataclass
class DepartmentReads:
    name: str  # the department's, or NO_DEPARTMENT in the reader's language
    read: list[tuple[User, datetime]] = field(default_factory=list)
    unread: list[User] = field(default_factory=list)


def read_report(*, session: Session, user: User, post: Post, language: str) -> list[DepartmentReads]:
    """Per department of the audience (people without one last, named in `language`): who pressed "I have read it"
    (and when) and who has not (managers)."""
    if not access.can_see_reads(user):
        raise PermissionDenied("Only managers can see who has read an announcement.")
    if not post.must_read:
        raise InvalidInput("This post does not need to be marked as read.")
    assert post.id is not None  # read from the database
    departments = access.department_ids_of_post(session=session, post_id=post.id)
    audience = set(access.audience_user_ids(session=session, department_ids=departments))
    people = [u for u in users_service.list_users(session=session, include_inactive=False) if u.id in audience]
    read_at = dict(session.exec(select(PostRead.user_id, PostRead.read_at).where(PostRead.post_id == post.id)).all())
    membership = users_service.department_ids_by_user(session=session, user_ids=audience)
    names: dict[int | None, str] = {
        d.id: d.name
        for d in session.exec(
            select(Department).where(col(Department.id).in_({d for ids in membership.values() for d in ids}))
        ).all()
    }
    names[None] = gettext(language, NO_DEPARTMENT)
    groups: dict[int | None, DepartmentReads] = {}
    for person in people:
        assert person.id is not None  # read from the database
        shown: list[int | None] = [d for d in membership.get(person.id, []) if not departments or d in departments]
        for department_id in shown or [None]:
            group = groups.setdefault(department_id, DepartmentReads(name=names[department_id]))
            if person.id in read_at:
                group.read.append((person, read_at[person.id]))
            else:
                group.unread.append(person)
    return [groups[d] for d in sorted(groups, key=lambda d: (d is None, uk_sort_key(names[d])))]


def report_csv(report: list[DepartmentReads], *, labels: dict[str, str], language: str, tz: str) -> str:
    """The report as CSV under the (translated) `labels`, times in the reader's zone (UTF-8 with BOM, so spreadsheet
    programs show Cyrillic)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([labels["department"], labels["name"], labels["email"], labels["status"], labels["read_at"]])
    for group in report:
        for person, when in group.read:
            writer.writerow(
                [
                    csv_cell(v)
                    for v in (
                        group.name,
                        person.name,
                        person.email,
                        labels["read"],
                        format_sheet_datetime(when, language, tz),
                    )
                ]
            )
        for person in group.unread:
            writer.writerow([csv_cell(v) for v in (group.name, person.name, person.email, labels["unread"], "")])
    return out.getvalue()
