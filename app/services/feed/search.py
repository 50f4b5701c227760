"""Search sources for the feed: posts, comments and events, with the visibility of their post. A comment is in its
post's thread: search shows it under the post, one hit per thread. An event's post is found as the event (its title,
place and the post's text), never as a second hit beside it; comments on it are shown under the event."""

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.markdown import plain_text
from app.models.feed import Comment, Event, Post, PostDepartment, PostTag
from app.models.users import User
from app.search.index import SearchDoc
from app.services.feed import access

TITLE_LENGTH = 90


def _title(html: str) -> str:
    text = plain_text(html)
    return text if len(text) <= TITLE_LENGTH else text[:TITLE_LENGTH].rsplit(" ", 1)[0] + "…"


def _live_posts(session: Session, ids: Iterable[int]) -> dict[int, Post]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(Post).where(col(Post.id).in_(wanted), col(Post.deleted_at).is_(None))).all()
    return {p.id: p for p in rows if p.id is not None}


def _details(
    session: Session, posts: dict[int, Post]
) -> tuple[dict[int, list[int]], dict[int, list[str]], dict[int, str]]:
    ids = list(posts)
    departments: dict[int, list[int]] = defaultdict(list)
    tags: dict[int, list[str]] = defaultdict(list)
    for d in session.exec(select(PostDepartment).where(col(PostDepartment.post_id).in_(ids))):
        departments[d.post_id].append(d.department_id)
    for t in session.exec(select(PostTag).where(col(PostTag.post_id).in_(ids))):
        tags[t.post_id].append(t.tag)
    author_ids = {p.author_id for p in posts.values()}
    names = {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(author_ids)))}
    return departments, tags, {i: names.get(p.author_id, "") for i, p in posts.items()}


def _events_of(session: Session, post_ids: Iterable[int]) -> dict[int, int]:
    """post id → its event's id, for the posts that are events."""
    wanted = list(set(post_ids))
    if not wanted:
        return {}
    rows = session.exec(select(Event.post_id, Event.id).where(col(Event.post_id).in_(wanted))).all()
    return {p: e for p, e in rows if e is not None}


class PostSource:
    kind = "post"

    def load(self, session: Session, ids: list[int]) -> list[SearchDoc]:
        """Live posts that are not events, as documents."""
        posts = _live_posts(session, ids)
        for post_id in _events_of(session, posts):
            del posts[post_id]
        departments, tags, authors = _details(session, posts)
        return [
            SearchDoc(
                key=f"post:{i}",
                kind="post",
                title=_title(p.html),
                body=plain_text(p.html),
                tags=tags[i],
                author=authors[i],
                author_id=p.author_id,
                department_ids=departments[i],
                visibility=access.index_keys(p, departments[i]),
                status=p.kind,
                created_at=p.created_at,
                updated_at=p.edited_at or p.created_at,
                url=f"/posts/{i}",
            )
            for i, p in posts.items()
        ]

    def all_ids(self, session: Session) -> Iterable[int]:
        """Every live post."""
        rows = session.exec(select(Post.id).where(col(Post.deleted_at).is_(None))).all()
        return [i for i in rows if i is not None]

    def readable_ids(self, session: Session, user: User | None, ids: list[int]) -> set[int]:
        """The posts the user may read now."""
        return access.readable_ids(session=session, user=user, post_ids=ids) if user else set()


class CommentSource:
    kind = "comment"

    def load(self, session: Session, ids: list[int]) -> list[SearchDoc]:
        """Live comments on live posts, as documents."""
        query = select(Comment).where(col(Comment.id).in_(ids), col(Comment.deleted_at).is_(None))
        comments = session.exec(query).all()
        posts = _live_posts(session, [c.post_id for c in comments])
        departments, _tags, _authors = _details(session, posts)
        events = _events_of(session, posts)
        names = {
            u.id: u.name for u in session.exec(select(User).where(col(User.id).in_({c.author_id for c in comments})))
        }
        return [
            SearchDoc(
                key=f"comment:{c.id}",
                kind="comment",
                # found by what it says, shown under its post: the post's words would make every comment a match
                title="",
                body=plain_text(c.html),
                thread=f"event:{events[c.post_id]}" if c.post_id in events else f"post:{c.post_id}",
                author=names.get(c.author_id, ""),
                author_id=c.author_id,
                department_ids=departments[c.post_id],
                visibility=access.index_keys(posts[c.post_id], departments[c.post_id]),
                created_at=c.created_at,
                url=f"/posts/{c.post_id}#comment-{c.id}",
            )
            for c in comments
            if c.post_id in posts
        ]

    def all_ids(self, session: Session) -> Iterable[int]:
        """Every live comment."""
        rows = session.exec(select(Comment.id).where(col(Comment.deleted_at).is_(None))).all()
        return [i for i in rows if i is not None]

    def readable_ids(self, session: Session, user: User | None, ids: list[int]) -> set[int]:
        """Comments on posts the user may read."""
        rows = session.exec(
            select(Comment.id, Comment.post_id).where(col(Comment.id).in_(ids), col(Comment.deleted_at).is_(None))
        ).all()
        readable = access.readable_ids(session=session, user=user, post_ids=[p for _c, p in rows]) if user else set()
        return {c for c, p in rows if c is not None and p in readable}


class EventSource:
    kind = "event"

    def load(self, session: Session, ids: list[int]) -> list[SearchDoc]:
        """Events of live posts, as documents."""
        events = session.exec(select(Event).where(col(Event.id).in_(ids))).all()
        posts = _live_posts(session, [e.post_id for e in events])
        departments, tags, authors = _details(session, posts)
        return [
            SearchDoc(
                key=f"event:{e.id}",
                kind="event",
                title=e.title,
                body=f"{plain_text(posts[e.post_id].html)}\n{e.place}",
                tags=tags[e.post_id],
                author=authors[e.post_id],
                author_id=posts[e.post_id].author_id,
                department_ids=departments[e.post_id],
                visibility=access.index_keys(posts[e.post_id], departments[e.post_id]),
                status=e.format,
                created_at=e.starts_at,
                url=f"/events/{e.id}",
            )
            for e in events
            if e.post_id in posts
        ]

    def all_ids(self, session: Session) -> Iterable[int]:
        """Every event."""
        return [i for i in session.exec(select(Event.id)).all() if i is not None]

    def readable_ids(self, session: Session, user: User | None, ids: list[int]) -> set[int]:
        """Events whose post the user may read."""
        rows = session.exec(select(Event.id, Event.post_id).where(col(Event.id).in_(ids))).all()
        readable = access.readable_ids(session=session, user=user, post_ids=[p for _e, p in rows]) if user else set()
        return {e for e, p in rows if e is not None and p in readable}
