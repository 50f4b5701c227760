"""The lifecycle: draft → in review → published (or returned with a comment) → archived; review dates."""

from datetime import date, datetime

from sqlmodel import Session, col, select

from app import events
from app.errors import Conflict, InvalidInput, PermissionDenied
from app.i18n import zone
from app.models.kb import ArticleStatus, ChangeKind, ChangeState, KbArticle, KbReviewEvent, KbRevision, PublishRequest
from app.models.types import utcnow
from app.models.users import User
from app.search.outbox import enqueue
from app.services import audit
from app.services import notifications as notifications_service
from app.services.kb import access, audience, notices
from app.services.kb.articles import add_months, set_links, set_visible_tags
from app.services.patient_data import guard
from app.services.transactions import all_or_nothing
from app.text import nfc


def today(now: datetime | None = None) -> date:
    """The hospital's calendar day (Kyiv) at `now`."""
    return (now or utcnow()).astimezone(zone("Europe/Kyiv")).date()


def is_in_review(article: KbArticle) -> bool:
    """Whether a draft or a proposed change waits for a manager."""
    return article.status == ArticleStatus.in_review or article.change_state == ChangeState.in_review


def _event(session: Session, article: KbArticle, actor: User, action: str, comment: str = "") -> None:
    assert actor.id is not None and article.id is not None
    session.add(
        KbReviewEvent(
            article_id=article.id,
            revision_id=article.head_revision_id,
            action=action,
            actor_id=actor.id,
            comment=comment,
        )
    )
    audit.record(
        session=session,
        action=f"article.{action}",
        actor=actor,
        subject=article.slug,
        target_type="article",
        target_id=article.id,
        detail={"comment": comment} if comment else None,
    )


def _finish(session: Session, article: KbArticle) -> KbArticle:
    article.updated_at = utcnow()
    session.add(article)
    enqueue(session, f"article:{article.id}")
    session.commit()
    session.refresh(article)
    return article


@all_or_nothing
def submit_for_review(*, session: Session, user: User, article: KbArticle) -> KbArticle:
    """The author asks for approval: the owner and the managers of its departments (all, if for everyone) hear of it."""
    access.check_can_edit(session=session, user=user, article=article)
    if article.status == ArticleStatus.draft:
        article.status = ArticleStatus.in_review
    elif article.change_state == ChangeState.draft:
        article.change_state = ChangeState.in_review
    else:
        raise Conflict("There is nothing to submit: no unpublished changes, or they are already in review.")
    _event(session, article, user, "submitted")
    reviewers = [article.owner_id, *audience.reviewer_ids(session=session, article=article)]
    notifications_service.notify(
        session=session,
        recipient_ids=reviewers,
        kind="kb.submitted",
        actor=user,
        url=f"/kb/{article.slug}",
        message="{actor} asks you to review «{title}».",
        params={"title": article.title},
    )
    return _finish(session, article)


@all_or_nothing
def publish(
    *,
    session: Session,
    user: User,
    article: KbArticle,
    data: PublishRequest,
    two_person_rule: bool = False,
    now: datetime | None = None,
) -> KbArticle:
    """A manager publishes the newest revision as a major or editorial version; review date restarts.

    Under the two-person rule (KOLO_KB_TWO_PERSON_RULE) nobody publishes text they wrote themselves. A change note
    written here is screened like the article's text (`data.override_reason` to publish it anyway)."""
    access.check_manager(user)
    if article.status == ArticleStatus.archived:
        raise Conflict("This article is archived. A manager can restore it before it is changed.")
    head = session.get(KbRevision, article.head_revision_id)
    assert head is not None
    if head.published_at is not None:
        raise Conflict("There is nothing new to publish.")
    previous = session.get(KbRevision, article.current_revision_id) if article.current_revision_id else None
    if two_person_rule and user.id in _unpublished_authors(session, article, previous):
        raise PermissionDenied("The two-person rule is on: another manager has to approve and publish text you wrote.")
    major = _is_major(data, previous, head)
    change_note = "" if head.change_note else nfc(data.change_note.strip())
    screening = guard.screen(session=session, texts={"change_note": change_note}, override_reason=data.override_reason)
    article.current_major += 1 if major else 0
    head.version_major = article.current_major
    head.version_minor = 0 if major or previous is None else (previous.version_minor or 0) + 1
    head.published_at, head.published_by_id = now or utcnow(), user.id
    if change_note:
        head.change_note = change_note
    session.add(head)
    article.current_revision_id, article.title = head.id, head.title
    article.status, article.change_state, article.published_at = ArticleStatus.published, None, head.published_at
    article.review_due = add_months(today(now), article.review_interval_months)
    set_visible_tags(session, article, head.tags)
    set_links(session, article, head.body)
    _event(session, article, user, "published", head.change_note)
    screening.record(session=session, actor=user, target_type="article", target_id=article.id)
    _notify_published(session, user, article, head, major)
    events.emit("article.published", session=session, article_id=article.id, actor=user, major=major)
    return _finish(session, article)


