"""Who may read, change and moderate posts: the one place these rules live."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, or_, true
from sqlmodel import Session, col, select

from app.errors import InvalidInput, NotFound, PermissionDenied
from app.models.feed import Comment, Post, PostDepartment
from app.models.users import Department, User
from app.services import users as users_service


def can_read_post(*, user: User, post: Post, audience: Iterable[int], user_departments: Iterable[int]) -> bool:
    """The read rule: a live post is read by admins, its author, and everyone (for no department) or the members of
    one of its departments (`audience`). `readable_clause` is its SQL twin, `index_keys` its search keys."""
    if post.deleted_at is not None:
        return False
    wanted = set(audience)
    return user.is_admin or post.author_id == user.id or not wanted or bool(wanted & set(user_departments))


def index_keys(post: Post, department_ids: Iterable[int]) -> list[str]:
    """The search keys of a live post and of its comments and event (see app/services/search/keys.py): "all" for
    everyone, else its departments, its author and admins. Deleted posts are not in the index."""
    departments = list(department_ids)
    if not departments:
        return ["all"]
    return [f"dept:{d}" for d in departments] + [f"user:{post.author_id}", "role:admin"]


def readable_clause(*, user: User, department_ids: Iterable[int]) -> ColumnElement[bool]:
    """SQL: the post is not deleted and is for everyone, for one of the user's departments, or theirs."""
    alive = col(Post.deleted_at).is_(None)
    if user.is_admin:
        return alive & true()
    for_someone = exists().where(col(PostDepartment.post_id) == col(Post.id))
    for_mine = exists().where(
        col(PostDepartment.post_id) == col(Post.id), col(PostDepartment.department_id).in_(list(department_ids))
    )
    return alive & or_(~for_someone, for_mine, col(Post.author_id) == user.id)


def readable_ids(*, session: Session, user: User, post_ids: Iterable[int]) -> set[int]:
    """The ids among `post_ids` the user may read, in one query."""
    ids = list(set(post_ids))
    if not ids:
        return set()
    departments = users_service.department_ids_of(session=session, user=user)
    clause = readable_clause(user=user, department_ids=departments)
    return {i for i in session.exec(select(Post.id).where(col(Post.id).in_(ids), clause)).all() if i is not None}


def can_read(*, session: Session, user: User, post_id: int) -> bool:
    """Whether the user may read the post."""
    return post_id in readable_ids(session=session, user=user, post_ids=[post_id])


def can_read_file(session: Session, user: User, post_id: int) -> bool:
    """Files attached to a post are for whoever may read the post."""
    return can_read(session=session, user=user, post_id=post_id)


def get_post_or_raise(*, session: Session, user: User, post_id: int) -> Post:
    """A post the user may read, or 404 (the same answer whether it is hidden or missing)."""
    post = session.get(Post, post_id)
    if post is None or not can_read(session=session, user=user, post_id=post_id):
        raise NotFound("This post does not exist, or you cannot see it.")
    return post


def can_edit(user: User, post: Post) -> bool:
    """Only the author edits a post."""
    return post.author_id == user.id and post.deleted_at is None


def can_delete(user: User, post: Post) -> bool:
    """The author or a manager deletes a post."""
    return post.deleted_at is None and (post.author_id == user.id or user.is_manager)


def can_delete_comment(user: User, comment: Comment) -> bool:
    """The author or a manager deletes a comment."""
    return comment.deleted_at is None and (comment.author_id == user.id or user.is_manager)


def can_pin(user: User) -> bool:
    """Managers pin and unpin posts (`posts.pin_post`)."""
    return user.is_manager


def can_see_reads(user: User) -> bool:
    """Managers see who has read a must-read announcement (`reads.read_report`)."""
    return user.is_manager


def can_require_reading(user: User) -> bool:
    """Managers make an announcement a must-read (`posts.create_post`; only for the kind "announcement")."""
    return user.is_manager


@dataclass(frozen=True, slots=True)
class FeedActions:
    """What the user may do across the feed's pages (a post's own edit and delete: `PostPublic.can_edit/can_delete`),
    so that the templates never look at roles themselves."""

    can_pin: bool
    can_see_reads: bool
    can_require_reading: bool


def feed_actions(user: User) -> FeedActions:
    """The feed-wide actions of `user`."""
    return FeedActions(
        can_pin=can_pin(user), can_see_reads=can_see_reads(user), can_require_reading=can_require_reading(user)
    )


def can_see_attendees(user: User, post: Post) -> bool:
    """An event's attendee list is for its organizer (the post's author) and managers."""
    return post.author_id == user.id or user.is_manager


def check_edit(user: User, post: Post) -> None:
    """Raise unless the user may edit the post."""
    if not can_edit(user, post):
        raise PermissionDenied("Only the author can edit this post.")


def check_delete(user: User, post: Post) -> None:
    """Raise unless the user may delete the post."""
    if not can_delete(user, post):
        raise PermissionDenied("Only the author or a manager can delete this post.")


def audience_user_ids(*, session: Session, department_ids: list[int]) -> list[int]:
    """Active people who can read a post for these departments (everyone when none)."""
    users = users_service.list_users(session=session, include_inactive=False)
    if not department_ids:
        return [u.id for u in users if u.id is not None]
    by_user = users_service.department_ids_by_user(session=session, user_ids=[u.id for u in users if u.id])
    wanted = set(department_ids)
    return [u.id for u in users if u.id is not None and (u.is_admin or wanted & set(by_user.get(u.id, [])))]


def department_ids_of_post(*, session: Session, post_id: int) -> list[int]:
    """The departments a post is for (empty: everyone)."""
    rows = session.exec(select(PostDepartment.department_id).where(PostDepartment.post_id == post_id)).all()
    return sorted(rows)


def audience_department_ids(*, session: Session, user: User) -> list[int] | None:
    """The departments the user may address a post to: any (None) for managers and admins, else their own."""
    return None if user.is_manager else users_service.department_ids_of(session=session, user=user)


def audience_departments(*, session: Session, user: User, departments: Iterable[Department]) -> list[Department]:
    """Those of `departments` the post form offers the user (see `audience_department_ids`), in their order."""
    allowed = audience_department_ids(session=session, user=user)
    return [d for d in departments if allowed is None or d.id in allowed]


def check_audience(*, session: Session, user: User, department_ids: list[int]) -> None:
    """InvalidInput unless the post is for everyone or only for departments the author may address."""
    allowed = audience_department_ids(session=session, user=user)
    if allowed is not None and set(department_ids) - set(allowed):
        raise InvalidInput("You can address a post only to your own departments, or to everyone.")
