"""The audit log: append-only records of who did what."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.i18n import N_, NO, YES, format_day, format_number, gettext
from app.models.audit import AuditEvent
from app.models.feed import Post
from app.models.kb import KbArticle, KbCategory
from app.models.onboarding import Checklist, OnboardingAssignedTask, OnboardingAssignment
from app.models.types import utcnow
from app.models.users import ApiToken, Department, User
from app.services import audit_chain
from app.text import uk_sort_key

PAGE_SIZE = 50
# A person refused the same manager's or admin's route again within this time is not recorded again.
REFUSALS_QUIET_FOR = timedelta(hours=1)


def record(
    *,
    session: Session,
    action: str,
    actor: User | None = None,
    subject: str = "",
    target_type: str = "",
    target_id: int | None = None,
    ip: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit writes it, chained, with the change it describes."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        subject=subject,
        target_type=target_type,
        target_id=target_id,
        ip=ip,
        detail=detail or {},
    )
    session.add(event)
    audit_chain.track(session=session, entry=event)
    return event


def record_refusal(*, session: Session, user: User, route: str, needed: str, ip: str = "") -> None:
    """Audit a refused visit to a manager's or administrator's route (and commit): once an hour per person and
    route, so a page reloaded or a script retrying does not flood the log."""
    recent = session.exec(
        select(AuditEvent.detail).where(
            AuditEvent.action == "permission.denied",
            AuditEvent.actor_id == user.id,
            col(AuditEvent.created_at) >= utcnow() - REFUSALS_QUIET_FOR,
        )
    ).all()
    if any(detail.get("route") == route for detail in recent):
        return
    record(
        session=session,
        action="permission.denied",
        actor=user,
        subject=user.email,
        ip=ip,
        detail={"route": route, "needed": needed},
    )
    session.commit()


def record_export(
    *, session: Session, user: User, report: str, target_type: str = "", target_id: int | None = None, ip: str = ""
) -> None:
    """Audit a report downloaded as a file (and commit): who took which people's data out of Kolo."""
    record(
        session=session,
        action="report.exported",
        actor=user,
        subject=user.email,
        target_type=target_type,
        target_id=target_id,
        ip=ip,
        detail={"report": report},
    )
    session.commit()


