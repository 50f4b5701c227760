"""Signing in and out: sessions, API tokens, login throttling."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import TooManyRequests, Unauthorized
from app.models.audit import AuditEvent
from app.models.types import utcnow
from app.models.users import ApiToken, User, UserSession
from app.security import new_token, token_hash, verify_password
from app.services import audit
from app.services.users import normalize_email

SESSION_COOKIE = "kolo_session"
# last_seen_at is written at most this often, so reading pages does not write on every request.
LAST_SEEN_GRANULARITY = timedelta(minutes=1)


@dataclass
class Auth:
    """Who is calling and how: a browser session (cookie) or a personal token."""

    user: User
    user_session: UserSession | None = None
    raw_session: str | None = None

    @property
    def via_cookie(self) -> bool:
        """Cookie-authenticated requests need a CSRF token for writes."""
        return self.user_session is not None


def check_throttle(*, session: Session, email: str, ip: str, limit: int) -> None:
    """Refuse a login attempt once an account or an address failed `limit` times within a minute."""
    since = utcnow() - timedelta(minutes=1)
    clauses = [AuditEvent.subject == email] + ([AuditEvent.ip == ip] if ip else [])
    failures = session.exec(
        select(func.count()).select_from(AuditEvent)
        .where(AuditEvent.action == "login.failed", AuditEvent.created_at >= since, or_(*clauses))
    ).one()
    if failures >= limit:
        raise TooManyRequests("Too many failed sign-in attempts. Please wait a minute and try again.")


def login(*, session: Session, settings: Settings, email: str, password: str, ip: str = "",
          user_agent: str = "") -> tuple[User, str]:
    """Check the password and open a new session; return the user and the raw cookie value."""
    email = normalize_email(email)
    check_throttle(session=session, email=email, ip=ip, limit=settings.login_failures_per_minute)
    user = session.exec(select(User).where(User.email == email)).first()
    if not verify_password(password, user.password_hash if user else None) or user is None or not user.is_active:
        audit.record(session=session, action="login.failed", actor=user, subject=email, ip=ip)
        session.commit()
        raise Unauthorized("Wrong e-mail or password.")
    raw = new_token()  # a fresh id at every login: a session fixed before login is never reused
    session.add(UserSession(token_hash=token_hash(raw), user_id=user.id, ip=ip,  # type: ignore[arg-type]
                            user_agent=user_agent[:300]))
    audit.record(session=session, action="login.succeeded", actor=user, subject=email, ip=ip)
    session.commit()
    session.refresh(user)
    return user, raw


def logout(*, session: Session, auth: Auth, ip: str = "") -> None:
    """End the current browser session."""
    if auth.user_session is not None:
        auth.user_session.revoked_at = utcnow()
        session.add(auth.user_session)
    audit.record(session=session, action="logout", actor=auth.user, subject=auth.user.email, ip=ip)
    session.commit()


def authenticate_cookie(*, session: Session, settings: Settings, raw: str) -> Auth | None:
    """The live session for a cookie value: not revoked, not idle too long, not too old, user active."""
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_hash(raw))).first()
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if (now - row.last_seen_at > timedelta(hours=settings.session_idle_hours)
            or now - row.created_at > timedelta(days=settings.session_absolute_days)):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if now - row.last_seen_at > LAST_SEEN_GRANULARITY:
        row.last_seen_at = now
        session.add(row)
        session.commit()
        session.refresh(user)
    return Auth(user=user, user_session=row, raw_session=raw)


def authenticate_token(*, session: Session, raw: str) -> Auth | None:
    """The user of a personal API token that is not revoked."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(raw))).first()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_SEEN_GRANULARITY:
        row.last_used_at = now
        session.add(row)
        session.commit()
        session.refresh(user)
    return Auth(user=user)


def list_sessions(*, session: Session, user: User) -> Sequence[UserSession]:
    """The user's open sessions, most recently used first."""
    return session.exec(select(UserSession).where(UserSession.user_id == user.id,
                                                  col(UserSession.revoked_at).is_(None))
                        .order_by(col(UserSession.last_seen_at).desc())).all()


def revoke_session(*, session: Session, user: User, session_id: int, ip: str = "") -> None:
    """End one of the user's own sessions."""
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    session.add(row)
    audit.record(session=session, action="session.revoked", actor=user, subject=user.email,
                 target_type="user_session", target_id=row.id, ip=ip)
    session.commit()
