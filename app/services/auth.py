"""Signing in and out: sessions, API tokens, login throttling."""

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, delete, select

from app.config import Settings
from app.errors import InvalidInput, NotFound, PermissionDenied, TooManyRequests, Unauthorized
from app.models.audit import AuditEvent
from app.models.types import utcnow
from app.models.users import ApiToken, LoginThrottle, User, UserSession
from app.security import check_new_password, hash_password, new_token, token_hash, verify_password
from app.services import audit
from app.services import users as users_service

SESSION_COOKIE = "kolo_session"
# last_seen_at is written at most this often, so reading pages does not write on every request.
LAST_SEEN_GRANULARITY = timedelta(minutes=1)
TOKEN_NEW_ADDRESS = "token.new_address"
SEEN_ADDRESSES_KEPT = 10_000


class SeenAddresses:
    """(token, address) pairs this process knows to be in the audit log already, least recently used forgotten
    first: a known pair needs no query on every API request, and the log stays the truth across restarts.

    A pair is keyed by the token's hash, not its id: ids come back after a rollback or an erasure on SQLite, and
    in every test's fresh database, while a hash names one token."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._pairs: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()  # requests run in the thread pool

    def __contains__(self, pair: tuple[str, str]) -> bool:
        with self._lock:
            if pair not in self._pairs:
                return False
            self._pairs.move_to_end(pair)
            return True

    def add(self, pair: tuple[str, str]) -> None:
        """Remember a pair once it is committed to the audit log."""
        with self._lock:
            self._pairs[pair] = None
            self._pairs.move_to_end(pair)
            if len(self._pairs) > self._size:
                self._pairs.popitem(last=False)


seen_addresses = SeenAddresses(SEEN_ADDRESSES_KEPT)


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


@dataclass
class Attempt:
    """A password attempt counted in this minute's buckets, before the password is checked."""

    minute: int
    buckets: list[tuple[str, str]] = field(default_factory=list)


def current_minute() -> int:
    """The throttling window now: whole minutes since the epoch."""
    return int(utcnow().timestamp()) // 60


def _bump(*, session: Session, kind: str, key: str, minute: int, by: int = 1) -> int:
    """Add `by` to a bucket in one atomic statement; its new count (concurrent attempts never read the same one)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(LoginThrottle)
        .values(kind=kind, key=key, minute=minute, attempts=by)
        .on_conflict_do_update(
            index_elements=["kind", "key", "minute"], set_={"attempts": col(LoginThrottle.attempts) + by}
        )
        .returning(col(LoginThrottle.attempts))
    )
    return session.execute(statement).scalar_one()


def claim_attempt(*, session: Session, settings: Settings, email: str, ip: str) -> Attempt:
    """Count a password attempt before checking it: 429 over the account-and-address or the address limit;
    an account tried more often than that from anywhere only waits a little longer with every attempt."""
    minute = current_minute()
    session.exec(delete(LoginThrottle).where(col(LoginThrottle.minute) < minute))  # earlier minutes count no more
    attempt = Attempt(minute=minute)
    hard = [("pair", f"{email}|{ip}", settings.login_failures_per_minute)]
    hard += [("address", ip, settings.login_address_attempts_per_minute)] if ip else []
    for kind, key, limit in hard:
        attempt.buckets.append((kind, key))
        attempts = _bump(session=session, kind=kind, key=key, minute=minute)
        if attempts > limit:
            if attempts == limit + 1:  # the first refusal of the minute; the rest would only flood the log
                audit.record(session=session, action="login.throttled", subject=email, ip=ip, detail={"limit": kind})
            session.commit()
            raise TooManyRequests("Too many failed sign-in attempts. Please wait a minute and try again.")
    attempt.buckets.append(("account", email))
    excess = _bump(session=session, kind="account", key=email, minute=minute) - settings.login_failures_per_minute
    session.commit()  # before the slow password check, so other attempts see this one
    if excess > 0:
        time.sleep(min(settings.login_max_delay_seconds, 0.25 * 2 ** min(excess - 1, 8)))
    return attempt


def release_attempt(*, session: Session, attempt: Attempt) -> None:
    """A right password does not count against the limits: take the attempt back out of its buckets."""
    for kind, key in attempt.buckets:
        _bump(session=session, kind=kind, key=key, minute=attempt.minute, by=-1)
    session.commit()


def check_password(
    *, session: Session, settings: Settings, email: str, password: str, ip: str, failed_action: str = "login.failed"
) -> User | None:
    """The active user whose password this is, or None (audited as `failed_action`); counted before the check."""
    email = users_service.normalize_email(email)
    attempt = claim_attempt(session=session, settings=settings, email=email, ip=ip)
    user = session.exec(select(User).where(User.email == email)).first()
    if not verify_password(password, user.password_hash if user else None) or user is None or not user.is_active:
        audit.record(session=session, action=failed_action, actor=user, subject=email, ip=ip)
        session.commit()
        return None
    release_attempt(session=session, attempt=attempt)
    return user


def login(
    *, session: Session, settings: Settings, email: str, password: str, ip: str = "", user_agent: str = ""
) -> tuple[User, str]:
    """Check the password and open a new session; return the user and the raw cookie value."""
    if not password_allowed(settings, email):
        raise PermissionDenied("Your hospital signs you in through its identity provider: press «Sign in with …».")
    user = check_password(session=session, settings=settings, email=email, password=password, ip=ip)
    if user is None:
        raise Unauthorized("Wrong e-mail or password.")
    return user, open_session(session=session, user=user, ip=ip, user_agent=user_agent)


def password_allowed(settings: Settings, email: str) -> bool:
    """Whether a password may sign this address in: always, unless single sign-on is required and it is not one of
    the break-glass accounts."""
    if not (settings.sso_required and settings.sso_enabled):
        return True
    return users_service.normalize_email(email) in {users_service.normalize_email(e) for e in settings.sso_break_glass}


def open_session(*, session: Session, user: User, ip: str = "", user_agent: str = "") -> str:
    """A new signed-in session for the user; the raw cookie value."""
    raw = new_token()  # a fresh id at every login: a session fixed before login is never reused
    assert user.id is not None  # read from the database
    session.add(
        UserSession(
            token_hash=token_hash(raw),
            user_id=user.id,
            ip=ip,
            user_agent=user_agent[:300],
        )
    )
    audit.record(session=session, action="login.succeeded", actor=user, subject=user.email, ip=ip)
    session.commit()
    session.refresh(user)
    return raw


def change_password(
    *,
    session: Session,
    settings: Settings,
    user: User,
    current: str,
    new: str,
    keep_session_id: int | None,
    revoke_tokens: bool,
    ip: str = "",
) -> None:
    """Change one's password (the current one is throttled like a sign-in); other sessions end, tokens optionally."""
    if (
        check_password(
            session=session,
            settings=settings,
            email=user.email,
            password=current,
            ip=ip,
            failed_action="user.password_change_failed",
        )
        is None
    ):
        raise InvalidInput("The current password is wrong.")
    user.password_hash = hash_password(check_new_password(new, name=user.name, email=user.email))
    users_service.revoke_credentials(session=session, user=user, keep_session_id=keep_session_id, tokens=revoke_tokens)
    audit.record(
        session=session,
        action="user.password_changed",
        actor=user,
        subject=user.email,
        target_type="user",
        target_id=user.id,
        ip=ip,
        detail={"tokens_revoked": revoke_tokens},
    )
    session.add(user)
    session.commit()


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
    if now - row.last_seen_at > timedelta(hours=settings.session_idle_hours) or now - row.created_at > timedelta(
        days=settings.session_absolute_days
    ):
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


