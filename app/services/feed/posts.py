"""Writing posts: create, edit (earlier versions kept), soft delete, pin, must-read acknowledgements."""

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.i18n import zone
from app.models.feed import Post, PostCreate, PostDepartment, PostKind, PostRead, PostRevision, PostTag, PostUpdate
from app.models.types import utcnow
from app.models.uploads import Upload
from app.models.users import Department, User
from app.search.outbox import enqueue
from app.services import audit
from app.services import notifications as notifications_service
from app.services import uploads as uploads_service
from app.services.feed import access, events, text
from app.services.patient_data import guard
from app.services.transactions import all_or_nothing


def post_url(post_id: int | None) -> str:
    """A post's page."""
    return f"/posts/{post_id}"


def _check_departments(*, session: Session, department_ids: list[int]) -> list[int]:
    wanted = sorted(set(department_ids))
    known = set(session.exec(select(Department.id).where(col(Department.id).in_(wanted))).all())
    if missing := set(wanted) - known:
        raise InvalidInput("Unknown department: {ids}.", ids=", ".join(map(str, sorted(missing))))
    return wanted


def _set_tags(*, session: Session, post: Post, tags: list[str]) -> None:
    assert post.id is not None  # stored (flushed) before its tags are set
    for row in session.exec(select(PostTag).where(PostTag.post_id == post.id)).all():
        session.delete(row)
    session.flush()
    for tag in tags:
        session.add(PostTag(post_id=post.id, tag=tag))


def _extra_tags(*, session: Session, post: Post) -> list[str]:
    """The tags given beside the text, not written in it as #tags: an edit of the text keeps these, and only these."""
    written = text.inline_tags(post.body)
    return [
        row.tag
        for row in session.exec(select(PostTag).where(PostTag.post_id == post.id)).all()
        if row.tag not in written
    ]


def _notify_mentions(
    *, session: Session, actor: User, post: Post, body: str, department_ids: list[int], already: set[int] | None = None
) -> set[int]:
    """Notify mentioned people who can read the post; returns who was notified."""
    mentioned = text.mentioned_users(session=session, body=body)
    audience = set(access.audience_user_ids(session=session, department_ids=department_ids))
    ids = {u.id for u in mentioned if u.id is not None and u.id in audience and u.id not in (already or set())}
    notifications_service.notify(
        session=session,
        recipient_ids=ids,
        kind="mention",
        actor=actor,
        url=post_url(post.id),
        message="{actor} mentioned you in a post",
    )
    return ids


def pending_uploads(*, session: Session, owner: User, upload_ids: list[int]) -> list[Upload]:
    """The owner's files among `upload_ids` not yet attached to anything, in upload order (a held-back form keeps
    them, and their names are screened with the text)."""
    if not upload_ids:
        return []
    query = (
        select(Upload)
        .where(col(Upload.id).in_(upload_ids), Upload.owner_id == owner.id, col(Upload.target_key).is_(None))
        .order_by(col(Upload.id))
    )
    return list(session.exec(query).all())


def _post_texts(*, session: Session, author: User, body: str, data: PostCreate) -> dict[str, str]:
    """Everything a new post publishes as text, by field: its body, its event's words, its files' names."""
    texts = {"body": body}
    if data.event is not None:
        texts |= {"title": data.event.title, "place": data.event.place, "link": data.event.link}
    for upload in pending_uploads(session=session, owner=author, upload_ids=data.upload_ids):
        texts[f"file:{upload.id}"] = upload.filename
    return texts


