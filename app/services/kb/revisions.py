"""Revisions: the append-only history of an article, diffs between any two, restoring an old text."""

from dataclasses import dataclass

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.errors import NotFound
from app.models.kb import KbArticle, KbRevision
from app.models.types import utcnow
from app.models.users import User
from app.search.outbox import enqueue
from app.services import audit
from app.services.kb import access
from app.services.kb.articles import append_revision, version_texts
from app.services.kb.rendering import DiffLine, Passage, diff_lines, marked_passages
from app.services.patient_data import guard
from app.services.transactions import all_or_nothing


def visible_revisions_query(*, user: User, article: KbArticle, head_visible: bool) -> SelectOfScalar[KbRevision]:
    """Revisions the user may see: all for editors of the pending text, else only published ones."""
    query = select(KbRevision).where(col(KbRevision.article_id) == article.id)
    if not head_visible:
        query = query.where(col(KbRevision.published_at).is_not(None))
    return query


def head_revision(*, session: Session, article: KbArticle) -> KbRevision | None:
    """The article's newest revision (a draft, a proposed change, or the published text)."""
    return session.get(KbRevision, article.head_revision_id) if article.head_revision_id else None


def fresh_head(*, session: Session, article: KbArticle) -> KbRevision:
    """The article read again from the database and its newest revision (after a save lost to a newer one)."""
    session.refresh(article)
    head = head_revision(session=session, article=article)
    assert head is not None
    return head


def head_visible(*, session: Session, user: User, article: KbArticle) -> bool:
    """Whether the user may see unpublished revisions of this article."""
    head = session.get(KbRevision, article.head_revision_id) if article.head_revision_id else None
    return access.sees_pending(user=user, article=article, head=head)


def list_revisions(*, session: Session, user: User, article: KbArticle) -> list[KbRevision]:
    """The revisions the user may see, newest first."""
    access.check_readable(session=session, user=user, article=article)
    query = visible_revisions_query(
        user=user, article=article, head_visible=head_visible(session=session, user=user, article=article)
    )
    return list(session.exec(query.order_by(col(KbRevision.number).desc())).all())


def get_revision(*, session: Session, user: User, article: KbArticle, revision_id: int) -> KbRevision:
    """One revision of the article the user may see, or NotFound."""
    access.check_readable(session=session, user=user, article=article)
    revision = session.get(KbRevision, revision_id)
    if (
        revision is None
        or revision.article_id != article.id
        or (revision.published_at is None and not head_visible(session=session, user=user, article=article))
    ):
        raise NotFound("This revision does not exist, or you cannot see it.")
    return revision


def diff(
    *, session: Session, user: User, article: KbArticle, old_id: int, new_id: int
) -> tuple[KbRevision, KbRevision, list[DiffLine]]:
    """A readable line diff between two revisions (title line included)."""
    old = get_revision(session=session, user=user, article=article, revision_id=old_id)
    new = get_revision(session=session, user=user, article=article, revision_id=new_id)
    return old, new, diff_lines(f"# {old.title}\n\n{old.body}", f"# {new.title}\n\n{new.body}")


@all_or_nothing
def restore_revision(
    *, session: Session, user: User, article: KbArticle, revision_id: int, override_reason: str | None = None
) -> KbRevision:
    """Make an old text the newest revision again (history is kept; nothing is overwritten). An old text that looks
    like patient data is held back like newly written text: it may have been replaced to remove it."""
    old = get_revision(session=session, user=user, article=article, revision_id=revision_id)
    access.check_can_edit(session=session, user=user, article=article)
    head = session.get(KbRevision, article.head_revision_id)
    assert head is not None
    screening = guard.screen(
        session=session,
        texts=version_texts(title=old.title, body=old.body, tags=old.tags, change_note=""),
        override_reason=override_reason,
    )
    revision = append_revision(
        session,
        user,
        article,
        head,
        title=old.title,
        body=old.body,
        tags=list(old.tags),
        change_note="",
        restored_from_id=old.id,
    )
    article.updated_at = utcnow()
    session.add(article)
    enqueue(session, f"article:{article.id}")
    audit.record(
        session=session,
        action="article.revision_restored",
        actor=user,
        subject=article.slug,
        target_type="article",
        target_id=article.id,
        detail={"revision": old.number},
    )
    screening.record(session=session, actor=user, target_type="article", target_id=article.id)
    session.commit()
    session.refresh(revision)
    return revision


def authors_of(*, session: Session, revisions: list[KbRevision]) -> dict[int, str]:
    """Author names of many revisions in one query."""
    ids = {r.author_id for r in revisions}
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all()
    return {i: name for i, name in rows if i is not None}  # never None: a primary key


@dataclass(frozen=True)
class ChangesSince:
    """What changed since the major version a reader acknowledged: the notes of the newer major versions (newest
    first) and the current text with its added, changed and removed passages marked."""

    acknowledged: KbRevision
    notes: list[tuple[str, str]]  # (version, change note)
    passages: list[Passage]


def changes_since(
    *, session: Session, user: User, article: KbArticle, current: KbRevision | None, acknowledged_major: int | None
) -> ChangesSince | None:
    """For a reader asked to read again: the difference from the last text of the major version they acknowledged."""
    if current is None or not acknowledged_major or acknowledged_major >= article.current_major:
        return None
    published = list(
        session.exec(
            select(KbRevision)
            .where(col(KbRevision.article_id) == article.id, col(KbRevision.published_at).is_not(None))
            .order_by(col(KbRevision.number).desc())
        ).all()
    )
    old = next((r for r in published if r.version_major == acknowledged_major), None)
    if old is None:
        return None
    notes = [
        (f"{r.version_major}.0", r.change_note)
        for r in published
        if (r.version_major or 0) > acknowledged_major and r.version_minor == 0 and r.change_note
    ]
    passages = marked_passages(session=session, user=user, old=old.body, new=current.body)
    return ChangesSince(acknowledged=old, notes=notes, passages=passages)