def authenticate_token(*, session: Session, raw: str, ip: str = "") -> Auth | None:
    """The user of a personal API token that is neither revoked nor expired; its first use from an address is
    audited."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(raw))).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    pair = (row.token_hash, ip)
    new_address = bool(ip) and pair not in seen_addresses and not _token_seen_from(session=session, token=row, ip=ip)
    if new_address:
        audit.record(
            session=session,
            action=TOKEN_NEW_ADDRESS,
            actor=user,
            subject=user.email,
            target_type="api_token",
            target_id=row.id,
            ip=ip,
        )
    if new_address or row.last_used_at is None or now - row.last_used_at > LAST_SEEN_GRANULARITY:
        row.last_used_at = now
        session.add(row)
        session.commit()
        session.refresh(user)
    if ip:
        seen_addresses.add(pair)  # only now: a new address's event is committed
    return Auth(user=user)


def _token_seen_from(*, session: Session, token: ApiToken, ip: str) -> bool:
    """Whether the token was used from this address before (its first use from each is in the audit log)."""
    seen = select(AuditEvent.id).where(
        AuditEvent.action == TOKEN_NEW_ADDRESS,
        AuditEvent.target_type == "api_token",
        AuditEvent.target_id == token.id,
        AuditEvent.ip == ip,
    )
    return session.exec(seen.limit(1)).first() is not None


def list_sessions(*, session: Session, user: User) -> Sequence[UserSession]:
    """The user's open sessions, most recently used first."""
    return session.exec(
        select(UserSession)
        .where(UserSession.user_id == user.id, col(UserSession.revoked_at).is_(None))
        .order_by(col(UserSession.last_seen_at).desc())
    ).all()


def revoke_session(*, session: Session, user: User, session_id: int, ip: str = "") -> None:
    """End one of the user's own open sessions; anyone else's is NotFound."""
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise NotFound("This session does not exist.")
    row.revoked_at = utcnow()
    session.add(row)
    audit.record(
        session=session,
        action="session.revoked",
        actor=user,
        subject=user.email,
        target_type="user_session",
        target_id=row.id,
        ip=ip,
    )
    session.commit()
