"""Articles: create, save a new revision (with conflict detection), read, list and browse."""

import calendar
from datetime import date, datetime

from sqlmodel import Session, col, delete, exists, or_, select

from app.errors import Conflict, InvalidInput, NotFound
from app.models.kb import (
    ArticleCreate,
    ArticleStatus,
    ArticleUpdate,
    ChangeState,
    KbArticle,
    KbArticleDepartment,
    KbArticleTag,
    KbCategory,
    KbLink,
    KbRevision,
)
from app.models.types import utcnow
from app.models.users import Department, User
from app.pagination import clamp_limit, decode_cursor, encode_cursor
from app.search.outbox import enqueue
from app.services import audit
from app.services import users as users_service
from app.services.kb import access
from app.services.kb.rendering import linked_slugs
from app.services.patient_data import guard
from app.services.transactions import all_or_nothing
from app.text import nfc, normalize_tag, slugify, uk_sort_key

MAX_TAG = 60


class RevisionConflict(Conflict):
    """The text was based on an older revision than the newest one."""


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def clean_tags(tags: list[str]) -> list[str]:
    """Tags normalized as everywhere in Kolo (app.text.normalize_tag), unique, in the order given."""
    seen: list[str] = []
    for tag in tags:
        cleaned = normalize_tag(tag, MAX_TAG)
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return seen


def unique_slug(*, session: Session, wanted: str, article_id: int | None = None) -> str:
    """A free slug close to `wanted`, transliterated (КМУ 2010)."""
    base = slugify(wanted, max_length=110)
    candidate, n = base, 1
    while (
        found := session.exec(select(KbArticle.id).where(KbArticle.slug == candidate)).first()
    ) is not None and found != article_id:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def get_article_or_raise(*, session: Session, article_id: int) -> KbArticle:
    """The article with this id, or NotFound."""
    article = session.get(KbArticle, article_id)
    if article is None:
        raise NotFound("This article does not exist, or you cannot see it.")
    return article


def get_readable(*, session: Session, user: User, article_id: int | None = None, slug: str | None = None) -> KbArticle:
    """An article the user may read, by id or slug, or NotFound."""
    if slug is not None:
        article = session.exec(select(KbArticle).where(KbArticle.slug == slug)).first()
        if article is None:
            raise NotFound("This article does not exist, or you cannot see it.")
    else:
        article = get_article_or_raise(session=session, article_id=article_id or 0)
    access.check_readable(session=session, user=user, article=article)
    return article


def _check_category(session: Session, category_id: int | None) -> None:
    if category_id is not None and session.get(KbCategory, category_id) is None:
        raise InvalidInput("This category does not exist.")


def _set_departments(session: Session, article: KbArticle, department_ids: list[int]) -> None:
    ids = sorted(set(department_ids))
    known = set(session.exec(select(Department.id).where(col(Department.id).in_(ids))).all()) if ids else set()
    if missing := set(ids) - known:
        raise InvalidInput("Unknown department: {ids}.", ids=", ".join(map(str, sorted(missing))))
    assert article.id is not None  # stored (flushed) before its departments are set
    session.exec(delete(KbArticleDepartment).where(col(KbArticleDepartment.article_id) == article.id))
    for department_id in ids:
        session.add(KbArticleDepartment(article_id=article.id, department_id=department_id))


def set_visible_tags(session: Session, article: KbArticle, tags: list[str]) -> None:
    """Refresh the browsing tags of the article's visible version (no commit)."""
    assert article.id is not None  # stored (flushed) before its tags are set
    session.exec(delete(KbArticleTag).where(col(KbArticleTag.article_id) == article.id))
    for tag in tags:
        session.add(KbArticleTag(article_id=article.id, tag=tag))


def set_links(session: Session, article: KbArticle, body: str) -> None:
    """Record which articles the visible text links to (no commit)."""
    assert article.id is not None  # stored (flushed) before its links are set
    session.exec(delete(KbLink).where(col(KbLink.source_id) == article.id))
    slugs = linked_slugs(body) - {article.slug}
    if slugs:
        for target_id in session.exec(select(KbArticle.id).where(col(KbArticle.slug).in_(slugs))).all():
            if target_id is not None:  # always: a primary key
                session.add(KbLink(source_id=article.id, target_id=target_id))


def _check_owner(session: Session, owner_id: int | None) -> None:
    if owner_id is not None:
        owner = session.get(User, owner_id)
        if owner is None or not owner.is_active:
            raise InvalidInput("The owner must be an active person.")


def version_texts(*, title: str, body: str, tags: list[str], change_note: str) -> dict[str, str]:
    """The texts of an article version the patient-data guard reads, by field."""
    return {"title": title, "body": body, "tags": ", ".join(tags), "change_note": change_note}