def _is_major(data: PublishRequest, previous: KbRevision | None, head: KbRevision) -> bool:
    """The first publication is always major; after it, the manager chooses, and a major version says what changed."""
    if previous is None:
        return True
    kind = data.chosen_kind()
    if kind is None:
        raise InvalidInput(
            "Choose the kind of change: editorial (acknowledgements stay) or major (everyone acknowledges again)."
        )
    if kind == ChangeKind.major and not (head.change_note.strip() or data.change_note.strip()):
        raise InvalidInput("A major version needs a change note: readers see it when they are asked to read again.")
    return kind == ChangeKind.major


def _unpublished_authors(session: Session, article: KbArticle, previous: KbRevision | None) -> set[int]:
    """Who wrote the revisions since the published version (every revision when none is published yet)."""
    query = select(KbRevision.author_id).where(
        KbRevision.article_id == article.id, KbRevision.number > (previous.number if previous else 0)
    )
    return set(session.exec(query).all())


def _notify_published(session: Session, user: User, article: KbArticle, head: KbRevision, major: bool) -> None:
    url = f"/kb/{article.slug}"
    version = f"{head.version_major}.{head.version_minor}"
    notifications_service.notify(
        session=session,
        recipient_ids={article.author_id, head.author_id, article.owner_id},
        kind="kb.published",
        actor=user,
        url=url,
        message="{actor} published «{title}», version {version}.",
        params={"title": article.title, "version": version},
    )
    if major:
        notices.forget_superseded(session=session, article=article)
    if article.requires_acknowledgement and major:
        readers = audience.member_ids(session=session, article=article)
        notifications_service.notify(
            session=session,
            recipient_ids=readers,
            kind=notices.ACKNOWLEDGE,
            actor=user,
            url=url,
            message="Please read and acknowledge «{title}», version {version}.",
            params={"title": article.title, "version": version},
            batch_key=notices.batch_key(notices.ACKNOWLEDGE, article),
        )


def last_return(*, session: Session, article: KbArticle) -> KbReviewEvent | None:
    """The manager's comment when the current draft or proposed change was returned for changes."""
    if article.status != ArticleStatus.draft and article.change_state != ChangeState.draft:
        return None
    last = session.exec(
        select(KbReviewEvent)
        .where(KbReviewEvent.article_id == article.id)
        .order_by(col(KbReviewEvent.id).desc())
        .limit(1)
    ).first()
    return last if last is not None and last.action == "returned" else None


@all_or_nothing
def return_for_changes(*, session: Session, user: User, article: KbArticle, comment: str) -> KbArticle:
    """A manager sends the draft or the proposed change back to its author with a comment."""
    access.check_manager(user)
    if not is_in_review(article):
        raise Conflict("This article is not waiting for review.")
    if article.status == ArticleStatus.in_review:
        article.status = ArticleStatus.draft
    else:
        article.change_state = ChangeState.draft
    comment = nfc(comment.strip())
    _event(session, article, user, "returned", comment)
    head = session.get(KbRevision, article.head_revision_id)
    recipients = {article.author_id, head.author_id if head else article.author_id}
    notifications_service.notify(
        session=session,
        recipient_ids=recipients,
        kind="kb.returned",
        actor=user,
        url=f"/kb/{article.slug}",
        message="{actor} returned «{title}» for changes: {comment}",
        params={"title": article.title, "comment": comment[:200]},
    )
    return _finish(session, article)


@all_or_nothing
def archive(*, session: Session, user: User, article: KbArticle) -> KbArticle:
    """A manager archives an article: it leaves lists and search, its page stays for the record."""
    access.check_manager(user)
    if article.status == ArticleStatus.archived:
        raise Conflict("This article is already archived.")
    article.status = ArticleStatus.archived
    _event(session, article, user, "archived")
    return _finish(session, article)


@all_or_nothing
def restore(*, session: Session, user: User, article: KbArticle) -> KbArticle:
    """A manager brings an archived article back (published if it ever was, else a draft)."""
    access.check_manager(user)
    if article.status != ArticleStatus.archived:
        raise Conflict("This article is not archived.")
    article.status = ArticleStatus.published if article.current_revision_id else ArticleStatus.draft
    _event(session, article, user, "unarchived")
    return _finish(session, article)


@all_or_nothing
def mark_reviewed(*, session: Session, user: User, article: KbArticle, now: datetime | None = None) -> KbArticle:
    """The owner or a manager confirms the article is still right: the review date restarts (audited)."""
    if not access.reviews(user=user, article=article):
        raise PermissionDenied("Only the owner or a manager can confirm a review.")
    if article.status != ArticleStatus.published:
        raise Conflict("Only published articles have review dates.")
    previous = article.review_due
    article.review_due = add_months(today(now), article.review_interval_months)
    _event(session, article, user, "reviewed", "")
    audit.record(
        session=session,
        action="article.review_due_reset",
        actor=user,
        subject=article.slug,
        target_type="article",
        target_id=article.id,
        detail={"from": previous.isoformat() if previous else None, "to": article.review_due.isoformat()},
    )
    return _finish(session, article)
