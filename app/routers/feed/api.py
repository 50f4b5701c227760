"""The feed's JSON API: posts, comments, reactions, pins, must-read, events and RSVPs."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import Session

from app.deps import CurrentUser, ManagerUser, SessionDep
from app.models.feed import (
    AuthorPublic,
    Comment,
    CommentCreate,
    CommentPublic,
    DepartmentReadsPublic,
    EventPublic,
    EventUpdate,
    PinRequest,
    Post,
    PostCreate,
    PostKind,
    PostPublic,
    PostRevisionPublic,
    PostUpdate,
    ReactionCreate,
    Reactor,
    ReaderPublic,
    RsvpCreate,
    RsvpPublic,
)
from app.models.users import User
from app.pagination import Page
from app.services import feed as feed_service
from app.templating import request_language

api = APIRouter(prefix="/api/v1", tags=["feed"])


def _public(session: Session, user: User, post: Post) -> PostPublic:
    return feed_service.to_public_many(session=session, user=user, posts=[post])[0]


def _post(session: Session, user: User, post_id: int) -> Post:
    return feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)


@api.get("/posts", response_model=Page[PostPublic])
def read_posts(
    session: SessionDep,
    user: CurrentUser,
    kind: PostKind | None = None,
    tag: str | None = None,
    department_id: int | None = None,
    author: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[PostPublic]:
    """The posts the caller may read, newest first, filtered by kind, tag, department or author handle."""
    filters = feed_service.FeedFilters(kind=kind, tag=tag, department_id=department_id, author=author)
    posts, next_cursor = feed_service.list_feed(session=session, user=user, filters=filters, cursor=cursor, limit=limit)
    return Page(items=feed_service.to_public_many(session=session, user=user, posts=posts), next_cursor=next_cursor)


@api.post("/posts", response_model=PostPublic, status_code=201)
def create_post(session: SessionDep, user: CurrentUser, data: PostCreate) -> PostPublic:
    """Publish a post (Markdown body; kind, tags, department_ids, optional event and upload_ids)."""
    return _public(session, user, feed_service.create_post(session=session, author=user, data=data))


@api.get("/posts/{post_id}", response_model=PostPublic)
def read_post(session: SessionDep, user: CurrentUser, post_id: int) -> PostPublic:
    """One post the caller may read."""
    return _public(session, user, _post(session, user, post_id))


@api.patch("/posts/{post_id}", response_model=PostPublic)
def update_post(session: SessionDep, user: CurrentUser, post_id: int, data: PostUpdate) -> PostPublic:
    """Edit one's post; the earlier version is kept."""
    post = feed_service.update_post(session=session, user=user, post=_post(session, user, post_id), data=data)
    return _public(session, user, post)


@api.delete("/posts/{post_id}", status_code=204)
def delete_post(session: SessionDep, user: CurrentUser, post_id: int) -> Response:
    """Delete a post (its author or a manager)."""
    feed_service.delete_post(session=session, user=user, post=_post(session, user, post_id))
    return Response(status_code=204)


@api.get("/posts/{post_id}/revisions", response_model=list[PostRevisionPublic], name="read_post_revisions")
def read_revisions(session: SessionDep, user: CurrentUser, post_id: int) -> list[PostRevisionPublic]:
    """Earlier versions of a post, newest first; one that looked like patient data (`patient_data`) only for
    admins."""
    revisions = feed_service.list_revisions(session=session, user=user, post=_post(session, user, post_id))
    return [PostRevisionPublic.model_validate(r, from_attributes=True) for r in revisions]


def _comment_public(session: Session, user: User, comment: Comment) -> CommentPublic:
    return feed_service.comments_public(session=session, user=user, comments=[comment])[0]


def _comment(session: Session, user: User, comment_id: int) -> Comment:
    return feed_service.get_comment_or_raise(session=session, user=user, comment_id=comment_id)


@api.get("/posts/{post_id}/comments", response_model=list[CommentPublic])
def read_comments(session: SessionDep, user: CurrentUser, post_id: int) -> list[CommentPublic]:
    """A post's comments in the order written, with reaction counts; replies carry parent_id."""
    comments = feed_service.list_comments(session=session, post=_post(session, user, post_id))
    return feed_service.comments_public(session=session, user=user, comments=comments)


