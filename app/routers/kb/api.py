"""The knowledge base's JSON API: /api/v1/articles (+ revisions, publish, acknowledge), categories, reports."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from app.deps import CurrentUser, SessionDep, SettingsDep
from app.models.kb import (
    AcknowledgementPublic,
    AcknowledgementReport,
    ArticleCreate,
    ArticlePublic,
    ArticleRevisionPublic,
    ArticleSummary,
    ArticleUpdate,
    CategoryCreate,
    CategoryPublic,
    PublishRequest,
    RestoreRequest,
    ReturnRequest,
    RevisionDetail,
)
from app.pagination import Page
from app.services.kb import (
    acknowledgements,
    articles,
    attachments,
    categories,
    lifecycle,
    public,
    reviews,
    revisions,
    views,
)
from app.services.kb.rendering import render_body

api = APIRouter(prefix="/api/v1", tags=["kb"])


class PreviewRequest(BaseModel):
    body: str = Field(default="", max_length=200_000)


class HtmlPublic(BaseModel):
    html: str


class AcknowledgementDone(BaseModel):
    article_id: int
    version: int
    acknowledged_at: datetime


class DiffLinePublic(BaseModel):
    op: str
    old_number: int | None
    new_number: int | None
    text: str


class DiffPublic(BaseModel):
    old: ArticleRevisionPublic
    new: ArticleRevisionPublic
    lines: list[DiffLinePublic]


class ViewPublic(BaseModel):
    user_id: int
    name: str
    views: int
    last_viewed_at: datetime
    last_version: str


class ReviewDuePublic(BaseModel):
    article: ArticleSummary
    owner_name: str
    overdue: bool


def _one(session: SessionDep, user: CurrentUser, article_id: int) -> ArticlePublic:
    article = articles.get_article_or_raise(session=session, article_id=article_id)
    return public.article_public(session=session, user=user, article=article)


@api.get("/articles", response_model=Page[ArticleSummary])
def read_articles(
    session: SessionDep,
    user: CurrentUser,
    category: int | None = None,
    tag: str | None = None,
    owner: int | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
) -> Page[ArticleSummary]:
    """Readable articles, recently updated first; filter by category, tag, owner or status (`pending`: in review)."""
    rows, next_cursor = articles.list_articles(
        session=session,
        user=user,
        category_id=category,
        tag=tag,
        owner_id=owner,
        status=status,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[public.article_summary(a) for a in rows], next_cursor=next_cursor)


@api.post("/articles", response_model=ArticlePublic, status_code=201)
def create_article(session: SessionDep, settings: SettingsDep, user: CurrentUser, data: ArticleCreate) -> ArticlePublic:
    """Write a new draft."""
    article = articles.create_article(session=session, author=user, data=data, review_months=settings.kb_review_months)
    return public.article_public(session=session, user=user, article=article)


@api.post("/articles/preview", response_model=HtmlPublic)
def preview_article(session: SessionDep, user: CurrentUser, data: PreviewRequest) -> HtmlPublic:
    """The sanitized HTML a Markdown text would show as."""
    return HtmlPublic(html=render_body(session=session, user=user, body=data.body))


@api.get("/articles/{article_id}", response_model=ArticlePublic)
def read_article(session: SessionDep, user: CurrentUser, article_id: int) -> ArticlePublic:
    """One article's visible version (recorded as a view)."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    views.record_view(
        session=session,
        user=user,
        article=article,
        revision=public.visible_revision(session=session, user=user, article=article),
    )
    return public.article_public(session=session, user=user, article=article)


@api.patch("/articles/{article_id}", response_model=ArticlePublic)
def update_article(session: SessionDep, user: CurrentUser, article_id: int, data: ArticleUpdate) -> ArticlePublic:
    """Save a new revision (give `base_revision_id`; 409 when someone saved since) and/or change settings."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    articles.save_article(session=session, user=user, article=article, data=data)
    return _one(session, user, article_id)


@api.post("/articles/{article_id}/submit", response_model=ArticlePublic)
def submit_article(session: SessionDep, user: CurrentUser, article_id: int) -> ArticlePublic:
    """Ask a manager to review the draft or the proposed change."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    lifecycle.submit_for_review(session=session, user=user, article=article)
    return _one(session, user, article_id)


