"""What a person still has to read: protocols that ask for acknowledgement and must-read announcements they have not
confirmed, newest first, the newest major version of each article only."""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_
from sqlalchemy import select as columns_of
from sqlmodel import Session, col, exists, select

from app.models.feed import Post, PostDepartment, PostRead
from app.models.kb import ArticleStatus, KbAcknowledgement, KbArticle
from app.models.users import User
from app.services import users as users_service
from app.services.feed import access as feed_access
from app.services.feed.posts import post_url
from app.services.kb import access, audience
from app.services.kb.rendering import linked_slugs

SHORT = 5
_MARKUP = re.compile(r"[*_#>`]+|\[\[|\]\]")


@dataclass(frozen=True)
class ToReadItem:
    kind: str  # "article" or "post"
    title: str
    url: str
    since: datetime | None
    version: int | None = None  # an article's major version to acknowledge
    again: bool = False  # the reader acknowledged an earlier major version
    protocol_url: str | None = None  # a must-read post's protocol, when it links one the reader may open
    protocol_title: str | None = None


@dataclass(frozen=True)
class ToRead:
    items: list[ToReadItem]

    @property
    def total(self) -> int:
        """How many things are left to read."""
        return len(self.items)

    @property
    def first(self) -> list[ToReadItem]:
        """The few shown in the compact list (the home page)."""
        return self.items[:SHORT]


def list_to_read(*, session: Session, user: User) -> ToRead:
    """The person's unacknowledged protocols and unread must-read announcements, newest first."""
    departments = users_service.department_ids_of(session=session, user=user)
    items = _articles(session, user, departments) + _posts(session, user, departments)
    items.sort(key=lambda item: item.since.timestamp() if item.since else 0, reverse=True)
    return ToRead(items=items)


def asked_clause(*, user: User, user_departments: list[int]) -> ColumnElement[bool]:
    """An SQL condition on KbArticle: a published protocol that asks this person to acknowledge it (whether or not
    they have yet): it asks for acknowledgement, they may read it and they are in its audience."""
    return and_(
        col(KbArticle.status) == ArticleStatus.published,
        col(KbArticle.requires_acknowledgement),
        access.readable_clause(user=user, user_departments=user_departments),
        audience.includes_clause(user_departments=user_departments),
    )


def _articles(session: Session, user: User, departments: list[int]) -> list[ToReadItem]:
    acknowledged = exists().where(
        col(KbAcknowledgement.article_id) == col(KbArticle.id),
        col(KbAcknowledgement.user_id) == user.id,
        col(KbAcknowledgement.version) >= col(KbArticle.current_major),
    )
    rows = session.execute(  # the columns shown, not whole articles: a new hire may have hundreds to read
        columns_of(
            col(KbArticle.id),
            col(KbArticle.slug),
            col(KbArticle.title),
            col(KbArticle.published_at),
            col(KbArticle.current_major),
        ).where(asked_clause(user=user, user_departments=departments), ~acknowledged)
    ).all()
    earlier = _acknowledged_before(session, user, [article_id for article_id, *_ in rows if article_id])
    return [
        ToReadItem(
            kind="article",
            title=title,
            url=f"/kb/{slug}",
            since=published_at,
            version=major,
            again=article_id in earlier,
        )
        for article_id, slug, title, published_at, major in rows
    ]


def _acknowledged_before(session: Session, user: User, article_ids: list[int]) -> set[int]:
    if not article_ids:
        return set()
    rows = session.exec(
        select(KbAcknowledgement.article_id).where(
            col(KbAcknowledgement.user_id) == user.id, col(KbAcknowledgement.article_id).in_(article_ids)
        )
    )
    return set(rows.all())


def _posts(session: Session, user: User, departments: list[int]) -> list[ToReadItem]:
    for_someone = exists().where(col(PostDepartment.post_id) == col(Post.id))
    for_mine = exists().where(
        col(PostDepartment.post_id) == col(Post.id), col(PostDepartment.department_id).in_(departments)
    )
    read = exists().where(col(PostRead.post_id) == col(Post.id), col(PostRead.user_id) == user.id)
    rows = session.exec(
        select(Post).where(
            col(Post.must_read),
            feed_access.readable_clause(user=user, department_ids=departments),
            ~for_someone | for_mine,  # an admin is asked only what is meant for them
            ~read,
        )
    ).all()
    slugs = {post.id: sorted(linked_slugs(post.body)) for post in rows}
    protocols = _protocols(session, user, {s for found in slugs.values() for s in found})
    items = []
    for post in rows:
        linked = next((s for s in slugs[post.id] if s in protocols), None)
        items.append(
            ToReadItem(
                kind="post",
                title=_headline(post.body),
                url=post_url(post.id),
                since=post.created_at,
                protocol_url=f"/kb/{linked}" if linked else None,
                protocol_title=protocols.get(linked or ""),
            )
        )
    return items


def _protocols(session: Session, user: User, slugs: set[str]) -> dict[str, str]:
    """Titles of the published articles among `slugs` the user may read."""
    if not slugs:
        return {}
    departments = users_service.department_ids_of(session=session, user=user)
    rows = session.exec(
        select(KbArticle.slug, KbArticle.title).where(
            col(KbArticle.slug).in_(slugs),
            col(KbArticle.status) == ArticleStatus.published,
            access.readable_clause(user=user, user_departments=departments),
        )
    )
    return dict(rows.all())


def _headline(body: str, limit: int = 90) -> str:
    """A post's first line without Markdown marks, cut at a word."""
    line = next((_MARKUP.sub("", x).strip() for x in body.splitlines() if _MARKUP.sub("", x).strip()), "")
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0] + "…"
