"""Comments (one level of replies) and reactions (a small fixed set, one of each per person)."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.errors import InvalidInput, NotFound, PermissionDenied
from app.models.feed import REACTIONS, Comment, CommentCreate, Post, Reaction
from app.models.types import utcnow
from app.models.users import User
from app.search.outbox import enqueue
from app.services import notifications as notifications_service
from app.services.feed import access, text


def create_comment(*, session: Session, user: User, post: Post, data: CommentCreate) -> Comment:
    """Comment on a post or reply to a top-level comment; the author, the replied-to and mentions are told."""
    body = text.clean_body(data.body)
    parent = None
    if data.parent_id is not None:
        parent = session.get(Comment, data.parent_id)
        if parent is None or parent.post_id != post.id or parent.deleted_at is not None:
            raise InvalidInput("The comment you are replying to does not exist.")
        if parent.parent_id is not None:
            parent = session.get(Comment, parent.parent_id)  # replies stay one level deep
    mentioned = text.mentioned_users(session=session, body=body)
    comment = Comment(post_id=post.id, parent_id=parent.id if parent else None, author_id=user.id,  # type: ignore[arg-type]
                      body=body, html=text.render(body, [u.handle for u in mentioned]))
    session.add(comment)
    session.flush()
    url = f"/posts/{post.id}#comment-{comment.id}"
    if parent is not None:
        notifications_service.notify(session=session, recipient_ids=[parent.author_id], kind="reply", actor=user,
                                     url=url, message="{actor} replied to your comment")
    notified = {parent.author_id} if parent else set()
    notifications_service.notify(session=session, recipient_ids={post.author_id} - notified, kind="comment",
                                 actor=user, url=url, message="{actor} commented on your post")
    departments = access.department_ids_of_post(session=session, post_id=post.id)  # type: ignore[arg-type]
    audience = set(access.audience_user_ids(session=session, department_ids=departments))
    mention_ids = {u.id for u in mentioned if u.id is not None and u.id in audience}
    notifications_service.notify(session=session, kind="mention", actor=user, url=url,
                                 recipient_ids=mention_ids - notified - {post.author_id},
                                 message="{actor} mentioned you in a comment")
    enqueue(session, f"comment:{comment.id}")
    session.commit()
    session.refresh(comment)
    return comment


def delete_comment(*, session: Session, user: User, comment: Comment) -> None:
    """Soft-delete a comment (its author or a manager)."""
    if comment.author_id != user.id and not user.is_manager:
        raise PermissionDenied("Only the author or a manager can delete this comment.")
    comment.deleted_at = utcnow()
    session.add(comment)
    enqueue(session, f"comment:{comment.id}", "delete")
    session.commit()


def get_comment_or_raise(*, session: Session, user: User, comment_id: int) -> Comment:
    """A live comment on a post the user may read, or 404."""
    comment = session.get(Comment, comment_id)
    if comment is None or comment.deleted_at is not None or \
            not access.can_read(session=session, user=user, post_id=comment.post_id):
        raise NotFound("This comment does not exist, or you cannot see it.")
    return comment


def list_comments(*, session: Session, post: Post) -> list[Comment]:
    """A post's live comments in the order written (replies carry parent_id)."""
    query = select(Comment).where(Comment.post_id == post.id, col(Comment.deleted_at).is_(None))
    return list(session.exec(query.order_by(col(Comment.id))).all())


def add_reaction(*, session: Session, user: User, post: Post, emoji: str) -> bool:
    """React with one of the fixed emoji; returns False when the person had already reacted so."""
    if emoji not in REACTIONS:
        raise InvalidInput("Choose one of these reactions: {choices}.", choices=" ".join(REACTIONS))
    if session.exec(select(Reaction.id).where(Reaction.post_id == post.id, Reaction.user_id == user.id,
                                              Reaction.emoji == emoji)).first() is not None:
        return False
    session.add(Reaction(post_id=post.id, user_id=user.id, emoji=emoji))  # type: ignore[arg-type]
    notifications_service.notify(session=session, recipient_ids=[post.author_id], kind="reaction", actor=user,
                                 url=f"/posts/{post.id}", message="{actor} reacted to your post",
                                 batch_key=f"reactions:post:{post.id}")
    try:
        session.commit()
    except IntegrityError:  # the same person pressed twice at once
        session.rollback()
        return False
    return True


def remove_reaction(*, session: Session, user: User, post: Post, emoji: str) -> None:
    """Take back one's reaction."""
    row = session.exec(select(Reaction).where(Reaction.post_id == post.id, Reaction.user_id == user.id,
                                              Reaction.emoji == emoji)).first()
    if row is not None:
        session.delete(row)
        session.commit()


def toggle_reaction(*, session: Session, user: User, post: Post, emoji: str) -> None:
    """Add the reaction, or take it back when it is already there (the page's one button)."""
    if not add_reaction(session=session, user=user, post=post, emoji=emoji):
        remove_reaction(session=session, user=user, post=post, emoji=emoji)


def list_reactors(*, session: Session, post: Post) -> list[tuple[str, User]]:
    """Who reacted with what, in the order they reacted."""
    query = (select(Reaction.emoji, User).join(User, col(User.id) == Reaction.user_id)
             .where(Reaction.post_id == post.id).order_by(col(Reaction.id)))
    return [(emoji, user) for emoji, user in session.exec(query).all()]
