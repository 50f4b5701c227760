"""The report of overrides for managers: who published text that looked like patient data anyway, when, what kinds
were found, the reason they gave and where it is (from the audit log, action `patient_data.published_anyway`)."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.models.audit import AuditEvent
from app.models.feed import Comment, Event, Post
from app.models.kb import KbArticle, KbRevision
from app.models.users import User
from app.services import audit
from app.services.patient_data.guard import OVERRIDE_ACTION

PAGE_SIZE = 50


@dataclass(frozen=True)
class Override:
    """One override as the report shows it: `link` is the item's page path (None: the item is gone)."""

    event: AuditEvent
    actor: User | None
    kinds: list[str]
    fields: list[str]
    reason: str
    link: str | None


@dataclass(frozen=True)
class OverridePage:
    """A page of overrides, newest first, and the id to go on before (None: no more)."""

    rows: list[Override]
    next_before: int | None


def _link(session: Session, target_type: str, target_id: int) -> str | None:
    """Where the overridden item is shown now, if it still is."""
    if target_type == "post" and (post := session.get(Post, target_id)) and post.deleted_at is None:
        return f"/posts/{target_id}"
    if target_type == "comment" and (comment := session.get(Comment, target_id)) and comment.deleted_at is None:
        return f"/posts/{comment.post_id}#comment-{target_id}"
    if target_type == "event" and session.get(Event, target_id) is not None:
        return f"/events/{target_id}"
    if target_type == "article" and (article := session.get(KbArticle, target_id)):
        return f"/kb/{article.slug}"
    if target_type == "kb_revision" and (revision := session.get(KbRevision, target_id)):
        article = session.get(KbArticle, revision.article_id)
        return f"/kb/{article.slug}/revisions/{target_id}" if article else None
    return None


def list_overrides(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> OverridePage:
    """Overrides in the period [since, until), newest first, a page at a time."""
    events = audit.list_events(
        session=session, action=OVERRIDE_ACTION, since=since, until=until, before_id=before_id, limit=limit + 1
    )
    more, events = len(events) > limit, list(events[:limit])
    actor_ids = {e.actor_id for e in events if e.actor_id}
    people = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(actor_ids)))} if actor_ids else {}
    rows = [
        Override(
            event=e,
            actor=people.get(e.actor_id or 0),
            kinds=[str(k) for k in e.detail.get("kinds", [])],
            fields=[str(f) for f in e.detail.get("fields", [])],
            reason=str(e.detail.get("reason", "")),
            link=_link(session, e.target_type, e.target_id) if e.target_id else None,
        )
        for e in events
    ]
    return OverridePage(rows=rows, next_before=events[-1].id if more and events else None)
