"""The few facts onboarding needs about knowledge-base articles; who may read one is the KB's own rule."""

from collections.abc import Iterable

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from app.errors import InvalidInput
from app.models.kb import ArticleStatus, KbAcknowledgement, KbArticle
from app.models.onboarding import ChecklistTask
from app.models.users import User
from app.services import users as users_service
from app.services.kb import access as kb_access


def _readable(*, session: Session, user: User) -> ColumnElement[bool]:
    """The knowledge base's one rule for who may read an article, as an SQL condition."""
    departments = users_service.department_ids_of(session=session, user=user)
    return kb_access.readable_clause(user=user, user_departments=departments)


def article_links(*, session: Session, user: User, article_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(title, url) of each of these guides the user may read, in one query; the others are left out."""
    ids = [i for i in article_ids if i]
    if not ids:
        return {}
    rows = session.exec(
        select(KbArticle.id, KbArticle.title, KbArticle.slug).where(
            col(KbArticle.id).in_(ids), _readable(session=session, user=user)
        )
    ).all()
    return {i: (title, f"/kb/{slug}") for i, title, slug in rows if i is not None}


def acknowledgeable_ids(*, session: Session, user: User, article_ids: set[int]) -> set[int]:
    """Which of these guides the user can acknowledge: ones they may read that are published and ask for it."""
    ids = [i for i in article_ids if i]
    if not ids:
        return set()
    # The same conditions as the KB's acknowledge(), so a read task is only left to the new hire when it can work.
    rows = session.exec(
        select(KbArticle.id).where(
            col(KbArticle.id).in_(ids),
            KbArticle.status == ArticleStatus.published,
            col(KbArticle.requires_acknowledgement),
            _readable(session=session, user=user),
        )
    ).all()
    return {i for i in rows if i is not None}


def acknowledged_current_ids(*, session: Session, user: User, article_ids: set[int]) -> set[int]:
    """Which of these guides the user acknowledged in their current major version (an older one does not count)."""
    ids = [i for i in article_ids if i]
    if not ids:
        return set()
    rows = session.exec(
        select(KbAcknowledgement.article_id)
        .join(KbArticle, col(KbArticle.id) == KbAcknowledgement.article_id)
        .where(
            KbAcknowledgement.user_id == user.id,
            col(KbAcknowledgement.article_id).in_(ids),
            KbAcknowledgement.version == KbArticle.current_major,
        )
    ).all()
    return set(rows)


def kept_guides(
    *, session: Session, user: User, tasks: Iterable[ChecklistTask], offered: set[int]
) -> dict[int, tuple[int, str | None]]:
    """Task id → (guide id, title or None) for tasks linking a guide the picker does not offer.

    Editing such a task keeps its link; the title is there only when the user may read the guide."""
    wanted = {t.id: t.article_id for t in tasks if t.id and t.article_id and t.article_id not in offered}
    if not wanted:
        return {}
    rows = session.exec(select(KbArticle.id).where(col(KbArticle.id).in_(set(wanted.values())))).all()
    existing = {i for i in rows if i is not None}
    links = article_links(session=session, user=user, article_ids=existing)
    return {
        task_id: (guide, links[guide][0] if guide in links else None)
        for task_id, guide in wanted.items()
        if guide in existing
    }


def _exists(*, session: Session, article_id: int) -> bool:
    return session.exec(select(KbArticle.id).where(KbArticle.id == article_id)).first() is not None


def check_article(*, session: Session, user: User, article_id: int | None, linked_id: int | None = None) -> None:
    """A read task must link a guide the user may read, or keep the one it already links."""
    if article_id is None:
        raise InvalidInput("A reading task must link a guide from the knowledge base.")
    if article_id == linked_id and _exists(session=session, article_id=article_id):
        return  # editing the task's text does not attach anything new, even if another department's head linked it
    query = select(KbArticle.id).where(KbArticle.id == article_id, _readable(session=session, user=user))
    if session.exec(query).first() is None:
        # One answer for a missing and a forbidden guide, so an id never tells that a guide exists.
        raise InvalidInput("The guide {id} does not exist, or you cannot read it.", id=article_id)


def find_article_id(*, session: Session, slug: str) -> int | None:
    """The id of the article with this slug, if any."""
    return session.exec(select(KbArticle.id).where(KbArticle.slug == slug)).first()


def published_articles(*, session: Session, user: User) -> list[tuple[int, str]]:
    """(id, title) of every published guide the user may read, for choosing what a reading task links."""
    query = select(KbArticle.id, KbArticle.title).where(
        KbArticle.status == ArticleStatus.published, _readable(session=session, user=user)
    )
    return [(i, title) for i, title in session.exec(query.order_by(col(KbArticle.title))).all() if i is not None]
