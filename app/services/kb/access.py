"""Who may read, edit and curate articles; the same rules for pages, API, search, exports and reports.

Everyone reads the articles they wrote or own. Apart from those, an article for chosen departments is
read only inside them: by their members once published (or archived) and, drafts included, by the
managers of those departments; an article for everyone is read by all once published, and while a
draft by every manager. Admins read everything. Archived articles stay readable by their link, but only
managers list them (the "Archived" filter)."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import ColumnElement, and_, exists, false, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.errors import AppError, Conflict, NotFound, PermissionDenied
from app.models.kb import ArticleStatus, ChangeState, KbArticle, KbArticleDepartment, KbRevision
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


def index_keys(article: KbArticle, audience: list[int]) -> list[str]:
    """The search keys of an article that is in the index (not archived; see app/services/search/keys.py), where
    `can_read` holds: its author, owner and admins, plus (for everyone) all managers while a draft and all readers
    once published, or (for chosen departments) their members once published and, drafts included, their managers
    ("managers:<department>", a key a manager holds for each department they belong to now)."""
    keys = [f"user:{article.author_id}", f"user:{article.owner_id}", "role:admin"]
    published = article.status in PUBLIC_STATUSES
    if not audience:
        return ["all"] if published else ["role:manager", *keys]
    readers = [f"dept:{d}" for d in audience] if published else [f"managers:{d}" for d in audience]
    return list(dict.fromkeys(readers + keys))


def readable_clause(*, user: User, user_departments: list[int]) -> ColumnElement[bool]:
    """An SQL condition on KbArticle that holds where `can_read` does."""
    if user.is_admin:
        return col(KbArticle.id).is_not(None)
    restricted = exists().where(col(KbArticleDepartment.article_id) == col(KbArticle.id))
    in_mine = (
        exists().where(
            col(KbArticleDepartment.article_id) == col(KbArticle.id),
            col(KbArticleDepartment.department_id).in_(user_departments),
        )
        if user_departments
        else false()
    )
    for_me = or_(~restricted, in_mine)
    if not user.is_manager:
        for_me = and_(col(KbArticle.status).in_([s.value for s in PUBLIC_STATUSES]), for_me)
    return or_(for_me, col(KbArticle.author_id) == user.id, col(KbArticle.owner_id) == user.id)


def listed_clause(*, user: User, user_departments: list[int]) -> ColumnElement[bool]:
    """Where `readable_clause` holds and the article may be listed or found: archived ones only for managers.

    Everyone else opens an archived article only by its link (and its page says it is archived)."""
    readable = readable_clause(user=user, user_departments=user_departments)
    if lists_archived(user):
        return readable
    return and_(readable, col(KbArticle.status) != ArticleStatus.archived)


def lists_archived(user: User) -> bool:
    """Whether the user lists archived articles (the "Archived" filter): managers; everyone else opens one by its
    link."""
    return user.is_manager


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


def can_change_settings(*, user: User, article: KbArticle | None) -> bool:
    """Whether the editor offers (and a save applies) the audience, owner, acknowledgement and review settings:
    always for a new article (its author writes the draft), else where `changes_at_once` holds."""
    return article is None or changes_at_once(user=user, article=article)


def owner_choices(*, session: Session, user: User) -> list[User]:
    """The people the editor offers as an article's owner: every active person for managers, none for others (they
    keep the current owner; see `check_can_set_owner`)."""
    return users_service.list_users(session=session, include_inactive=False) if user.is_manager else []


def check_can_set_owner(*, user: User, owner_id: int | None, current_owner_id: int) -> None:
    """Only managers name an owner other than the current one (for a new draft: its author)."""
    if owner_id is not None and owner_id != current_owner_id and not user.is_manager:
        raise PermissionDenied("Only managers can choose the owner of an article.")


def check_can_change_settings(*, user: User, article: KbArticle, owner_id: int | None = None) -> None:
    """Audience, owner, acknowledgement and review settings: managers, or the author of an unpublished draft (who
    may not hand it to another owner)."""
    check_can_set_owner(user=user, owner_id=owner_id, current_owner_id=article.owner_id)
    if not can_change_settings(user=user, article=article):
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
    query = select(User.id).where(
        or_(col(User.id).in_(placed.where(col(UserDepartment.department_id).in_(mine))), col(User.id).not_in(placed))
    )
    return cast("SelectOfScalar[int]", query)  # SQLModel types select(User.id) as Optional; a primary key is not


def reviews(*, user: User, article: KbArticle) -> bool:
    """Whether the user answers for the article being right: its owner, or a manager."""
    return user.is_manager or user.id == article.owner_id


def can_confirm_review(*, user: User, article: KbArticle) -> bool:
    """The owner or a manager confirms that a published article is still right (`lifecycle.mark_reviewed`)."""
    return article.status == ArticleStatus.published and reviews(user=user, article=article)


@dataclass(frozen=True, slots=True)
class ArticleActions:
    """What the user may do on an article's page, from the checks the services make: the templates show a button
    only where it is True and never look at roles or ownership themselves."""

    can_edit: bool  # the editor (a second open proposal is still refused when saved: `check_can_edit`)
    proposes_changes: bool  # the editor makes a proposal for review, not a change in force ("Propose changes")
    sees_pending: bool  # the unpublished head: its notices, its text and the diff
    can_submit: bool
    can_attach: bool  # attach and remove files
    can_publish: bool
    can_return: bool
    can_confirm_review: bool  # "Reviewed — no changes"
    can_archive: bool
    can_restore: bool
    can_change_settings: bool  # audience, owner, acknowledgement and review settings
    can_see_reports: bool  # views and acknowledgements


def _passes(check: Callable[[], None]) -> bool:
    """Whether `check` passes (it raises an AppError when not)."""
    try:
        check()
    except AppError:
        return False
    return True


def article_actions(*, session: Session, user: User, article: KbArticle, head: KbRevision | None) -> ArticleActions:
    """The actions `user` (who may read `article`) may take on it; `head` is its newest revision."""
    archived = article.status == ArticleStatus.archived
    manager = _passes(lambda: check_manager(user))
    pending = sees_pending(user=user, article=article, head=head)
    publishable = manager and not archived and head is not None and head.published_at is None
    in_review = article.status == ArticleStatus.in_review or article.change_state == ChangeState.in_review
    return ArticleActions(
        can_edit=not archived,
        proposes_changes=article.status == ArticleStatus.published and not changes_at_once(user=user, article=article),
        sees_pending=pending,
        can_submit=pending and (article.status == ArticleStatus.draft or article.change_state == ChangeState.draft),
        can_attach=_passes(lambda: check_can_attach(session=session, user=user, article=article)),
        can_publish=publishable,
        can_return=publishable and in_review,
        can_confirm_review=can_confirm_review(user=user, article=article),
        can_archive=manager and not archived,
        can_restore=manager and archived,
        can_change_settings=can_change_settings(user=user, article=article),
        can_see_reports=manager,
    )