@all_or_nothing
def create_article(
    *, session: Session, author: User, data: ArticleCreate, review_months: int = 12, commit: bool = True
) -> KbArticle:
    """Create a draft with its first revision; the author owns it unless a manager names another owner. Text that
    looks like patient data is refused unless `data.override_reason` says why it may be published (audited)."""
    assert author.id is not None
    _check_category(session, data.category)
    access.check_can_set_owner(user=author, owner_id=data.owner_id, current_owner_id=author.id)
    owner_id = data.owner_id or author.id
    _check_owner(session, owner_id)
    title = nfc(data.title.strip())
    if not title:
        raise InvalidInput("The title must not be empty.")
    body, tags, change_note = nfc(data.body), clean_tags(data.tags), nfc(data.change_note.strip())
    screening = guard.screen(
        session=session,
        texts=version_texts(title=title, body=body, tags=tags, change_note=change_note),
        override_reason=data.override_reason,
    )
    article = KbArticle(
        slug=unique_slug(session=session, wanted=data.slug or title),
        title=title,
        category_id=data.category,
        author_id=author.id,
        owner_id=owner_id,
        requires_acknowledgement=data.requires_acknowledgement,
        review_interval_months=data.review_interval_months or review_months,
    )
    session.add(article)
    session.flush()
    assert article.id is not None  # the flush gave it its id
    revision = KbRevision(
        article_id=article.id,
        number=1,
        title=title,
        body=body,
        tags=tags,
        author_id=author.id,
        change_note=change_note,
    )
    session.add(revision)
    session.flush()
    article.head_revision_id = revision.id
    _set_departments(session, article, data.department_ids)
    set_visible_tags(session, article, tags)
    enqueue(session, f"article:{article.id}")
    audit.record(
        session=session,
        action="article.created",
        actor=author,
        subject=article.slug,
        target_type="article",
        target_id=article.id,
    )
    screening.record(session=session, actor=author, target_type="article", target_id=article.id)
    if commit:
        session.commit()
        session.refresh(article)
    return article


@all_or_nothing
def save_article(*, session: Session, user: User, article: KbArticle, data: ArticleUpdate) -> KbArticle:
    """Save text as a new revision (refused when a newer revision exists) and/or change settings.

    The editor always sends the text; when it is unchanged and settings come with it, only the settings change.
    New text that looks like patient data is refused unless `data.override_reason` says why (audited)."""
    changes = data.model_dump(exclude_unset=True)
    text_fields = {"title", "body", "tags"} & {k for k, v in changes.items() if v is not None}
    settings_fields = {
        "category",
        "department_ids",
        "owner_id",
        "requires_acknowledgement",
        "review_interval_months",
        "review_due",
    } & set(changes)
    if text_fields:
        access.check_can_edit(session=session, user=user, article=article)
        _add_revision(session, user, article, data, settings_too=bool(settings_fields))
    if settings_fields:
        access.check_can_change_settings(user=user, article=article, owner_id=data.owner_id)
        _change_settings(session, user, article, data, settings_fields)
    if not (text_fields or settings_fields):
        raise InvalidInput("Nothing to save.")
    article.updated_at = utcnow()
    session.add(article)
    enqueue(session, f"article:{article.id}")
    session.commit()
    session.refresh(article)
    return article


def _add_revision(
    session: Session, user: User, article: KbArticle, data: ArticleUpdate, *, settings_too: bool = False
) -> KbRevision | None:
    head = session.get(KbRevision, article.head_revision_id)
    assert head is not None and user.id is not None
    if data.base_revision_id is None:
        raise InvalidInput("Say which revision you edited (base_revision_id).")
    if data.base_revision_id != head.id:
        raise RevisionConflict(
            "Someone saved a newer version of this article while you were editing. "
            "Your text is kept: compare it with the newer version and save again."
        )
    title = nfc((data.title if data.title is not None else head.title).strip())
    body = nfc(data.body) if data.body is not None else head.body
    tags = clean_tags(data.tags) if data.tags is not None else head.tags
    if not title:
        raise InvalidInput("The title must not be empty.")
    if (title, body, tags) == (head.title, head.body, head.tags):
        if settings_too:
            return None
        raise InvalidInput("Nothing has changed since the last revision.")
    change_note = nfc(data.change_note.strip())
    screening = guard.screen(
        session=session,
        texts=version_texts(title=title, body=body, tags=tags, change_note=change_note),
        override_reason=data.override_reason,
    )
    revision = append_revision(session, user, article, head, title=title, body=body, tags=tags, change_note=change_note)
    screening.record(session=session, actor=user, target_type="article", target_id=article.id)
    return revision


def append_revision(
    session: Session,
    user: User,
    article: KbArticle,
    head: KbRevision,
    *,
    title: str,
    body: str,
    tags: list[str],
    change_note: str,
    restored_from_id: int | None = None,
) -> KbRevision:
    """Add the next revision on top of `head` and make it the head (no commit)."""
    assert article.id is not None and user.id is not None  # both read from the database
    revision = KbRevision(
        article_id=article.id,
        number=head.number + 1,
        title=title,
        body=body,
        tags=tags,
        author_id=user.id,
        base_revision_id=head.id,
        change_note=change_note,
        restored_from_id=restored_from_id,
    )
    session.add(revision)
    session.flush()
    article.head_revision_id = revision.id
    if article.status in (ArticleStatus.draft, ArticleStatus.in_review):
        article.title = title
        set_visible_tags(session, article, tags)
    elif article.change_state is None:
        article.change_state = ChangeState.draft
    return revision


