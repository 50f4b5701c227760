"""Reading the feed: filters, keyset pages, the top (pinned and unread must-read), and posts ready to show —
everything for a page of posts in one query per kind of thing."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import exists, func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.models.feed import (
    AttachmentPublic,
    AuthorPublic,
    Comment,
    CommentPublic,
    Event,
    EventPublic,
    Post,
    PostDepartment,
    PostKind,
    PostPublic,
    PostRead,
    PostTag,
    Reaction,
    RsvpStatus,
)
from app.models.types import utcnow
from app.models.uploads import Upload
from app.models.users import User
from app.pagination import clamp_limit, decode_cursor, encode_cursor
from app.services import uploads as uploads_service
from app.services import users as users_service
from app.services.feed import access, events, social
from app.services.feed.text import inline_tags
from app.text import normalize_tag

TOP_LIMIT = 20  # the most posts the head of the feed shows


@dataclass(frozen=True)
class FeedFilters:
    kind: PostKind | None = None
    tag: str | None = None
    department_id: int | None = None
    author: str | None = None  # a handle

    @property
    def active(self) -> bool:
        """Whether any filter is set (the top section is shown only on the unfiltered feed)."""
        return any((self.kind, self.tag, self.department_id, self.author))

    @property
    def count(self) -> int:
        """How many filters are set (the folded filters say so)."""
        return sum(1 for value in (self.kind, self.tag, self.department_id, self.author) if value)


def _filtered(query: SelectOfScalar[Post], filters: FeedFilters) -> SelectOfScalar[Post]:
    if filters.kind:
        query = query.where(col(Post.kind) == filters.kind)
    if filters.tag:
        query = query.where(
            exists().where(col(PostTag.post_id) == col(Post.id), col(PostTag.tag) == normalize_tag(filters.tag))
        )
    if filters.department_id:
        query = query.where(
            exists().where(
                col(PostDepartment.post_id) == col(Post.id),
                col(PostDepartment.department_id) == filters.department_id,
            )
        )
    if filters.author:
        query = query.where(
            exists().where(col(User.id) == col(Post.author_id), col(User.handle) == filters.author.lower())
        )
    return query


def top_posts(*, session: Session, user: User) -> list[Post]:
    """Unread must-read announcements, then active pins — the head of the unfiltered feed. Two queries, each through
    the index of its few posts (one query with OR reads every post)."""
    readable = access.readable_clause(
        user=user, department_ids=users_service.department_ids_of(session=session, user=user)
    )
    now = utcnow()
    unread = select(Post).where(
        readable,
        col(Post.must_read),
        ~exists().where(col(PostRead.post_id) == col(Post.id), col(PostRead.user_id) == user.id),
    )
    pinned = select(Post).where(
        readable,
        col(Post.pinned_at).is_not(None),
        or_(col(Post.pinned_until).is_(None), col(Post.pinned_until) > now),
    )
    first = list(session.exec(unread.order_by(col(Post.id).desc()).limit(TOP_LIMIT)).all())
    pins = session.exec(pinned.order_by(col(Post.id).desc()).limit(TOP_LIMIT)).all()
    return (first + [p for p in pins if p not in first])[:TOP_LIMIT]


def list_feed(
    *,
    session: Session,
    user: User,
    filters: FeedFilters,
    cursor: str | None = None,
    limit: int = 20,
    exclude_ids: Sequence[int] = (),
) -> tuple[list[Post], str | None]:
    """Readable posts, newest first, keyset-paginated by id; returns (posts, next_cursor)."""
    limit = clamp_limit(limit)
    departments = users_service.department_ids_of(session=session, user=user)
    query = _filtered(select(Post).where(access.readable_clause(user=user, department_ids=departments)), filters)
    if position := decode_cursor(cursor, int):
        query = query.where(col(Post.id) < position[0])
    if exclude_ids:
        query = query.where(col(Post.id).not_in(list(exclude_ids)))
    posts = list(session.exec(query.order_by(col(Post.id).desc()).limit(limit + 1)).all())
    next_cursor = encode_cursor(posts[limit - 1].id) if len(posts) > limit else None
    return posts[:limit], next_cursor


def _author(user: User | None, user_id: int) -> AuthorPublic:
    if user is None:
        return AuthorPublic(id=user_id, name="—", handle="")
    return AuthorPublic(id=user_id, name=user.name, handle=user.handle)


def authors_by_id(*, session: Session, user_ids: set[int]) -> dict[int, AuthorPublic]:
    """Authors of many things, in one query."""
    if not user_ids:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(user_ids))).all()
    found = {u.id: u for u in rows}
    return {i: _author(found.get(i), i) for i in user_ids}


_Link = TypeVar("_Link", PostDepartment, PostTag)


def _grouped(session: Session, model: type[_Link], ids: list[int]) -> dict[int, list[_Link]]:
    result: dict[int, list[_Link]] = defaultdict(list)
    for row in session.exec(select(model).where(col(model.post_id).in_(ids))):
        result[row.post_id].append(row)
    return result


def _comment_counts(session: Session, ids: list[int]) -> dict[int, int]:
    query = (
        select(Comment.post_id, func.count())
        .where(col(Comment.post_id).in_(ids), col(Comment.deleted_at).is_(None))
        .group_by(col(Comment.post_id))
    )
    return dict(session.exec(query).all())


def event_public(event: Event, counts: dict[str, int], mine: RsvpStatus | None) -> EventPublic:
    """An event ready to show."""
    assert event.id is not None
    going = counts.get(RsvpStatus.going, 0)
    return EventPublic(
        id=event.id,
        post_id=event.post_id,
        url=f"/events/{event.id}",
        ics_url=f"/events/{event.id}/event.ics",
        title=event.title,
        format=event.format,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        place=event.place,
        link=event.link,
        capacity=event.capacity,
        going=going,
        maybe=counts.get(RsvpStatus.maybe, 0),
        waitlisted=counts.get(RsvpStatus.waitlisted, 0),
        my_status=mine,
        is_full=event.capacity is not None and going >= event.capacity,
    )


def to_public_many(*, session: Session, user: User, posts: Sequence[Post]) -> list[PostPublic]:
    """Posts ready to show or serialize: one query per kind of related thing, never one per post."""
    ids = [p.id for p in posts if p.id is not None]
    if not ids:
        return []
    authors = authors_by_id(session=session, user_ids={p.author_id for p in posts})
    departments = _grouped(session, PostDepartment, ids)
    tags = _grouped(session, PostTag, ids)
    reactions = social.count_reactions(session=session, user=user, model=Reaction, ids=ids)
    comments = _comment_counts(session, ids)
    files = uploads_service.uploads_for(session=session, target_keys=[f"post:{i}" for i in ids])
    post_events = events.events_for_posts(
        session=session, post_ids=[p.id for p in posts if p.kind == "event" and p.id is not None]
    )
    counts, mine = events.rsvp_summary(
        session=session, user=user, event_ids=[e.id for e in post_events.values() if e.id is not None]
    )
    must = [p.id for p in posts if p.must_read]
    read = (
        set(
            session.exec(
                select(PostRead.post_id).where(col(PostRead.post_id).in_(must), PostRead.user_id == user.id)
            ).all()
        )
        if must
        else set()
    )
    now = utcnow()
    result = []
    for post in posts:
        assert post.id is not None
        event = post_events.get(post.id)
        pinned = post.pinned_at is not None and (post.pinned_until is None or post.pinned_until > now)
        post_tags, shown = [t.tag for t in tags[post.id]], inline_tags(post.body)
        result.append(
            PostPublic(
                id=post.id,
                url=f"/posts/{post.id}",
                kind=post.kind,
                body=post.body,
                html=post.html,
                tags=post_tags,
                extra_tags=[t for t in post_tags if t not in shown],
                department_ids=sorted(d.department_id for d in departments[post.id]),
                author=authors[post.author_id],
                created_at=post.created_at,
                edited_at=post.edited_at,
                edited=post.edited_at is not None,
                pinned=pinned,
                pinned_until=post.pinned_until if pinned else None,
                must_read=post.must_read,
                read_by_me=post.id in read,
                reactions=reactions.get(post.id, []),
                comment_count=comments.get(post.id, 0),
                attachments=[_attachment_public(f) for f in files.get(f"post:{post.id}", [])],
                event=event_public(event, counts[event.id], mine.get(event.id)) if event and event.id else None,
                can_edit=access.can_edit(user, post),
                can_delete=access.can_delete(user, post),
            )
        )
    return result


def _attachment_public(upload: Upload) -> AttachmentPublic:
    assert upload.id is not None  # read from the database
    return AttachmentPublic(
        id=upload.id,
        url=f"/uploads/{upload.id}",
        filename=upload.filename,
        content_type=upload.content_type,
        size=upload.size,
        is_image=upload.is_image,
    )


def comments_public(*, session: Session, user: User, comments: Sequence[Comment]) -> list[CommentPublic]:
    """Comments ready to serialize, with their authors and reaction counts: two queries, never one per comment."""
    ids = [c.id for c in comments if c.id is not None]
    authors = authors_by_id(session=session, user_ids={c.author_id for c in comments})
    reactions = social.count_comment_reactions(session=session, user=user, comment_ids=ids)
    result = []
    for c in comments:
        assert c.id is not None  # read from the database
        result.append(
            CommentPublic(
                id=c.id,
                post_id=c.post_id,
                parent_id=c.parent_id,
                url=f"/posts/{c.post_id}#comment-{c.id}",
                body=c.body,
                html=c.html,
                author=authors[c.author_id],
                created_at=c.created_at,
                reactions=reactions.get(c.id, []),
            )
        )
    return result
