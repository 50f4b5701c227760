"""Who may read, edit and curate articles; the same rules for pages, API, search, exports and reports.

Everyone reads the articles they wrote or own. Apart from those, an article for chosen departments is
read only inside them: by their members once published (or archived) and, drafts included, by the
managers of those departments; an article for everyone is read by all once published, and while a
draft by every manager. Admins read everything. Archived articles stay readable by their link, but only
managers list them (the "Archived" filter)."""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, exists, false, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.errors import Conflict, NotFound, PermissionDenied
from app.models.kb import ArticleStatus, KbArticle, KbArticleDepartment, KbRevision
from app.models.users import User, UserDepartment
from app.services import users as users_service

PUBLIC_STATUSES = (ArticleStatus.published, ArticleStatus.archived)


def audience_of(*, session: Session, article_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each article's department ids (empty: everyone), in one query."""
    ids = list(article_ids)
    found: dict[int, list[int]] = defaultdict(list)
    if ids:
        rows = session.exec(select(KbArticleDepartment).where(col(KbArticleDepartment.article_id).in_(ids)))
        for row in rows:
            found[row.article_id].append(row.department_id)
    return found


def can_read(*, user: User, article: KbArticle, audience: list[int], user_departments: list[int]) -> bool:
    """Whether the user may read the article's visible version."""
    if user.is_admin or user.id in (article.author_id, article.owner_id):
        return True
    if audience and not set(audience) & set(user_departments):
        return False
    return user.is_manager or article.status in PUBLIC_STATUSES


def readable_clause(*, user: User, user_departments: list[int]) -> ColumnElement[bool]:
    """An SQL condition on KbArticle that holds where `can_read` does."""
    if user.is_admin:
        return col(KbArticle.id).is_not(None)
    restricted = exists().where(KbArticleDepartment.article_id == KbArticle.id)
    in_mine = (
        exists().where(
            KbArticleDepartment.article_id == KbArticle.id, col(KbArticleDepartment.department_id).in_(user_departments)
        )
        if user_departments
        else false()
    )
    for_me = or_(~restricted, in_mine)
    if not user.is_manager:
        for_me = and_(col(KbArticle.status).in_([s.value for s in PUBLIC_STATUSES]), for_me)
    return or_(for_me, KbArticle.author_id == user.id, KbArticle.owner_id == user.id)


def listed_clause(*, user: User, user_departments: list[int]) -> ColumnElement[bool]:
    """Where `readable_clause` holds and the article may be listed or found: archived ones only for managers.

    Everyone else opens an archived article only by its link (and its page says it is archived)."""
    readable = readable_clause(user=user, user_departments=user_departments)
    if user.is_manager:
        return readable
    return and_(readable, KbArticle.status != ArticleStatus.archived)


def check_readable(*, session: Session, user: User, article: KbArticle) -> None:
    """NotFound unless the user may read the article (never say whether it exists)."""
    assert article.id is not None
    audience = audience_of(session=session, article_ids=[article.id]).get(article.id, [])
    departments = users_service.department_ids_of(session=session, user=user)
    if not can_read(user=user, article=article, audience=audience, user_departments=departments):
        raise NotFound("This article does not exist, or you cannot see it.")


def sees_pending(*, user: User, article: KbArticle, head: KbRevision | None) -> bool:
    """Whether the user may see the unpublished head (a draft or a proposed change)."""
    if user.is_manager or user.id == article.owner_id:
        return True
    if article.status in (ArticleStatus.draft, ArticleStatus.in_review):
        return user.id == article.author_id
    return head is not None and head.author_id == user.id


def check_can_edit(*, session: Session, user: User, article: KbArticle) -> None:
    """Readers may propose changes; only one person's proposal is open at a time (managers excepted)."""
    check_readable(session=session, user=user, article=article)
    if article.status == ArticleStatus.archived:
        raise Conflict("This article is archived. A manager can restore it before it is changed.")
    head = session.get(KbRevision, article.head_revision_id) if article.head_revision_id else None
    if article.change_state is not None and not sees_pending(user=user, article=article, head=head):
        raise Conflict("Someone else has proposed changes to this article. They have to be reviewed first.")
    if article.status in (ArticleStatus.draft, ArticleStatus.in_review) and not sees_pending(
        user=user, article=article, head=head
    ):
        raise PermissionDenied("Only the author, the owner and managers can edit a draft.")


def check_manager(user: User) -> None:
    """Only managers curate: publish, return, archive, review, import, export, reports."""
    if not user.is_manager:
        raise PermissionDenied("Only managers can do this.")


def changes_at_once(*, user: User, article: KbArticle) -> bool:
    """Whether the user's changes take effect without review: managers, or the author and owner of a draft."""
    return user.is_manager or (
        article.status == ArticleStatus.draft and user.id in (article.author_id, article.owner_id)
    )


def check_can_set_owner(*, user: User, owner_id: int | None, current_owner_id: int) -> None:
    """Only managers name an owner other than the current one (for a new draft: its author)."""
    if owner_id is not None and owner_id != current_owner_id and not user.is_manager:
        raise PermissionDenied("Only managers can choose the owner of an article.")


def check_can_change_settings(*, user: User, article: KbArticle, owner_id: int | None = None) -> None:
    """Audience, owner, acknowledgement and review settings: managers, or the author of an unpublished draft (who
    may not hand it to another owner)."""
    check_can_set_owner(user=user, owner_id=owner_id, current_owner_id=article.owner_id)
    if not changes_at_once(user=user, article=article):
        raise PermissionDenied("Only managers can change the audience, owner or review settings of an article.")


def check_can_attach(*, session: Session, user: User, article: KbArticle) -> None:
    """Attaching or removing a file shows at once, so only those whose changes need no review may do it."""
    check_can_edit(session=session, user=user, article=article)
    if not changes_at_once(user=user, article=article):
        raise PermissionDenied("Only managers and the author of a draft can attach or remove files.")


def report_people(*, session: Session, user: User) -> SelectOfScalar[int] | None:
    """Whom a manager sees in an article's reports: the people of their departments and those of no department,
    never another department's (None: admins see everyone)."""
    if user.is_admin:
        return None
    mine = users_service.department_ids_of(session=session, user=user)
    placed = select(UserDepartment.user_id)
    return select(User.id).where(
        or_(col(User.id).in_(placed.where(col(UserDepartment.department_id).in_(mine))), col(User.id).not_in(placed))
    )
