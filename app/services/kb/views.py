"""Article views: who opened which version when; managers see them for their departments."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from app.models.kb import KbArticle, KbRevision, KbView
from app.models.types import utcnow
from app.models.users import User
from app.services.kb import access
from app.text import uk_sort_key

REPEAT_WINDOW = timedelta(minutes=30)


def version_label(revision: KbRevision | None) -> str:
    """`2.1` for a published revision, `` otherwise."""
    if revision is None or revision.version_major is None:
        return ""
    return f"{revision.version_major}.{revision.version_minor or 0}"


def record_view(*, session: Session, user: User, article: KbArticle, revision: KbRevision | None) -> None:
    """Remember that the user opened this version (a reload within half an hour counts once)."""
    assert article.id is not None and user.id is not None  # both read from the database
    since = utcnow() - REPEAT_WINDOW
    revision_id = revision.id if revision else None
    recent = session.exec(
        select(KbView.id)
        .where(
            KbView.article_id == article.id,
            KbView.user_id == user.id,
            KbView.revision_id == revision_id,
            col(KbView.created_at) >= since,
        )
        .limit(1)
    ).first()
    if recent is None:
        session.add(
            KbView(
                article_id=article.id,
                user_id=user.id,
                revision_id=revision.id if revision else None,
                version=version_label(revision),
            )
        )
        session.commit()


@dataclass(frozen=True)
class ViewRow:
    user: User
    views: int
    last_viewed_at: datetime
    last_version: str


def report(*, session: Session, user: User, article: KbArticle) -> list[ViewRow]:
    """Views by person for a manager: the people they may see (access.report_people)."""
    access.check_manager(user)
    query = (
        select(KbView.user_id, func.count(), func.max(KbView.created_at))
        .where(KbView.article_id == article.id)
        .group_by(col(KbView.user_id))
    )
    if (among := access.report_people(session=session, user=user)) is not None:
        query = query.where(col(KbView.user_id).in_(among))
    stats = {user_id: (count, last) for user_id, count, last in session.exec(query).all()}
    if not stats:
        return []
    people = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(stats))).all()}
    last_versions = dict(
        session.exec(
            select(KbView.user_id, KbView.version)
            .where(KbView.article_id == article.id, col(KbView.user_id).in_(stats))
            .order_by(col(KbView.created_at))
        ).all()
    )
    rows = [
        ViewRow(user=people[uid], views=count, last_viewed_at=last, last_version=last_versions.get(uid, ""))
        for uid, (count, last) in stats.items()
        if uid in people
    ]
    return sorted(rows, key=lambda r: uk_sort_key(r.user.name))
