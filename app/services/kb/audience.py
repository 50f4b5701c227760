"""Who an article is for: the active members of its departments, or everyone active."""

from sqlmodel import Session, col, select

from app.models.kb import KbArticle, KbArticleDepartment
from app.models.users import User, UserDepartment


def member_ids(*, session: Session, article: KbArticle, department_id: int | None = None) -> list[int]:
    """Ids of the active people the article is for (within one department when given)."""
    return [u.id for u in members(session=session, article=article, department_id=department_id) if u.id]


def members(*, session: Session, article: KbArticle, department_id: int | None = None) -> list[User]:
    """The active people the article is for (within one department when given), in one query."""
    departments = select(KbArticleDepartment.department_id).where(KbArticleDepartment.article_id == article.id)
    restricted = session.exec(departments.limit(1)).first() is not None
    query = select(User).where(col(User.is_active))
    if restricted:
        in_audience = select(UserDepartment.user_id).where(col(UserDepartment.department_id).in_(departments))
        query = query.where(col(User.id).in_(in_audience))
    if department_id is not None:
        query = query.where(col(User.id).in_(select(UserDepartment.user_id).where(
            UserDepartment.department_id == department_id)))
    return list(session.exec(query).all())
