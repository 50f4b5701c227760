"""Comments (one level of replies) and reactions (a small fixed set, one of each per person) on posts and comments."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.errors import InvalidInput, NotFound, PermissionDenied
from app.i18n import N_
from app.models.feed import REACTIONS, Comment, CommentCreate, CommentReaction, Post, Reaction, ReactionCount
from app.models.types import utcnow
from app.models.users import User
from app.search.outbox import enqueue
from app.services import notifications as notifications_service
from app.services.feed import access, text
from app.services.patient_data import guard
from app.services.transactions import all_or_nothing


@all_or_nothing
def create_comment(*, session: Session, user: User, post: Post, data: CommentCreate) -> Comment:
    """Comment on a post or reply to a top-level comment; the author, the replied-to and mentions are told. Text
    that looks like patient data is held back unless the author says why it may be published."""
    assert post.id is not None and user.id is not None  # both read from the database
    body = text.clean_body(data.body)
    screening = guard.screen(session=session, texts={"body": body}, override_reason=data.override_reason)
    parent = None
    if data.parent_id is not None:
        parent = session.get(Comment, data.parent_id)
        if parent is None or parent.post_id != post.id or parent.deleted_at is not None:
            raise InvalidInput("The comment you are replying to does not exist.")
        if parent.parent_id is not None:
            parent = session.get(Comment, parent.parent_id)  # replies stay one level deep
    mentioned = text.mentioned_users(session=session, body=body)
    comment = Comment(
        post_id=post.id,
        parent_id=parent.id if parent else None,
        author_id=user.id,
        body=body,
        html=text.render(body, [u.handle for u in mentioned]),
    )
    session.add(comment)
    session.flush()
    screening.record(session=session, actor=user, target_type="comment", target_id=comment.id)
    url = f"/posts/{post.id}#comment-{comment.id}"
    if parent is not None:
        notifications_service.notify(
            session=session,
            recipient_ids=[parent.author_id],
            kind="reply",
            actor=user,
            url=url,
            message="{actor} replied to your comment",
        )
    notified = {parent.author_id} if parent else set()
    notifications_service.notify(
        session=session,
        recipient_ids={post.author_id} - notified,
        kind="comment",
        actor=user,
        url=url,
        message="{actor} commented on your post",
    )
    departments = access.department_ids_of_post(session=session, post_id=post.id)
    audience = set(access.audience_user_ids(session=session, department_ids=departments))
    mention_ids = {u.id for u in mentioned if u.id is not None and u.id in audience}
    notifications_service.notify(
        session=session,
        kind="mention",
        actor=user,
        url=url,
        recipient_ids=mention_ids - notified - {post.author_id},
        message="{actor} mentioned you in a comment",
    )
    enqueue(session, f"comment:{comment.id}")
    session.commit()
    session.refresh(comment)
    return comment


def delete_comment(*, session: Session, user: User, comment: Comment) -> None:
    """Soft-delete a comment (its author or a manager)."""
    if not access.can_delete_comment(user, comment):
        raise PermissionDenied("Only the author or a manager can delete this comment.")
    comment.deleted_at = utcnow()
    session.add(comment)
    enqueue(session, f"comment:{comment.id}", "delete")
    session.commit()


def get_comment_or_raise(*, session: Session, user: User, comment_id: int) -> Comment:
    """A live comment on a post the user may read, or 404."""
    comment = session.get(Comment, comment_id)
    if (
        comment is None
        or comment.deleted_at is not None
        or not access.can_read(session=session, user=user, post_id=comment.post_id)
    ):
        raise NotFound("This comment does not exist, or you cannot see it.")
    return comment


def list_comments(*, session: Session, post: Post) -> list[Comment]:
    """A post's live comments in the order written (replies carry parent_id)."""
    query = select(Comment).where(Comment.post_id == post.id, col(Comment.deleted_at).is_(None))
    return list(session.exec(query.order_by(col(Comment.id))).all())


ReactionModel = type[Reaction] | type[CommentReaction]
# The column naming what a reaction is on, per reaction table.
_ON: dict[ReactionModel, str] = {Reaction: "post_id", CommentReaction: "comment_id"}


@dataclass(frozen=True)
class _Target:
    """What a reaction is on — a post or a comment — and whom to tell; the one code path serves both."""

    model: ReactionModel
    id: int
    author_id: int
    url: str
    message: str  # the author's notification (an English msgid)
    batch_key: str


def _on_post(post: Post) -> _Target:
    assert post.id is not None
    return _Target(
        Reaction,
        post.id,
        post.author_id,
        f"/posts/{post.id}",
        N_("{actor} reacted to your post"),
        f"reactions:post:{post.id}",
    )


