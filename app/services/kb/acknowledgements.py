"""Read-and-acknowledge: readers confirm a major version; managers see who did, who is missing, as CSV too."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from app import events
from app.errors import Conflict, TooManyRequests
from app.i18n import N_, NO, YES, format_sheet_datetime, gettext, zone
from app.models.audit import AuditEvent
from app.models.kb import ArticleStatus, KbAcknowledgement, KbArticle
from app.models.types import utcnow
from app.models.users import Department, User
from app.services import audit
from app.services import notifications as notifications_service
from app.services import users as users_service
from app.services.kb import access, audience, notices
from app.services.transactions import all_or_nothing
from app.text import csv_cell, uk_sort_key

REMINDED = "article.acknowledgement_reminded"


def latest_acknowledged(*, session: Session, user: User, article: KbArticle) -> int | None:
    """The newest major version the user acknowledged, if any."""
    rows = session.exec(
        select(KbAcknowledgement.version).where(
            KbAcknowledgement.article_id == article.id, KbAcknowledgement.user_id == user.id
        )
    )
    return max(rows.all(), default=None)


def needs_acknowledgement(*, session: Session, user: User, article: KbArticle) -> bool:
    """Whether the reader still has to acknowledge the current major version."""
    if not article.requires_acknowledgement or article.status != ArticleStatus.published:
        return False
    return (latest_acknowledged(session=session, user=user, article=article) or 0) < article.current_major


@all_or_nothing
def acknowledge(*, session: Session, user: User, article: KbArticle) -> KbAcknowledgement:
    """Record that the reader has read and understood the current major version (once per version)."""
    access.check_readable(session=session, user=user, article=article)
    if article.status == ArticleStatus.archived:
        raise Conflict("This article is archived: it no longer asks for acknowledgement.")
    if article.status != ArticleStatus.published or not article.requires_acknowledgement:
        raise Conflict("This article does not ask for acknowledgement.")
    existing = session.exec(
        select(KbAcknowledgement).where(
            KbAcknowledgement.article_id == article.id,
            KbAcknowledgement.user_id == user.id,
            KbAcknowledgement.version == article.current_major,
        )
    ).first()
    if existing is not None:
        return existing
    assert article.id is not None and user.id is not None
    row = KbAcknowledgement(article_id=article.id, user_id=user.id, version=article.current_major)
    session.add(row)
    session.flush()
    notices.forget_for(session=session, user_id=user.id, article=article)
    events.emit(
        "article.acknowledged", session=session, user=user, article_id=article.id, version=article.current_major
    )
    session.commit()
    session.refresh(row)
    return row


@dataclass(frozen=True)
class AckRow:
    user: User
    department_names: list[str]
    version: int | None
    acknowledged_at: datetime | None
    current: bool


@dataclass(frozen=True)
class AckReport:
    article: KbArticle
    rows: list[AckRow]

    @property
    def acknowledged(self) -> int:
        """How many have acknowledged the current major version."""
        return sum(1 for row in self.rows if row.current)

    @property
    def missing(self) -> list[AckRow]:
        """Who has not acknowledged the current major version."""
        return [row for row in self.rows if not row.current]


def report(*, session: Session, user: User, article: KbArticle, department_id: int | None = None) -> AckReport:
    """For managers: the audience (or one department) among the people a manager may see (access.report_people),
    their newest acknowledgement, who is missing."""
    access.check_manager(user)
    people = audience.members(
        session=session,
        article=article,
        department_id=department_id,
        among=access.report_people(session=session, user=user),
    )
    acks = session.exec(
        select(KbAcknowledgement)
        .where(KbAcknowledgement.article_id == article.id)
        .order_by(col(KbAcknowledgement.version))
    ).all()
    newest = {ack.user_id: ack for ack in acks}
    memberships = users_service.department_ids_by_user(session=session, user_ids=[p.id for p in people if p.id])
    names = {d.id: d.name for d in users_service.list_departments(session=session)}
    rows = []
    for person in sorted(people, key=lambda p: uk_sort_key(p.name)):
        ack = newest.get(person.id or 0)
        rows.append(
            AckRow(
                user=person,
                department_names=[names[d] for d in memberships.get(person.id or 0, [])],
                version=ack.version if ack else None,
                acknowledged_at=ack.created_at if ack else None,
                current=bool(ack and ack.version >= article.current_major),
            )
        )
    return AckReport(article=article, rows=rows)


def report_departments(*, session: Session, user: User) -> list[Department]:
    """The departments the report can be narrowed to: every one for admins, else the user's own."""
    mine = set(users_service.department_ids_of(session=session, user=user))
    return [d for d in users_service.list_departments(session=session) if user.is_admin or d.id in mine]