def _change_settings(session: Session, user: User, article: KbArticle, data: ArticleUpdate, fields: set[str]) -> None:
    detail: dict[str, object] = {}
    if "category" in fields:
        _check_category(session, data.category)
        article.category_id = data.category
    if "department_ids" in fields and data.department_ids is not None:
        _set_departments(session, article, data.department_ids)
        detail["department_ids"] = sorted(set(data.department_ids))
    if "owner_id" in fields and data.owner_id is not None:
        _check_owner(session, data.owner_id)
        enqueue(session, f"person:{article.owner_id}")  # the previous owner's person document lists the guide no more
        article.owner_id = data.owner_id
        detail["owner_id"] = data.owner_id
    if "requires_acknowledgement" in fields and data.requires_acknowledgement is not None:
        article.requires_acknowledgement = data.requires_acknowledgement
    if "review_interval_months" in fields and data.review_interval_months is not None:
        article.review_interval_months = data.review_interval_months
    if "review_due" in fields and data.review_due is not None:
        article.review_due = data.review_due
        detail["review_due"] = data.review_due.isoformat()
    audit.record(
        session=session,
        action="article.settings_changed",
        actor=user,
        subject=article.slug,
        target_type="article",
        target_id=article.id,
        detail=detail,
    )


def list_articles(
    *,
    session: Session,
    user: User,
    category_id: int | None = None,
    tag: str | None = None,
    owner_id: int | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = 30,
) -> tuple[list[KbArticle], str | None]:
    """Readable articles, recently updated first; archived ones only when a manager asks; keyset-paginated."""
    limit = clamp_limit(limit)
    departments = users_service.department_ids_of(session=session, user=user)
    query = select(KbArticle).where(access.listed_clause(user=user, user_departments=departments))
    if status in {s.value for s in ArticleStatus}:
        query = query.where(KbArticle.status == status)
    elif status == "pending":
        query = query.where(
            or_(col(KbArticle.status) == ArticleStatus.in_review, col(KbArticle.change_state) == ChangeState.in_review)
        )
    else:
        query = query.where(KbArticle.status == ArticleStatus.published)
    if category_id is not None:
        children = select(KbCategory.id).where(KbCategory.parent_id == category_id)
        query = query.where(or_(KbArticle.category_id == category_id, col(KbArticle.category_id).in_(children)))
    if tag and (cleaned := clean_tags([tag])):
        tagged = select(KbArticleTag.article_id).where(KbArticleTag.tag == cleaned[0])
        query = query.where(col(KbArticle.id).in_(tagged))
    if owner_id is not None:
        query = query.where(KbArticle.owner_id == owner_id)
    if position := decode_cursor(cursor, datetime, int):
        at, last_id = position
        query = query.where(
            or_(col(KbArticle.updated_at) < at, (col(KbArticle.updated_at) == at) & (col(KbArticle.id) < last_id))
        )
    rows = list(
        session.exec(query.order_by(col(KbArticle.updated_at).desc(), col(KbArticle.id).desc()).limit(limit + 1)).all()
    )
    next_cursor = (
        encode_cursor(rows[limit - 1].updated_at.isoformat(), rows[limit - 1].id) if len(rows) > limit else None
    )
    return rows[:limit], next_cursor


def linked_from(*, session: Session, user: User, article: KbArticle) -> list[KbArticle]:
    """Readable articles whose published text links to this one."""
    departments = users_service.department_ids_of(session=session, user=user)
    sources = select(KbLink.source_id).where(KbLink.target_id == article.id)
    query = select(KbArticle).where(
        col(KbArticle.id).in_(sources),
        KbArticle.status != ArticleStatus.archived,
        access.readable_clause(user=user, user_departments=departments),
    )
    return list(session.exec(query.order_by(col(KbArticle.title))).all())


def list_tags(*, session: Session, user: User) -> list[tuple[str, int]]:
    """Tags of readable published articles with their counts, most used first."""
    from sqlalchemy import func

    departments = users_service.department_ids_of(session=session, user=user)
    query = (
        select(KbArticleTag.tag, func.count())
        .join(KbArticle, col(KbArticle.id) == KbArticleTag.article_id)
        .where(
            KbArticle.status == ArticleStatus.published, access.readable_clause(user=user, user_departments=departments)
        )
        .group_by(KbArticleTag.tag)
        .order_by(func.count().desc(), KbArticleTag.tag)
        .limit(40)
    )
    return [(tag, count) for tag, count in session.exec(query).all()]


def list_owners(*, session: Session) -> dict[int, str]:
    """The active people who own an article, by id, in Ukrainian alphabetical order of their names (the owner filter;
    a hospital's thousands of staff own a few hundred articles between them)."""
    owns = exists().where(col(KbArticle.owner_id) == col(User.id))
    rows = session.exec(select(User.id, User.name).where(col(User.is_active), owns)).all()
    return {user_id: name for user_id, name in sorted(rows, key=lambda row: uk_sort_key(row[1])) if user_id}
