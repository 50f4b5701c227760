"""Who an article is for: the active members of its departments, or everyone active."""

from typing import TypeVar

from sqlalchemy import ColumnElement, exists, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.models.kb import KbArticle, KbArticleDepartment
from app.models.users import Role, User, UserDepartment

T = TypeVar("T")


def member_ids(*, session: Session, article: KbArticle, department_id: int | None = None) -> list[int]:
    """Ids of the active people the article is for (within one department when given)."""
    return [u.id for u in members(session=session, article=article, department_id=department_id) if u.id]


def members(
    *, session: Session, article: KbArticle, department_id: int | None = None, among: SelectOfScalar[int] | None = None
) -> list[User]:
    """The active people the article is for (within one department, and among some user ids, when given), in one
    query."""
    query = _in_audience(session, article, select(User).where(col(User.is_active)))
    if department_id is not None:
        query = query.where(
            col(User.id).in_(select(UserDepartment.user_id).where(UserDepartment.department_id == department_id))
        )
    if among is not None:
        query = query.where(col(User.id).in_(among))
    return list(session.exec(query).all())


def reviewer_ids(*, session: Session, article: KbArticle) -> list[int]:
    """Ids of the active managers who review the article: those of its departments, or all when it is for everyone."""
    query = select(col(User.id)).where(col(User.is_active), col(User.role) == Role.manager)
    return [i for i in session.exec(_in_audience(session, article, query)).all() if i is not None]


def _in_audience(session: Session, article: KbArticle, query: SelectOfScalar[T]) -> SelectOfScalar[T]:
    """`query` on User narrowed to the members of the article's departments (unchanged when it is for everyone)."""
    departments = select(KbArticleDepartment.department_id).where(KbArticleDepartment.article_id == article.id)
    if session.exec(departments.limit(1)).first() is None:
        return query
    return query.where(
        col(User.id).in_(select(UserDepartment.user_id).where(col(UserDepartment.department_id).in_(departments)))
    )


def includes_clause(*, user_departments: list[int]) -> ColumnElement[bool]:
    """An SQL condition on KbArticle: a person of these departments is in its audience (or it is for everyone)."""
    restricted = exists().where(col(KbArticleDepartment.article_id) == col(KbArticle.id))
    if not user_departments:
        return ~restricted
    mine = exists().where(
        col(KbArticleDepartment.article_id) == col(KbArticle.id),
        col(KbArticleDepartment.department_id).in_(user_departments),
    )
    return or_(~restricted, mine)