@all_or_nothing
def create_post(*, session: Session, author: User, data: PostCreate) -> Post:
    """Publish a post (with its event, tags, departments and attachments), notify, and queue it for search; text
    that looks like patient data is held back unless the author says why it may be published."""
    body = text.clean_body(data.body)
    departments = _check_departments(session=session, department_ids=data.department_ids)
    access.check_audience(session=session, user=author, department_ids=departments)
    tags = text.collect_tags(body, data.tags)
    if data.must_read and not (access.can_require_reading(author) and data.kind == PostKind.announcement):
        raise PermissionDenied("Only managers can make an announcement that must be read.")
    if (data.kind == PostKind.event) != (data.event is not None):
        raise InvalidInput("An event post needs the event details, and only an event post can have them.")
    screening = guard.screen(
        session=session,
        texts=_post_texts(session=session, author=author, body=body, data=data),
        override_reason=data.override_reason,
    )
    mentioned = text.mentioned_users(session=session, body=body)
    assert author.id is not None  # read from the database
    post = Post(
        author_id=author.id,
        kind=data.kind,
        body=body,
        must_read=data.must_read,
        html=text.render(body, [u.handle for u in mentioned]),
    )
    session.add(post)
    session.flush()
    assert post.id is not None  # the flush gave it its id
    for department_id in departments:
        session.add(PostDepartment(post_id=post.id, department_id=department_id))
    _set_tags(session=session, post=post, tags=tags)
    uploads_service.attach_uploads(
        session=session, owner=author, upload_ids=data.upload_ids, target_key=f"post:{post.id}"
    )
    if data.event is not None:
        events.create_event(session=session, post=post, author=author, data=data.event)
    screening.record(session=session, actor=author, target_type="post", target_id=post.id)
    _notify_mentions(session=session, actor=author, post=post, body=body, department_ids=departments)
    if post.must_read:
        # The author has read what they announce: neither the report nor their own feed asks them to confirm it.
        session.add(PostRead(post_id=post.id, user_id=author.id))
        notifications_service.notify(
            session=session,
            recipient_ids=access.audience_user_ids(session=session, department_ids=departments),
            kind="must_read",
            actor=author,
            url=post_url(post.id),
            message="New announcement that must be read",
        )
    enqueue(session, f"post:{post.id}")
    session.commit()
    session.refresh(post)
    return post


@all_or_nothing
def update_post(*, session: Session, user: User, post: Post, data: PostUpdate) -> Post:
    """Edit one's post: the earlier text is kept as a revision (for admins only when it looked like patient data)
    and the post shows "edited"; a new text that looks like patient data is held back unless the editor says why."""
    access.check_edit(user, post)
    body = text.clean_body(data.body) if data.body is not None else post.body
    tags = text.collect_tags(body, data.tags if data.tags is not None else _extra_tags(session=session, post=post))
    now = utcnow()
    assert post.id is not None and user.id is not None  # both read from the database
    if body != post.body:
        screening = guard.screen(session=session, texts={"body": body}, override_reason=data.override_reason)
        session.add(
            PostRevision(
                post_id=post.id,
                body=post.body,
                written_at=post.edited_at or post.created_at,
                replaced_at=now,
                editor_id=user.id,
                patient_data=bool(guard.find(session=session, texts={"body": post.body})),
            )
        )
        screening.record(session=session, actor=user, target_type="post", target_id=post.id)
        departments = access.department_ids_of_post(session=session, post_id=post.id)
        before = {u.id for u in text.mentioned_users(session=session, body=post.body)}
        _notify_mentions(
            session=session,
            actor=user,
            post=post,
            body=body,
            department_ids=departments,
            already={i for i in before if i is not None},
        )
        mentioned = text.mentioned_users(session=session, body=body)
        post.body, post.html, post.edited_at = body, text.render(body, [u.handle for u in mentioned]), now
    _set_tags(session=session, post=post, tags=tags)
    session.add(post)
    enqueue(session, f"post:{post.id}")
    session.commit()
    session.refresh(post)
    return post