@api.post("/articles/{article_id}/publish", response_model=ArticlePublic)
def publish_article(
    session: SessionDep, settings: SettingsDep, user: CurrentUser, article_id: int, data: PublishRequest | None = None
) -> ArticlePublic:
    """Publish the newest revision (managers). After the first version say `kind`: "editorial" (acknowledgements
    stay) or "major" (readers acknowledge again; needs a `change_note`), else 422; 403 under the two-person rule when
    the caller wrote some of it."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    lifecycle.publish(
        session=session,
        user=user,
        article=article,
        data=data or PublishRequest(),
        two_person_rule=settings.kb_two_person_rule,
    )
    return _one(session, user, article_id)


@api.post("/articles/{article_id}/return", response_model=ArticlePublic)
def return_article(session: SessionDep, user: CurrentUser, article_id: int, data: ReturnRequest) -> ArticlePublic:
    """Return the article to its author with a comment (managers)."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    lifecycle.return_for_changes(session=session, user=user, article=article, comment=data.comment)
    return _one(session, user, article_id)


@api.post("/articles/{article_id}/archive", response_model=ArticlePublic)
def archive_article(session: SessionDep, user: CurrentUser, article_id: int) -> ArticlePublic:
    """Archive the article (managers)."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    lifecycle.archive(session=session, user=user, article=article)
    return _one(session, user, article_id)


@api.post("/articles/{article_id}/unarchive", response_model=ArticlePublic)
def unarchive_article(session: SessionDep, user: CurrentUser, article_id: int) -> ArticlePublic:
    """Bring an archived article back (managers)."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    lifecycle.restore(session=session, user=user, article=article)
    return _one(session, user, article_id)


@api.post("/articles/{article_id}/reviewed", response_model=ArticlePublic)
def review_article(session: SessionDep, user: CurrentUser, article_id: int) -> ArticlePublic:
    """Reviewed, no changes: restart the review period (owner or manager; audited)."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    lifecycle.mark_reviewed(session=session, user=user, article=article)
    return _one(session, user, article_id)


@api.post("/articles/{article_id}/acknowledge", response_model=AcknowledgementDone)
def acknowledge_article(session: SessionDep, user: CurrentUser, article_id: int) -> AcknowledgementDone:
    """I have read and understood the current version."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    row = acknowledgements.acknowledge(session=session, user=user, article=article)
    return AcknowledgementDone(article_id=row.article_id, version=row.version, acknowledged_at=row.created_at)


@api.get("/articles/{article_id}/acknowledgements", response_model=AcknowledgementReport)
def read_acknowledgements(
    session: SessionDep, user: CurrentUser, article_id: int, department_id: int | None = None
) -> AcknowledgementReport:
    """Who in the audience acknowledged which version and when, and who is missing (managers)."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    data = acknowledgements.report(session=session, user=user, article=article, department_id=department_id)
    items = [
        AcknowledgementPublic(
            user_id=r.user.id or 0,
            name=r.user.name,
            email=r.user.email,
            department_names=r.department_names,
            version=r.version,
            acknowledged_at=r.acknowledged_at,
            current=r.current,
        )
        for r in data.rows
    ]
    return AcknowledgementReport(
        article_id=article_id,
        current_version=article.current_major,
        acknowledged=data.acknowledged,
        missing=len(data.missing),
        items=items,
    )


@api.delete("/articles/{article_id}/attachments/{upload_id}", status_code=204)
def delete_attachment(
    session: SessionDep, settings: SettingsDep, user: CurrentUser, article_id: int, upload_id: int
) -> Response:
    """Remove a file from the article and delete it (managers, or the author of a draft; audited)."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    attachments.remove_attachment(session=session, settings=settings, user=user, article=article, upload_id=upload_id)
    return Response(status_code=204)


