"""Review dates: the managers' report of overdue and soon-due articles, and the daily owner reminders."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, exists, or_, select

from app.models.kb import ArticleStatus, KbArticle, KbArticleDepartment, KbReminder
from app.models.users import User
from app.services import notifications as notifications_service
from app.services import users as users_service
from app.services.kb import access
from app.services.kb.lifecycle import today

SOON = timedelta(days=30)
OVERDUE_REPEAT = timedelta(days=7)


def is_overdue(article: KbArticle, on: date | None = None) -> bool:
    """Whether a published article is past its review date."""
    return (
        article.status == ArticleStatus.published
        and article.review_due is not None
        and article.review_due < (on or today())
    )


@dataclass(frozen=True)
class ReviewRow:
    article: KbArticle
    owner: User | None
    overdue: bool
    days: int


def review_report(*, session: Session, user: User, now: datetime | None = None) -> list[ReviewRow]:
    """Published articles overdue or due within 30 days, for the manager's departments (admins: all)."""
    access.check_manager(user)
    day = today(now)
    query = select(KbArticle).where(
        KbArticle.status == ArticleStatus.published,
        col(KbArticle.review_due).is_not(None),
        col(KbArticle.review_due) <= day + SOON,
    )
    if not user.is_admin:
        mine = users_service.department_ids_of(session=session, user=user)
        restricted = exists().where(col(KbArticleDepartment.article_id) == col(KbArticle.id))
        in_mine = exists().where(
            col(KbArticleDepartment.article_id) == col(KbArticle.id),
            col(KbArticleDepartment.department_id).in_(mine or [-1]),
        )
        query = query.where(or_(~restricted, in_mine, col(KbArticle.owner_id) == user.id))
    articles = list(session.exec(query.order_by(col(KbArticle.review_due), col(KbArticle.id))).all())
    owners = {u.id: u for u in session.exec(select(User).where(col(User.id).in_({a.owner_id for a in articles})))}
    return [
        ReviewRow(
            article=a,
            owner=owners.get(a.owner_id),
            overdue=is_overdue(a, day),
            days=abs((a.review_due - day).days) if a.review_due else 0,
        )
        for a in articles
    ]


def send_review_reminders(*, session: Session, now: datetime) -> int:
    """Remind owners 30 days before the review date and when it has passed; safe to run any number of times.

    At most one reminder per article, kind and day (a unique row); "soon" once per review date, "overdue"
    once a week."""
    day = today(now)
    due = session.exec(
        select(KbArticle).where(
            KbArticle.status == ArticleStatus.published,
            col(KbArticle.review_due).is_not(None),
            col(KbArticle.review_due) <= day + SOON,
        )
    ).all()
    sent = 0
    for article in due:
        assert article.review_due is not None and article.id is not None
        kind = "overdue" if article.review_due < day else "soon"
        if _already_reminded(session, article, kind, day):
            continue
        session.add(KbReminder(article_id=article.id, kind=kind, review_due=article.review_due, sent_on=day))
        message = (
            "The review of «{title}» is overdue since {due}."
            if kind == "overdue"
            else "«{title}» is due for review on {due}."
        )
        notifications_service.notify(
            session=session,
            recipient_ids=[article.owner_id],
            kind=f"kb.review_{kind}",
            actor=None,
            url=f"/kb/{article.slug}",
            message=message,
            params={"title": article.title, "due": article.review_due.isoformat()},
        )
        try:
            session.commit()
            sent += 1
        except IntegrityError:  # another worker sent it a moment ago
            session.rollback()
    return sent


def _already_reminded(session: Session, article: KbArticle, kind: str, day: date) -> bool:
    query = select(KbReminder.id).where(KbReminder.article_id == article.id, KbReminder.kind == kind)
    if kind == "soon":
        query = query.where(KbReminder.review_due == article.review_due)
    else:
        query = query.where(col(KbReminder.sent_on) > day - OVERDUE_REPEAT)
    return session.exec(query.limit(1)).first() is not None
