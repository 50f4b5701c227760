"""Notifications: add them (batched where asked), list them, count the unread, mark them read."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import Session, col, func, select, update

from app import i18n
from app.errors import NotFound
from app.models.notifications import Notification, NotificationPublic
from app.models.types import utcnow
from app.models.users import User
from app.pagination import clamp_limit, decode_cursor, encode_cursor
from app.services import notification_channels as channels


def notify(
    *,
    session: Session,
    recipient_ids: Iterable[int],
    kind: str,
    actor: User | None,
    url: str,
    message: str,
    params: dict[str, Any] | None = None,
    batch_key: str | None = None,
) -> None:
    """Add a notification for each recipient except the actor; never commits.

    `message` is an English msgid translated when shown; `{actor}` and `{count}` are filled in then.
    With a `batch_key`, a recipient's unread notification with the same key counts up instead of a new row. Whoever
    asked for this kind by e-mail (at once or in a digest) or on their devices gets it marked so; `app.services.mail`
    and `app.services.push` send it."""
    actor_id = actor.id if actor else None
    recipients = sorted({r for r in recipient_ids if r != actor_id})
    if not recipients:
        return
    existing: dict[int, Notification] = {}
    if batch_key:
        rows = session.exec(
            select(Notification).where(
                Notification.batch_key == batch_key,
                col(Notification.read_at).is_(None),
                col(Notification.recipient_id).in_(recipients),
            )
        )
        existing = {row.recipient_id: row for row in rows}
    delivery = channels.deliveries(session=session, recipient_ids=recipients, kind=kind)
    now = utcnow()
    for recipient_id in recipients:
        if row := existing.get(recipient_id):
            row.count += 1
            row.actor_id, row.updated_at = actor_id, now
            row.delivery, row.mailed_at = delivery[recipient_id].mail, None  # the next mail tells of this one too
            row.push_pending = delivery[recipient_id].push
            session.add(row)
            continue
        session.add(
            Notification(
                recipient_id=recipient_id,
                actor_id=actor_id,
                kind=kind,
                url=url,
                message=message,
                params=params or {},
                batch_key=batch_key,
                delivery=delivery[recipient_id].mail,
                push_pending=delivery[recipient_id].push,
                created_at=now,
                updated_at=now,
            )
        )


def list_notifications(
    *, session: Session, user: User, cursor: str | None = None, limit: int = 30, unread_only: bool = False
) -> tuple[Sequence[Notification], str | None]:
    """The user's notifications, newest first, keyset-paginated by id; returns (rows, next_cursor)."""
    limit = clamp_limit(limit)
    query = select(Notification).where(Notification.recipient_id == user.id)
    if position := decode_cursor(cursor, int):
        query = query.where(col(Notification.id) < position[0])
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    rows = session.exec(query.order_by(col(Notification.id).desc()).limit(limit + 1)).all()
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


def unread_count(*, session: Session, user: User) -> int:
    """How many notifications the user has not read yet."""
    query = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.recipient_id == user.id, col(Notification.read_at).is_(None))
    )
    return int(session.exec(query).one())


def get_notification_or_raise(*, session: Session, user: User, notification_id: int) -> Notification:
    """One of the user's own notifications, or 404."""
    row = session.get(Notification, notification_id)
    if row is None or row.recipient_id != user.id:
        raise NotFound("This notification does not exist.")
    return row


def mark_read(*, session: Session, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read."""
    row = get_notification_or_raise(session=session, user=user, notification_id=notification_id)
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        session.commit()
        session.refresh(row)
    return row


def mark_all_read(*, session: Session, user: User) -> int:
    """Mark every unread notification of the user read; returns how many were."""
    result = session.exec(
        update(Notification)
        .where(col(Notification.recipient_id) == user.id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    session.commit()
    return int(result.rowcount or 0)


def actor_names(*, session: Session, rows: Iterable[Notification]) -> dict[int, str]:
    """Names of the actors of these notifications, in one query."""
    ids = {row.actor_id for row in rows if row.actor_id is not None}
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {u.id: u.name for u in users if u.id is not None}


def to_public(row: Notification, *, language: str, actor_name: str | None) -> NotificationPublic:
    """A notification ready to show, its text in the reader's language."""
    params = {**row.params, "actor": actor_name or i18n.gettext(language, "Kolo"), "count": row.count}
    assert row.id is not None
    return NotificationPublic(
        id=row.id,
        kind=row.kind,
        url=row.url,
        actor_id=row.actor_id,
        actor_name=actor_name,
        count=row.count,
        created_at=row.created_at,
        updated_at=row.updated_at,
        read=row.read_at is not None,
        text=i18n.gettext(language, row.message, **params),
    )