@api.post("/posts/{post_id}/comments", response_model=CommentPublic, status_code=201)
def create_comment(session: SessionDep, user: CurrentUser, post_id: int, data: CommentCreate) -> CommentPublic:
    """Comment on a post, or reply to a comment (parent_id)."""
    comment = feed_service.create_comment(session=session, user=user, post=_post(session, user, post_id), data=data)
    return _comment_public(session, user, comment)


@api.delete("/comments/{comment_id}", status_code=204)
def delete_comment(session: SessionDep, user: CurrentUser, comment_id: int) -> Response:
    """Delete a comment (its author or a manager)."""
    feed_service.delete_comment(session=session, user=user, comment=_comment(session, user, comment_id))
    return Response(status_code=204)


def _reactors(reactors: list[tuple[str, User]]) -> list[Reactor]:
    result = []
    for emoji, u in reactors:
        assert u.id is not None  # read from the database
        result.append(Reactor(emoji=emoji, user=AuthorPublic(id=u.id, name=u.name, handle=u.handle)))
    return result


@api.get("/comments/{comment_id}/reactions", response_model=list[Reactor])
def read_comment_reactions(session: SessionDep, user: CurrentUser, comment_id: int) -> list[Reactor]:
    """Who reacted to a comment, and with what."""
    reactors = feed_service.list_comment_reactors(session=session, comment=_comment(session, user, comment_id))
    return _reactors(reactors)


@api.post("/comments/{comment_id}/reactions", response_model=CommentPublic, status_code=201)
def create_comment_reaction(
    session: SessionDep, user: CurrentUser, comment_id: int, data: ReactionCreate
) -> CommentPublic:
    """React to a comment with one of the post reactions' emoji (once each)."""
    comment = _comment(session, user, comment_id)
    feed_service.add_comment_reaction(session=session, user=user, comment=comment, emoji=data.emoji)
    return _comment_public(session, user, comment)


@api.delete("/comments/{comment_id}/reactions", response_model=CommentPublic)
def delete_comment_reaction(session: SessionDep, user: CurrentUser, comment_id: int, emoji: str) -> CommentPublic:
    """Take back one's reaction to a comment (`?emoji=`)."""
    comment = _comment(session, user, comment_id)
    feed_service.remove_comment_reaction(session=session, user=user, comment=comment, emoji=emoji)
    return _comment_public(session, user, comment)


@api.get("/posts/{post_id}/reactions", response_model=list[Reactor])
def read_reactions(session: SessionDep, user: CurrentUser, post_id: int) -> list[Reactor]:
    """Who reacted to a post, and with what."""
    reactors = feed_service.list_reactors(session=session, post=_post(session, user, post_id))
    return _reactors(reactors)


@api.post("/posts/{post_id}/reactions", response_model=PostPublic, status_code=201)
def create_reaction(session: SessionDep, user: CurrentUser, post_id: int, data: ReactionCreate) -> PostPublic:
    """React to a post with one of the fixed emoji (once each)."""
    post = _post(session, user, post_id)
    feed_service.add_reaction(session=session, user=user, post=post, emoji=data.emoji)
    return _public(session, user, post)


@api.delete("/posts/{post_id}/reactions", response_model=PostPublic)
def delete_reaction(session: SessionDep, user: CurrentUser, post_id: int, emoji: str) -> PostPublic:
    """Take back one's reaction (`?emoji=`)."""
    post = _post(session, user, post_id)
    feed_service.remove_reaction(session=session, user=user, post=post, emoji=emoji)
    return _public(session, user, post)


@api.post("/posts/{post_id}/pin", response_model=PostPublic)
def pin_post(session: SessionDep, user: ManagerUser, post_id: int, data: PinRequest | None = None) -> PostPublic:
    """Pin a post at the top of the feed, optionally until a time (managers)."""
    post = feed_service.pin_post(
        session=session, user=user, post=_post(session, user, post_id), pinned_until=data.pinned_until if data else None
    )
    return _public(session, user, post)


