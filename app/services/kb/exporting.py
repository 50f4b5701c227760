"""Export a category (with its subcategories) as a zip of Markdown files with YAML front matter."""

import io
import zipfile

import yaml
from sqlmodel import Session, col, or_, select

from app.models.kb import ArticleStatus, KbArticle, KbCategory, KbRevision
from app.models.users import User
from app.services import users as users_service
from app.services.kb import access, categories
from app.services.kb.views import version_label


def markdown_file(*, article: KbArticle, revision: KbRevision, category: str, owner_email: str) -> str:
    """One article as Markdown with front matter (importable again with `kolo import`)."""
    meta = {
        "title": revision.title,
        "slug": article.slug,
        "category": category,
        "tags": list(revision.tags),
        "version": version_label(revision),
        "owner": owner_email,
        "review_due": article.review_due.isoformat() if article.review_due else None,
        "requires_acknowledgement": article.requires_acknowledgement,
    }
    if article.source:
        meta["source"] = article.source
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n{revision.body.rstrip()}\n"


def export_category(*, session: Session, user: User, category_id: int) -> tuple[str, bytes]:
    """(file name, zip bytes) of the category's published articles the manager may read."""
    access.check_manager(user)
    category = categories.get_category_or_raise(session=session, category_id=category_id)
    children = select(KbCategory.id).where(KbCategory.parent_id == category_id)
    departments = users_service.department_ids_of(session=session, user=user)
    published = col(KbRevision.id) == KbArticle.current_revision_id
    rows = session.exec(
        select(KbArticle, KbRevision)
        .join(KbRevision, published)
        .where(
            KbArticle.status == ArticleStatus.published,
            or_(KbArticle.category_id == category_id, col(KbArticle.category_id).in_(children)),
            access.readable_clause(user=user, user_departments=departments),
        )
        .order_by(col(KbArticle.slug))
    ).all()
    owners = (
        dict(session.exec(select(User.id, User.email).where(col(User.id).in_({a.owner_id for a, _ in rows}))).all())
        if rows
        else {}
    )
    paths = {c.id: categories.category_path(session, c) for c in categories.list_categories(session=session)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for article, revision in rows:
            text = markdown_file(
                article=article,
                revision=revision,
                category=paths.get(article.category_id, ""),
                owner_email=owners.get(article.owner_id, ""),
            )
            archive.writestr(f"{category.slug}/{article.slug}.md", text)
    return f"{category.slug}.zip", buffer.getvalue()