@api.get("/articles/{article_id}/revisions", response_model=Page[ArticleRevisionPublic], name="read_article_revisions")
def read_revisions(session: SessionDep, user: CurrentUser, article_id: int) -> Page[ArticleRevisionPublic]:
    """The article's revisions the caller may see, newest first."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    rows = revisions.list_revisions(session=session, user=user, article=article)
    names = revisions.authors_of(session=session, revisions=rows)
    return Page(items=[public.revision_public(r, names.get(r.author_id, "")) for r in rows])


@api.get("/articles/{article_id}/revisions/{revision_id}", response_model=RevisionDetail)
def read_revision(session: SessionDep, user: CurrentUser, article_id: int, revision_id: int) -> RevisionDetail:
    """One revision with its text."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    row = revisions.get_revision(session=session, user=user, article=article, revision_id=revision_id)
    names = revisions.authors_of(session=session, revisions=[row])
    return public.revision_detail(session=session, user=user, revision=row, author_name=names.get(row.author_id, ""))


@api.post(
    "/articles/{article_id}/revisions/{revision_id}/restore", response_model=ArticleRevisionPublic, status_code=201
)
def restore_revision(
    session: SessionDep, user: CurrentUser, article_id: int, revision_id: int, data: RestoreRequest | None = None
) -> ArticleRevisionPublic:
    """Make an old revision's text the newest revision (an old text that looks like patient data needs an
    `override_reason`, as when it was written)."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    row = revisions.restore_revision(
        session=session,
        user=user,
        article=article,
        revision_id=revision_id,
        override_reason=(data or RestoreRequest()).override_reason,
    )
    return public.revision_public(row, user.name)


@api.get("/articles/{article_id}/diff", response_model=DiffPublic)
def read_diff(session: SessionDep, user: CurrentUser, article_id: int, old: int, new: int) -> DiffPublic:
    """A line diff between two revisions."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    a, b, lines = revisions.diff(session=session, user=user, article=article, old_id=old, new_id=new)
    names = revisions.authors_of(session=session, revisions=[a, b])
    return DiffPublic(
        old=public.revision_public(a, names.get(a.author_id, "")),
        new=public.revision_public(b, names.get(b.author_id, "")),
        lines=[DiffLinePublic(**vars(line)) for line in lines],
    )


@api.get("/articles/{article_id}/views", response_model=list[ViewPublic])
def read_views(session: SessionDep, user: CurrentUser, article_id: int) -> list[ViewPublic]:
    """Who opened the article, for managers (people of their departments and of none)."""
    article = articles.get_readable(session=session, user=user, article_id=article_id)
    return [
        ViewPublic(
            user_id=r.user.id or 0,
            name=r.user.name,
            views=r.views,
            last_viewed_at=r.last_viewed_at,
            last_version=r.last_version,
        )
        for r in views.report(session=session, user=user, article=article)
    ]


@api.get("/kb/categories", response_model=list[CategoryPublic])
def read_categories(session: SessionDep, user: CurrentUser) -> list[CategoryPublic]:
    """Every category, parents before their children."""
    return [CategoryPublic.model_validate(c, from_attributes=True) for c in categories.list_categories(session=session)]


@api.post("/kb/categories", response_model=CategoryPublic, status_code=201)
def create_category(session: SessionDep, user: CurrentUser, data: CategoryCreate) -> CategoryPublic:
    """Add a category or a subcategory (managers)."""
    return CategoryPublic.model_validate(
        categories.create_category(session=session, user=user, data=data), from_attributes=True
    )


@api.get("/reports/kb-reviews", response_model=list[ReviewDuePublic])
def read_review_report(session: SessionDep, user: CurrentUser) -> list[ReviewDuePublic]:
    """Overdue and soon-due articles for the manager's departments."""
    rows = reviews.review_report(session=session, user=user)
    return [
        ReviewDuePublic(
            article=public.article_summary(r.article), owner_name=r.owner.name if r.owner else "", overdue=r.overdue
        )
        for r in rows
    ]