def delete_post(*, session: Session, user: User, post: Post) -> None:
    """Soft-delete a post (its author or a manager); it disappears from the feed and search."""
    access.check_delete(user, post)
    assert post.id is not None  # read from the database
    post.deleted_at, post.deleted_by_id = utcnow(), user.id
    session.add(post)
    if user.id != post.author_id:
        audit.record(session=session, action="post.deleted", actor=user, target_type="post", target_id=post.id)
    enqueue(session, f"post:{post.id}", "delete")
    events.enqueue_for_post(session=session, post_id=post.id)
    session.commit()


UNDO_MINUTES = 10  # how long the person who deleted a post can take it back


def recently_deleted(*, session: Session, user: User) -> list[Post]:
    """The posts this person deleted in the last minutes, newest first: the feed offers to restore them."""
    since = utcnow() - timedelta(minutes=UNDO_MINUTES)
    query = (
        select(Post)
        .where(Post.deleted_by_id == user.id, col(Post.deleted_at) > since)
        .order_by(col(Post.deleted_at).desc())
        .limit(3)
    )
    return list(session.exec(query).all())


def restore_post(*, session: Session, user: User, post_id: int) -> Post:
    """Take back one's deletion of a post within `UNDO_MINUTES`; it returns to the feed and to search."""
    post = session.get(Post, post_id)
    if post is None or post.deleted_at is None or post.deleted_by_id != user.id:
        raise NotFound("This post does not exist, or you cannot see it.")
    if post.deleted_at < utcnow() - timedelta(minutes=UNDO_MINUTES):
        raise Conflict(
            "It is too late to restore this post: more than {minutes} minutes have passed.", minutes=UNDO_MINUTES
        )
    assert post.id is not None  # read from the database
    post.deleted_at = post.deleted_by_id = None
    session.add(post)
    enqueue(session, f"post:{post.id}")
    events.enqueue_for_post(session=session, post_id=post.id)
    session.commit()
    session.refresh(post)
    return post


def end_of_day(day: str, timezone: str) -> datetime:
    """The last minute of a date typed in a form (YYYY-MM-DD), in the person's time zone."""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise InvalidInput("Enter the date as YYYY-MM-DD.") from None
    return datetime.combine(parsed, time(23, 59), tzinfo=zone(timezone))


def pin_post(*, session: Session, user: User, post: Post, pinned_until: datetime | None) -> Post:
    """Pin a post at the top of the feed, until `pinned_until` when given (managers)."""
    if not access.can_pin(user):
        raise PermissionDenied("Only managers can pin posts.")
    if pinned_until is not None and (pinned_until.tzinfo is None or pinned_until <= utcnow()):
        raise InvalidInput("The pin must end in the future.")
    post.pinned_at, post.pinned_until = utcnow(), pinned_until
    session.add(post)
    audit.record(session=session, action="post.pinned", actor=user, target_type="post", target_id=post.id)
    session.commit()
    session.refresh(post)
    return post


def unpin_post(*, session: Session, user: User, post: Post) -> Post:
    """Take a post off the top of the feed (managers)."""
    if not access.can_pin(user):
        raise PermissionDenied("Only managers can pin posts.")
    post.pinned_at = post.pinned_until = None
    session.add(post)
    session.commit()
    session.refresh(post)
    return post


def mark_read(*, session: Session, user: User, post: Post) -> None:
    """ "I have read it" on a must-read announcement; pressing twice changes nothing."""
    if not post.must_read:
        raise InvalidInput("This post does not need to be marked as read.")
    assert post.id is not None and user.id is not None  # both read from the database
    if session.get(PostRead, (post.id, user.id)) is None:
        session.add(PostRead(post_id=post.id, user_id=user.id))
        session.commit()


def list_revisions(*, session: Session, user: User, post: Post) -> list[PostRevision]:
    """Earlier versions of a post, newest first; a version that looked like patient data only for admins."""
    query = select(PostRevision).where(PostRevision.post_id == post.id).order_by(col(PostRevision.id).desc())
    if not user.is_admin:
        query = query.where(col(PostRevision.patient_data).is_(False))
    return list(session.exec(query).all())
