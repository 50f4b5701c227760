"""The audit log: append-only records of who did what."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.models.audit import AuditEvent
from app.models.users import User

PAGE_SIZE = 50


def record(
    *,
    session: Session,
    action: str,
    actor: User | None = None,
    subject: str = "",
    target_type: str = "",
    target_id: int | None = None,
    ip: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit writes it with the change it describes."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        subject=subject,
        target_type=target_type,
        target_id=target_id,
        ip=ip,
        detail=detail or {},
    )
    session.add(event)
    return event


def list_events(
    *,
    session: Session,
    action: str | None = None,
    actor_id: int | None = None,
    subject: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> Sequence[AuditEvent]:
    """Audit events, newest first, filtered; keyset-paginated by id."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if action:
        query = query.where(col(AuditEvent.action).startswith(action))
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if subject:
        query = query.where(col(AuditEvent.subject).contains(subject.strip().lower()))
    if since:
        query = query.where(AuditEvent.created_at >= since)
    if until:
        query = query.where(AuditEvent.created_at < until)
    if before_id:
        query = query.where(col(AuditEvent.id) < before_id)
    return session.exec(query).all()


def action_names(*, session: Session) -> list[str]:
    """Every action that occurs in the log, for the filter."""
    return sorted(session.exec(select(AuditEvent.action).distinct()).all())
