"""The few facts onboarding needs about knowledge-base articles; who may read one is the KB's own rule."""

from sqlalchemy import ColumnElement, column, table
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from app.errors import InvalidInput
from app.models.kb import ArticleStatus, KbArticle
from app.models.users import User
from app.services import users as users_service
from app.services.kb import access as kb_access

_article = table("kb_article", column("id"), column("slug"), column("title"), column("status"))


def article_links(*, session: Session, article_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(title, url) of each article, in one query."""
    ids = [i for i in article_ids if i]
    if not ids:
        return {}
    rows = session.execute(core_select(_article.c.id, _article.c.title, _article.c.slug)
                           .where(_article.c.id.in_(ids))).all()
    return {row.id: (row.title, f"/kb/{row.slug}") for row in rows}


def _readable(*, session: Session, user: User) -> ColumnElement[bool]:
    """The knowledge base's one rule for who may read an article, as an SQL condition."""
    departments = users_service.department_ids_of(session=session, user=user)
    return kb_access.readable_clause(user=user, user_departments=departments)


def check_article(*, session: Session, user: User, article_id: int | None, linked_id: int | None = None) -> None:
    """A read task must link a guide the user may read, or keep the one it already links."""
    if article_id is None:
        raise InvalidInput("A reading task must link a guide from the knowledge base.")
    if article_id == linked_id and article_links(session=session, article_ids={article_id}):
        return  # editing the task's text does not attach anything new, even if another department's head linked it
    query = select(KbArticle.id).where(KbArticle.id == article_id, _readable(session=session, user=user))
    if session.exec(query).first() is None:
        # One answer for a missing and a forbidden guide, so an id never tells that a guide exists.
        raise InvalidInput("The guide {id} does not exist, or you cannot read it.", id=article_id)


def find_article_id(*, session: Session, slug: str) -> int | None:
    """The id of the article with this slug, if any."""
    return session.execute(core_select(_article.c.id).where(_article.c.slug == slug)).scalar()


def published_articles(*, session: Session, user: User) -> list[tuple[int, str]]:
    """(id, title) of every published guide the user may read, for choosing what a reading task links."""
    query = select(KbArticle.id, KbArticle.title).where(KbArticle.status == ArticleStatus.published,
                                                        _readable(session=session, user=user))
    return [(i, title) for i, title in session.exec(query.order_by(col(KbArticle.title))).all() if i is not None]