def _on_comment(comment: Comment) -> _Target:
    assert comment.id is not None
    if comment.deleted_at is not None:  # a deleted comment is gone for everyone, reactions included
        raise NotFound("This comment does not exist, or you cannot see it.")
    return _Target(
        CommentReaction,
        comment.id,
        comment.author_id,
        f"/posts/{comment.post_id}#comment-{comment.id}",
        N_("{actor} reacted to your comment"),
        f"reactions:comment:{comment.id}",
    )


def _mine(target: _Target, user: User, emoji: str) -> Any:
    model = target.model
    return select(model).where(getattr(model, _ON[model]) == target.id, model.user_id == user.id, model.emoji == emoji)


def _add(session: Session, user: User, target: _Target, emoji: str) -> bool:
    if emoji not in REACTIONS:
        raise InvalidInput("Choose one of these reactions: {choices}.", choices=" ".join(REACTIONS))
    if session.exec(_mine(target, user, emoji)).first() is not None:
        return False
    assert user.id is not None  # read from the database
    on = {_ON[target.model]: target.id}
    session.add(target.model(**on, user_id=user.id, emoji=emoji))  # type: ignore[arg-type]  # **on: a column named at run time
    notifications_service.notify(
        session=session,
        recipient_ids=[target.author_id],
        kind="reaction",
        actor=user,
        url=target.url,
        message=target.message,
        batch_key=target.batch_key,
    )
    try:
        session.commit()
    except IntegrityError:  # the same person pressed twice at once
        session.rollback()
        return False
    return True


def _remove(session: Session, user: User, target: _Target, emoji: str) -> None:
    row = session.exec(_mine(target, user, emoji)).first()
    if row is not None:
        session.delete(row)
        session.commit()


def _toggle(session: Session, user: User, target: _Target, emoji: str) -> None:
    if not _add(session, user, target, emoji):
        _remove(session, user, target, emoji)


def _reactors(session: Session, target: _Target) -> list[tuple[str, User]]:
    model = target.model
    query = (
        select(model.emoji, User)
        .join(User, col(User.id) == model.user_id)
        .where(getattr(model, _ON[model]) == target.id)
        .order_by(col(model.id))
    )
    return [(emoji, user) for emoji, user in session.exec(query).all()]


def add_reaction(*, session: Session, user: User, post: Post, emoji: str) -> bool:
    """React with one of the fixed emoji; returns False when the person had already reacted so."""
    return _add(session, user, _on_post(post), emoji)


def remove_reaction(*, session: Session, user: User, post: Post, emoji: str) -> None:
    """Take back one's reaction."""
    _remove(session, user, _on_post(post), emoji)


def toggle_reaction(*, session: Session, user: User, post: Post, emoji: str) -> None:
    """Add the reaction, or take it back when it is already there (the page's one button)."""
    _toggle(session, user, _on_post(post), emoji)


def list_reactors(*, session: Session, post: Post) -> list[tuple[str, User]]:
    """Who reacted with what, in the order they reacted."""
    return _reactors(session, _on_post(post))


def add_comment_reaction(*, session: Session, user: User, comment: Comment, emoji: str) -> bool:
    """React to a live comment as to a post; its author is told. False when already reacted so."""
    return _add(session, user, _on_comment(comment), emoji)


def remove_comment_reaction(*, session: Session, user: User, comment: Comment, emoji: str) -> None:
    """Take back one's reaction to a comment."""
    _remove(session, user, _on_comment(comment), emoji)


def toggle_comment_reaction(*, session: Session, user: User, comment: Comment, emoji: str) -> None:
    """Add the reaction to a comment, or take it back when it is already there."""
    _toggle(session, user, _on_comment(comment), emoji)


def list_comment_reactors(*, session: Session, comment: Comment) -> list[tuple[str, User]]:
    """Who reacted to a comment with what, in the order they reacted."""
    return _reactors(session, _on_comment(comment))


def count_reactions(
    *, session: Session, user: User, model: ReactionModel, ids: Sequence[int]
) -> dict[int, list[ReactionCount]]:
    """Reaction counts (and whether `user` is among them) of many posts or comments, in one query."""
    if not ids:
        return {}
    target = col(getattr(model, _ON[model]))
    mine = func.max(case((col(model.user_id) == user.id, 1), else_=0))
    query = (
        select(target, model.emoji, func.count(), mine)
        .where(target.in_(list(ids)))
        .group_by(target, col(model.emoji))
        .order_by(func.min(model.id))
    )
    result: dict[int, list[ReactionCount]] = defaultdict(list)
    for target_id, emoji, count, is_mine in session.exec(query).all():
        result[target_id].append(ReactionCount(emoji=emoji, count=count, mine=bool(is_mine)))
    return result


def count_comment_reactions(
    *, session: Session, user: User, comment_ids: Sequence[int]
) -> dict[int, list[ReactionCount]]:
    """Reaction counts of many comments (a post's page), in one query."""
    return count_reactions(session=session, user=user, model=CommentReaction, ids=comment_ids)
