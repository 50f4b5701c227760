"""How articles and revisions are shown through the API (ready-to-display values, in bulk for lists)."""

from sqlmodel import Session, col, select

from app.models.kb import (
    ArticlePublic,
    ArticleRevisionPublic,
    ArticleSummary,
    KbArticle,
    KbArticleTag,
    KbCategory,
    KbRevision,
    RevisionDetail,
)
from app.models.users import User
from app.services.kb import access, acknowledgements
from app.services.kb.rendering import render_body
from app.services.kb.reviews import is_overdue
from app.services.kb.views import version_label


def visible_revision(*, session: Session, user: User, article: KbArticle) -> KbRevision | None:
    """The text a reader sees: the published version, or the draft for those who may see it."""
    revision_id = article.current_revision_id or article.head_revision_id
    return session.get(KbRevision, revision_id) if revision_id else None


def article_public(*, session: Session, user: User, article: KbArticle) -> ArticlePublic:
    """One article with its sanitized HTML and the reader's acknowledgement state."""
    assert article.id is not None
    revision = visible_revision(session=session, user=user, article=article)
    audience = access.audience_of(session=session, article_ids=[article.id]).get(article.id, [])
    category = session.get(KbCategory, article.category_id) if article.category_id else None
    head = session.get(KbRevision, article.head_revision_id) if article.head_revision_id else None
    return ArticlePublic(
        id=article.id,
        url=f"/kb/{article.slug}",
        slug=article.slug,
        title=article.title,
        body=revision.body if revision else "",
        html=render_body(session=session, user=user, body=revision.body if revision else ""),
        status=article.status,
        change_state=article.change_state,
        category=article.category_id,
        category_name=category.name if category else None,
        tags=list(revision.tags) if revision else [],
        department_ids=sorted(audience),
        owner_id=article.owner_id,
        author_id=article.author_id,
        requires_acknowledgement=article.requires_acknowledgement,
        review_interval_months=article.review_interval_months,
        review_due=article.review_due,
        review_overdue=is_overdue(article),
        version=version_label(revision) or None,
        revision_id=revision.id if revision else None,
        head_revision_id=article.head_revision_id
        if access.sees_pending(user=user, article=article, head=head)
        else article.current_revision_id,
        acknowledged_version=acknowledgements.latest_acknowledged(session=session, user=user, article=article),
        needs_acknowledgement=acknowledgements.needs_acknowledgement(session=session, user=user, article=article),
        updated_at=article.updated_at,
    )


def article_summary(article: KbArticle) -> ArticleSummary:
    """An article in a list."""
    assert article.id is not None
    return ArticleSummary(
        id=article.id,
        url=f"/kb/{article.slug}",
        slug=article.slug,
        title=article.title,
        status=article.status,
        change_state=article.change_state,
        category=article.category_id,
        owner_id=article.owner_id,
        review_due=article.review_due,
        review_overdue=is_overdue(article),
        updated_at=article.updated_at,
    )


def tags_of(*, session: Session, articles: list[KbArticle]) -> dict[int, list[str]]:
    """Tags of many articles in one query."""
    ids = [a.id for a in articles if a.id]
    found: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for row in session.exec(select(KbArticleTag).where(col(KbArticleTag.article_id).in_(ids))):
            found[row.article_id].append(row.tag)
    return found


def revision_public(revision: KbRevision, author_name: str) -> ArticleRevisionPublic:
    """One revision in the history."""
    assert revision.id is not None
    return ArticleRevisionPublic(
        id=revision.id,
        number=revision.number,
        title=revision.title,
        author_id=revision.author_id,
        author_name=author_name,
        change_note=revision.change_note,
        created_at=revision.created_at,
        version=version_label(revision) or None,
        major=(revision.version_minor == 0) if revision.version_major else None,
        restored_from_id=revision.restored_from_id,
        published=revision.published_at is not None,
    )


def revision_detail(*, session: Session, user: User, revision: KbRevision, author_name: str) -> RevisionDetail:
    """One revision with its text and its sanitized HTML for this reader."""
    base = revision_public(revision, author_name)
    html = render_body(session=session, user=user, body=revision.body)
    return RevisionDetail(**base.model_dump(), body=revision.body, html=html, tags=list(revision.tags))
