"""Erasing a departed person: what is theirs goes, what the institution must keep stays under a pseudonym.

Removed: the name, e-mail, handle, work phone, password, sessions, API tokens, invites and sign-in counters; their
posts (with every comment, reaction, read mark and RSVP on them), comments (with the replies under them), reactions,
RSVPs, read marks, article views, notifications (received and caused), uploads (rows and files), search queries,
their own onboarding plans, and @mentions of them in other people's posts, comments and earlier post versions (the
mention becomes the pseudonym's handle). The search index drops their documents through "purge" outbox rows, which
also rewrite the index's files so that no byte of a deleted document is left on disk.

Kept under the pseudonym ("Former colleague #N"): knowledge-base acknowledgements (who read which protocol), article
revisions and review events they wrote, articles they own, other people's onboarding plans in which they were the
mentor, the person to meet or the one who confirmed a task, guide requests given to them, and the audit log. The
audit log is append-only and chained (each row's hash covers the one before), so earlier rows are not edited: an
earlier row's `subject` may still hold their old e-mail address (the record of who was invited, signed in and so
on). The `user.erased` event itself stores only the pseudonym's number and counts."""

import re
from dataclasses import asdict, dataclass

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, SQLModel, col, delete, select

from app.config import Settings
from app.errors import InvalidInput
from app.i18n import N_, gettext
from app.models.feed import Comment, CommentReaction, Event, Post, PostRead, PostRevision, Reaction, Rsvp
from app.models.kb import KbArticle, KbView
from app.models.notifications import Notification
from app.models.onboarding import OnboardingAssignedTask, OnboardingAssignment, OnboardingReminder
from app.models.search import SearchQueryLog
from app.models.types import utcnow
from app.models.uploads import Upload
from app.models.users import ApiToken, Invite, LoginThrottle, User, UserSession
from app.search.outbox import enqueue
from app.services import audit
from app.services.feed import text as feed_text
from app.services.transactions import all_or_nothing

PSEUDONYM_DOMAIN = "erased.invalid"
PSEUDONYM_NAME = N_("Former colleague #{number}")
PURGE = "purge"


@dataclass
class ErasureCounts:
    """How much was removed: what the audit event and the admin see, never what it was."""

    posts: int = 0
    comments: int = 0
    reactions: int = 0
    rsvps: int = 0
    notifications: int = 0
    uploads: int = 0
    searches: int = 0
    onboarding_plans: int = 0
    mentions: int = 0


def is_erased(user: User) -> bool:
    """Whether the account is already a pseudonym."""
    return user.email.endswith("@" + PSEUDONYM_DOMAIN)


def _next_number(session: Session) -> int:
    erased = session.exec(select(func.count()).where(col(User.email).endswith("@" + PSEUDONYM_DOMAIN))).one()
    return int(erased) + 1


@all_or_nothing
def erase_user(*, session: Session, settings: Settings, user: User, actor: User | None, ip: str = "") -> ErasureCounts:
    """Remove a departed person's personal data, keep the institution's records under a pseudonym; audited."""
    if is_erased(user):
        raise InvalidInput("This account is already erased.")
    if actor is not None and actor.id == user.id:
        raise InvalidInput("You cannot erase yourself.")
    old_handle, old_email = user.handle, user.email
    number = _next_number(session)
    counts = ErasureCounts()
    files = _remove_content(session=session, user=user, counts=counts)
    _remove_account_data(session=session, user=user, email=old_email)
    user.name = gettext(settings.default_language, PSEUDONYM_NAME, number=number)
    user.email = f"former-{number}@{PSEUDONYM_DOMAIN}"
    user.handle = f"former-{number}"
    user.work_phone, user.password_hash, user.language = "", None, None
    user.is_active = False
    user.deactivated_at = user.deactivated_at or utcnow()
    session.add(user)
    counts.mentions = _rewrite_mentions(session=session, old=old_handle, new=user.handle)
    enqueue(session, f"person:{user.id}", PURGE)  # their name in search goes, off the disk too
    for article_id in session.exec(select(KbArticle.id).where(KbArticle.owner_id == user.id)).all():
        enqueue(session, f"article:{article_id}")  # the author shown in search becomes the pseudonym
    audit.record(
        session=session,
        action="user.erased",
        actor=actor,
        subject=user.email,
        target_type="user",
        target_id=user.id,
        ip=ip,
        detail={"pseudonym": number, **asdict(counts)},
    )
    session.commit()
    for stored in files:
        (settings.upload_dir / stored).unlink(missing_ok=True)
    session.refresh(user)
    return counts


