"""The protocols a person must know, which their phone keeps to read without a connection (static/js/sw.js): the
published ones that ask them for acknowledgement (read yet or not) and the published ones they have acknowledged,
each only while they may read it."""

from dataclasses import dataclass

from sqlalchemy import and_, exists, or_
from sqlalchemy import select as columns_of
from sqlmodel import Session, col

from app.models.kb import ArticleStatus, KbAcknowledgement, KbArticle
from app.models.users import User
from app.services import users as users_service
from app.services.kb import access, to_read
from app.text import uk_sort_key

# A phone keeps at most this many protocols (the newest published): about 50 KB a page, a few megabytes in all.
KEPT_AT_MOST = 200


@dataclass(frozen=True)
class KeptArticle:
    slug: str
    title: str


def list_must_know(*, session: Session, user: User) -> list[KeptArticle]:
    """The protocols the person must know, by title."""
    departments = users_service.department_ids_of(session=session, user=user)
    acknowledged = exists().where(
        col(KbAcknowledgement.article_id) == col(KbArticle.id), col(KbAcknowledgement.user_id) == user.id
    )
    readable_ack = and_(
        col(KbArticle.status) == ArticleStatus.published,
        access.readable_clause(user=user, user_departments=departments),
        acknowledged,
    )
    rows = session.execute(
        columns_of(col(KbArticle.slug), col(KbArticle.title))
        .where(or_(to_read.asked_clause(user=user, user_departments=departments), readable_ack))
        .order_by(col(KbArticle.published_at).desc(), col(KbArticle.id).desc())
        .limit(KEPT_AT_MOST)
    ).all()
    return sorted((KeptArticle(slug=slug, title=title) for slug, title in rows), key=lambda a: uk_sort_key(a.title))