# The CSV's column headings (msgids, in the reader's language in the file).
CSV_HEADER = (
    N_("Person"),
    N_("E-mail"),
    N_("Departments"),
    N_("Version"),
    N_("Acknowledged at"),
    N_("Current version acknowledged"),
)


def report_csv(data: AckReport, *, language: str, tz: str) -> str:
    """The report as CSV in the reader's language, times in their zone (UTF-8 with BOM for spreadsheet programs);
    cells that look like formulas are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([gettext(language, heading) for heading in CSV_HEADER])
    for row in data.rows:
        writer.writerow(
            [
                csv_cell(row.user.name),
                csv_cell(row.user.email),
                csv_cell("; ".join(row.department_names)),
                row.version or "",
                format_sheet_datetime(row.acknowledged_at, language, tz),
                gettext(language, YES if row.current else NO),
            ]
        )
    return "\ufeff" + buffer.getvalue()


@dataclass(frozen=True)
class ReacknowledgeCount:
    """Who a major version would ask to read the article again: the audience, and how many of it had acknowledged."""

    audience: int
    acknowledged: int


def reacknowledge_count(*, session: Session, article: KbArticle) -> ReacknowledgeCount | None:
    """For the publish form: how many people a major version asks to acknowledge again (None: it asks nobody)."""
    if not article.requires_acknowledgement:
        return None
    people = audience.member_ids(session=session, article=article)
    done = session.exec(
        select(func.count(func.distinct(KbAcknowledgement.user_id))).where(
            KbAcknowledgement.article_id == article.id,
            col(KbAcknowledgement.user_id).in_(people),
            KbAcknowledgement.version >= article.current_major,
        )
    ).one()
    return ReacknowledgeCount(audience=len(people), acknowledged=int(done))


@all_or_nothing
def remind_missing(*, session: Session, user: User, article: KbArticle, now: datetime | None = None) -> int:
    """A manager reminds those of the report who have not acknowledged the current version; once per article a day
    (Kyiv), audited. Returns how many were reminded."""
    data = report(session=session, user=user, article=article)
    if article.status != ArticleStatus.published or not article.requires_acknowledgement:
        raise Conflict("This article does not ask for acknowledgement.")
    if reminded_today(session=session, article=article, now=now):
        raise TooManyRequests("A reminder for this article was already sent today. You can remind again tomorrow.")
    missing = [row.user.id for row in data.missing if row.user.id not in (None, user.id)]  # not oneself
    if not missing:
        raise Conflict("Everyone has acknowledged the current version: there is nobody to remind.")
    notifications_service.notify(
        session=session,
        recipient_ids=missing,
        kind=notices.REMIND,
        actor=user,
        url=f"/kb/{article.slug}",
        message="{actor} reminds you to read and acknowledge «{title}».",
        params={"title": article.title},
        batch_key=notices.batch_key(notices.REMIND, article),
    )
    audit.record(
        session=session,
        action=REMINDED,
        actor=user,
        subject=article.slug,
        target_type="article",
        target_id=article.id,
        detail={"reminded": len(missing), "version": article.current_major},
    )
    session.commit()
    return len(missing)


def reminded_today(*, session: Session, article: KbArticle, now: datetime | None = None) -> bool:
    """Whether a manager has already reminded the article's readers today (Kyiv)."""
    kyiv = zone("Europe/Kyiv")
    midnight = (now or utcnow()).astimezone(kyiv).replace(hour=0, minute=0, second=0, microsecond=0)
    found = session.exec(
        select(AuditEvent.id).where(
            AuditEvent.action == REMINDED,
            AuditEvent.target_type == "article",
            AuditEvent.target_id == article.id,
            col(AuditEvent.created_at) >= midnight.astimezone(UTC),
        )
    ).first()
    return found is not None