def _remove_content(*, session: Session, user: User, counts: ErasureCounts) -> list[str]:
    """Delete what they wrote or did, with its search documents; return the upload files to unlink after commit."""
    post_ids = list(session.exec(select(Post.id).where(Post.author_id == user.id)).all())
    comments = set(
        session.exec(
            select(Comment.id).where(or_(col(Comment.author_id) == user.id, col(Comment.post_id).in_(post_ids)))
        ).all()
    )
    comments |= set(session.exec(select(Comment.id).where(col(Comment.parent_id).in_(comments))).all())
    for comment_id in comments:
        enqueue(session, f"comment:{comment_id}", PURGE)
    for post_id in post_ids:
        enqueue(session, f"post:{post_id}", PURGE)
    for event_id in session.exec(select(Event.id).where(col(Event.post_id).in_(post_ids))).all():
        enqueue(session, f"event:{event_id}", PURGE)
    counts.posts = len(post_ids)
    counts.comments = session.exec(select(func.count()).where(Comment.author_id == user.id)).one()
    counts.reactions = _delete(session, Reaction, col(Reaction.user_id) == user.id) + _delete(
        session, CommentReaction, col(CommentReaction.user_id) == user.id
    )
    counts.rsvps = _delete(session, Rsvp, col(Rsvp.user_id) == user.id)
    _delete(session, PostRead, col(PostRead.user_id) == user.id)
    _delete(session, Comment, col(Comment.author_id) == user.id)  # replies under them go with them (ON DELETE CASCADE)
    _delete(session, Post, col(Post.id).in_(post_ids))  # comments, reactions, RSVPs, versions on them: cascade
    _delete(session, KbView, col(KbView.user_id) == user.id)
    counts.notifications = _delete(
        session, Notification, or_(col(Notification.recipient_id) == user.id, col(Notification.actor_id) == user.id)
    )
    counts.searches = _delete(session, SearchQueryLog, col(SearchQueryLog.user_id) == user.id)
    plans = list(session.exec(select(OnboardingAssignment.id).where(OnboardingAssignment.user_id == user.id)).all())
    for task_id in session.exec(
        select(OnboardingAssignedTask.id).where(col(OnboardingAssignedTask.assignment_id).in_(plans))
    ).all():
        enqueue(session, f"task:{task_id}", PURGE)
    counts.onboarding_plans = _delete(session, OnboardingAssignment, col(OnboardingAssignment.id).in_(plans))
    _delete(session, OnboardingReminder, col(OnboardingReminder.user_id) == user.id)
    uploads = session.exec(select(Upload).where(Upload.owner_id == user.id)).all()
    files = [upload.stored_name for upload in uploads]
    counts.uploads = _delete(session, Upload, col(Upload.owner_id) == user.id)
    return files


def _remove_account_data(*, session: Session, user: User, email: str) -> None:
    _delete(session, UserSession, col(UserSession.user_id) == user.id)
    _delete(session, ApiToken, col(ApiToken.user_id) == user.id)
    _delete(session, Invite, col(Invite.user_id) == user.id)
    _delete(session, LoginThrottle, col(LoginThrottle.key).contains(email))


def _delete(session: Session, model: type[SQLModel], where: ColumnElement[bool]) -> int:
    """Bulk-delete the rows of `model` that match; how many went."""
    result = session.execute(delete(model).where(where))
    return int(getattr(result, "rowcount", 0) or 0)


def _rewrite_mentions(*, session: Session, old: str, new: str) -> int:
    """Replace @old by @new in other people's posts, comments and earlier post versions; how many texts changed."""
    changed = 0
    pattern = f"%@{old}%"
    texts: list[tuple[str, Post | Comment]] = [
        *(("post", p) for p in session.exec(select(Post).where(col(Post.body).ilike(pattern))).all()),
        *(("comment", c) for c in session.exec(select(Comment).where(col(Comment.body).ilike(pattern))).all()),
    ]
    for kind, row in texts:
        row.body = _replace_handle(row.body, old, new)
        handles = [u.handle for u in feed_text.mentioned_users(session=session, body=row.body)]
        row.html = feed_text.render(row.body, handles)
        session.add(row)
        enqueue(session, f"{kind}:{row.id}")
        changed += 1
    for revision in session.exec(select(PostRevision).where(col(PostRevision.body).ilike(pattern))).all():
        revision.body = _replace_handle(revision.body, old, new)
        session.add(revision)
        changed += 1
    return changed


def _replace_handle(body: str, old: str, new: str) -> str:
    def replace(match: re.Match[str]) -> str:
        word = match[1].rstrip(".")
        return f"@{new}{match[1][len(word) :]}" if word.lower() == old.lower() else match[0]

    return feed_text.MENTION_RE.sub(replace, body)