@api.delete("/posts/{post_id}/pin", response_model=PostPublic)
def unpin_post(session: SessionDep, user: ManagerUser, post_id: int) -> PostPublic:
    """Unpin a post (managers)."""
    post = feed_service.unpin_post(session=session, user=user, post=_post(session, user, post_id))
    return _public(session, user, post)


@api.post("/posts/{post_id}/read", response_model=PostPublic)
def read_announcement(session: SessionDep, user: CurrentUser, post_id: int) -> PostPublic:
    """ "I have read it" for a must-read announcement."""
    post = _post(session, user, post_id)
    feed_service.mark_read(session=session, user=user, post=post)
    return _public(session, user, post)


@api.get("/posts/{post_id}/reads", response_model=list[DepartmentReadsPublic])
def read_reads(request: Request, session: SessionDep, user: ManagerUser, post_id: int) -> list[DepartmentReadsPublic]:
    """Who has and has not read a must-read announcement, per department (managers)."""
    report = feed_service.read_report(
        session=session, user=user, post=_post(session, user, post_id), language=request_language(request)
    )
    return [
        DepartmentReadsPublic(
            department=g.name,
            read=[ReaderPublic.model_validate(u, from_attributes=True, update={"read_at": at}) for u, at in g.read],
            unread=[AuthorPublic.model_validate(u, from_attributes=True) for u in g.unread],
        )
        for g in report
    ]


def _event_public(session: Session, user: User, event_id: int) -> EventPublic:
    event, post = feed_service.get_event_or_raise(session=session, user=user, event_id=event_id)
    public = _public(session, user, post).event
    assert public is not None
    return public


@api.get("/events", response_model=Page[EventPublic])
def read_events(
    session: SessionDep, user: CurrentUser, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> Page[EventPublic]:
    """Events the caller may read, newest announced first."""
    filters = feed_service.FeedFilters(kind=PostKind.event)
    posts, next_cursor = feed_service.list_feed(session=session, user=user, filters=filters, cursor=cursor, limit=limit)
    shown = feed_service.to_public_many(session=session, user=user, posts=posts)
    return Page(items=[p.event for p in shown if p.event], next_cursor=next_cursor)


@api.get("/events/{event_id}", response_model=EventPublic)
def read_event(session: SessionDep, user: CurrentUser, event_id: int) -> EventPublic:
    """One event the caller may read, with RSVP counts and the caller's answer."""
    return _event_public(session, user, event_id)


@api.patch("/events/{event_id}", response_model=EventPublic)
def update_event(session: SessionDep, user: CurrentUser, event_id: int, data: EventUpdate) -> EventPublic:
    """Change an event (its organizer); people who answered are notified."""
    event, post = feed_service.get_event_or_raise(session=session, user=user, event_id=event_id)
    feed_service.update_event(session=session, user=user, event=event, post=post, data=data)
    return _event_public(session, user, event_id)


@api.post("/events/{event_id}/rsvp", response_model=EventPublic)
def rsvp(session: SessionDep, user: CurrentUser, event_id: int, data: RsvpCreate) -> EventPublic:
    """Answer going / maybe / declined; "going" to a full event joins the waiting list."""
    event, _post_row = feed_service.get_event_or_raise(session=session, user=user, event_id=event_id)
    feed_service.rsvp(session=session, user=user, event=event, status=data.status)
    return _event_public(session, user, event_id)


@api.get("/events/{event_id}/rsvps", response_model=list[RsvpPublic])
def read_rsvps(session: SessionDep, user: CurrentUser, event_id: int) -> list[RsvpPublic]:
    """The attendee list (the organizer and managers)."""
    event, post = feed_service.get_event_or_raise(session=session, user=user, event_id=event_id)
    rows = feed_service.list_rsvps(session=session, user=user, event=event, post=post)
    authors = feed_service.authors_by_id(session=session, user_ids={r.user_id for r in rows})
    return [RsvpPublic(user=authors[r.user_id], status=r.status, updated_at=r.updated_at) for r in rows]