def list_events(
    *,
    session: Session,
    action: str | None = None,
    actor_id: int | None = None,
    subject: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> Sequence[AuditEvent]:
    """Audit events, newest first, filtered; keyset-paginated by id."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if action:
        query = query.where(col(AuditEvent.action).startswith(action))
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if subject:
        query = query.where(col(AuditEvent.subject).contains(subject.strip().lower()))
    if since:
        query = query.where(AuditEvent.created_at >= since)
    if until:
        query = query.where(AuditEvent.created_at < until)
    if before_id:
        query = query.where(col(AuditEvent.id) < before_id)
    return session.exec(query).all()


def action_names(*, session: Session) -> list[str]:
    """Every action that occurs in the log, for the filter."""
    return sorted(session.exec(select(AuditEvent.action).distinct()).all())


# --- how the log reads to a person -----------------------------------------------------------------

# What each recorded action means, in words (msgids); an action not listed shows its code.
ACTION_LABELS: dict[str, str] = {
    "login.succeeded": N_("Signed in to Kolo"),
    "login.failed": N_("Failed sign-in"),
    "logout": N_("Signed out"),
    "session.revoked": N_("Signed a browser out"),
    "user.created": N_("Invited a person"),
    "user.invited": N_("Sent a new invitation"),
    "user.reset_link_created": N_("Made a password reset link"),
    "user.invite_accepted": N_("Accepted the invitation"),
    "user.updated": N_("Changed a person"),
    "user.password_changed": N_("Changed the password"),
    "user.password_change_failed": N_("Failed password change"),
    "token.created": N_("Created an API token"),
    "token.revoked": N_("Revoked an API token"),
    "department.created": N_("Created a department"),
    "department.renamed": N_("Renamed a department"),
    "kb_category.created": N_("Created a knowledge base category"),
    "article.created": N_("Created an article"),
    "article.submitted": N_("Submitted an article for review"),
    "article.published": N_("Published an article"),
    "article.returned": N_("Returned an article for changes"),
    "article.archived": N_("Archived an article"),
    "article.unarchived": N_("Restored an article from the archive"),
    "article.reviewed": N_("Confirmed an article is up to date"),
    "article.review_due_reset": N_("Moved an article's review date"),
    "article.revision_restored": N_("Restored an earlier version"),
    "article.settings_changed": N_("Changed an article's settings"),
    "article.imported": N_("Imported articles"),
    "article.file_removed": N_("Removed a file from an article"),
    "post.deleted": N_("Deleted a post"),
    "post.pinned": N_("Pinned a post"),
    "onboarding.assigned": N_("Assigned an onboarding plan"),
    "onboarding.closed": N_("Closed an onboarding plan"),
    "onboarding.due_extended": N_("Moved a task's due date"),
    "onboarding.mentor_changed": N_("Changed the mentor"),
    "onboarding.rule_created": N_("Added an automatic plan rule"),
    "onboarding.rule_deleted": N_("Removed an automatic plan rule"),
    "onboarding.template_created": N_("Created a plan template"),
    "onboarding.template_updated": N_("Changed a plan template"),
    "onboarding.template_archived": N_("Archived a plan template"),
    "onboarding.task_added": N_("Added a task to a template"),
    "onboarding.task_updated": N_("Changed a template task"),
    "onboarding.task_removed": N_("Removed a task from a template"),
    "patient_data.published_anyway": N_("Published text that looked like patient data"),
    "patient_data.rule_created": N_("Added a patient-data rule"),
    "patient_data.rule_deleted": N_("Removed a patient-data rule"),
    "synonyms.group_created": N_("Added a search synonym group"),
    "synonyms.group_updated": N_("Changed a search synonym group"),
    "synonyms.group_deleted": N_("Deleted a search synonym group"),
    "synonyms.group_disabled": N_("Switched off a shipped synonym group"),
    "synonyms.group_restored": N_("Restored a shipped synonym group"),
    "login.throttled": N_("Sign-in attempts held back: too many"),
    "token.new_address": N_("API token used from a new address"),
    "permission.denied": N_("Refused: a page for managers or administrators"),
    "report.exported": N_("Downloaded a report"),
    "account.exported": N_("Downloaded their personal data"),
    "user.erased": N_("Erased a departed person's personal data"),
}
# What each detail is (msgids), by its key.
DETAIL_LABELS: dict[str, str] = {
    "role": N_("Role"),
    "departments": N_("Departments"),
    "department_ids": N_("Departments"),
    "department_id": N_("Department"),
    "active": N_("Active"),
    "tokens_revoked": N_("API tokens ended"),
    "name": N_("Name"),
    "days": N_("Valid for, days"),
    "from": N_("Was"),
    "to": N_("Now"),
    "revision": N_("Version"),
    "version": N_("Version"),
    "created": N_("Articles created"),
    "problems": N_("Entries skipped"),
    "filename": N_("File"),
    "upload_id": N_("File no."),
    "uploaded_by": N_("Uploaded by"),
    "comment": N_("Comment"),
    "reason": N_("Reason"),
    "task": N_("Task"),
    "template": N_("Plan"),
    "template_id": N_("Plan"),
    "mentor_id": N_("Mentor"),
    "owner_id": N_("Owner"),
    "review_due": N_("Review due"),
    "start_date": N_("Start date"),
    "assignment_id": N_("Plan no."),
    "kinds": N_("Looked like"),
    "fields": N_("Where in the text"),
    "pattern": N_("Pattern"),
    "terms": N_("Synonyms"),
    "limit": N_("Limit reached"),
    "route": N_("Page or request"),
    "needed": N_("Needs the role"),
    "report": N_("Report"),
}
ROLE_LABELS = {"admin": N_("Administrator"), "manager": N_("Manager"), "staff": N_("Staff")}
# Details whose values are codes, and the words for them (msgids).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "limit": {"pair": N_("this account from this address"), "address": N_("this address")},
    "report": {
        "post_reads": N_("who has read a post"),
        "acknowledgements": N_("who has read an article"),
        "onboarding": N_("onboarding plans"),
        "articles": N_("articles of a category"),
    },
}
_PEOPLE_KEYS = {"mentor_id", "owner_id", "uploaded_by"}
_DEPARTMENT_KEYS = {"departments", "department_ids", "department_id"}
_DATE_KEYS = {"review_due", "start_date"}
# Actions whose "from" and "to" are people or dates rather than text.
_FROM_TO = {
    "onboarding.mentor_changed": "person",
    "article.review_due_reset": "date",
    "onboarding.due_extended": "date",
}


@dataclass(frozen=True)
class AuditRow:
    """One event as the log page shows it: who, what in words (the code beside it), what it concerns (with a link
    when the thing still exists) and its details as (label, value) pairs, all in the reader's language."""

    event: AuditEvent
    actor: User | None
    label: str
    target: str
    target_route: str | None
    target_params: dict[str, object]
    details: list[tuple[str, str]]


@dataclass
class _Names:
    """The names the page needs, loaded once for a page of events."""

    people: dict[int, User]
    departments: dict[int, str]
    templates: dict[int, str]


def present_events(*, session: Session, events: Sequence[AuditEvent], language: str) -> list[AuditRow]:
    """The events as a person reads them: actions in words, ids turned into names and titles with links."""
    names = _Names(
        people={u.id: u for u in session.exec(select(User)).all() if u.id is not None},
        departments={d.id: d.name for d in session.exec(select(Department)).all() if d.id is not None},
        templates={t.id: t.name for t in session.exec(select(Checklist)).all() if t.id is not None},
    )
    rows = []
    for event in events:
        target, route, params = _target(session, event, names, language)
        label = ACTION_LABELS.get(event.action)
        rows.append(
            AuditRow(
                event=event,
                actor=names.people.get(event.actor_id or 0),
                label=gettext(language, label) if label else event.action,
                target=target,
                target_route=route,
                target_params=params,
                details=[_detail(key, value, event.action, names, language) for key, value in event.detail.items()],
            )
        )
    return rows


def action_choices(*, session: Session, language: str) -> list[tuple[str, str]]:
    """(code, words) of every action in the log, for the filter, in the order of the words."""
    choices = [
        (code, gettext(language, ACTION_LABELS[code]) if code in ACTION_LABELS else code)
        for code in action_names(session=session)
    ]
    return sorted(choices, key=lambda choice: uk_sort_key(choice[1]))


def _target(
    session: Session, event: AuditEvent, names: _Names, language: str
) -> tuple[str, str | None, dict[str, object]]:
    """What the event concerns: a name or title, and the route (with its parameters) of its page if there is one."""
    kind, target_id = event.target_type, event.target_id or 0
    if kind == "user" and target_id in names.people:
        return names.people[target_id].name, "user_page", {"user_id": target_id}
    if kind == "article" and (article := session.get(KbArticle, target_id)) is not None:
        return article.title, "article_page", {"slug": article.slug}
    if kind == "post" and (post := session.get(Post, target_id)) is not None and post.deleted_at is None:
        return _excerpt(post.body), "post_detail_page", {"post_id": target_id}
    if kind == "department" and target_id in names.departments:
        return names.departments[target_id], "departments_page", {}
    if kind == "kb_category" and (category := session.get(KbCategory, target_id)) is not None:
        return category.name, "article_list_page", {"query": {"category": target_id}}
    if kind == "onboarding_template" and target_id in names.templates:
        return names.templates[target_id], "template_page", {"template_id": target_id}
    if kind == "onboarding_assignment" and (plan := session.get(OnboardingAssignment, target_id)) is not None:
        hire = names.people.get(plan.user_id)
        return hire.name if hire else event.subject, "plan_page", {"assignment_id": target_id}
    if kind == "onboarding_assigned_task" and (task := session.get(OnboardingAssignedTask, target_id)) is not None:
        return task.title, "plan_page", {"assignment_id": task.assignment_id}
    if kind == "api_token" and (token := session.get(ApiToken, target_id)) is not None:
        return gettext(language, "API token «{name}»", name=token.name), None, {}
    if kind == "onboarding_rule":
        department = names.departments.get(int(event.detail.get("department_id") or 0), "")
        template = names.templates.get(int(event.detail.get("template_id") or 0), "")
        return " → ".join(part for part in (department, template) if part), "templates_page", {}
    if kind == "user_session":
        return gettext(language, "A browser session"), None, {}
    return event.subject, None, {}


def _detail(key: str, value: object, action: str, names: _Names, language: str) -> tuple[str, str]:
    """A detail's label and value in words: ids as names, codes as labels, dates and yes/no in the language."""
    label = gettext(language, DETAIL_LABELS[key]) if key in DETAIL_LABELS else key
    return label, _value(key, value, action, names, language)


def _value(key: str, value: object, action: str, names: _Names, language: str) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext(language, YES if value else NO)
    if isinstance(value, list):
        return ", ".join(_value(key, item, action, names, language) for item in value)
    kind = _FROM_TO.get(action) if key in ("from", "to") else None
    if key in ("role", "needed") and str(value) in ROLE_LABELS:
        return gettext(language, ROLE_LABELS[str(value)])
    if str(value) in VALUE_LABELS.get(key, {}):
        return gettext(language, VALUE_LABELS[key][str(value)])
    if (key in _PEOPLE_KEYS or kind == "person") and isinstance(value, int):
        person = names.people.get(value)
        return person.name if person else gettext(language, "a removed person")
    if key in _DEPARTMENT_KEYS and isinstance(value, int):
        return names.departments.get(value, gettext(language, "a removed department"))
    if key == "template_id" and isinstance(value, int):
        return names.templates.get(value, "—")
    if (key in _DATE_KEYS or kind == "date") and isinstance(value, str):
        try:
            return format_day(date.fromisoformat(value[:10]), language)
        except ValueError:
            return value
    if isinstance(value, int | float):
        return format_number(value, language)
    return str(value)


def _excerpt(text: str, length: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"
