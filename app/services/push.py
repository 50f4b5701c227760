"""Web Push: notifications on the phones and desktops where a person allowed them, through their browser's push
service. The server signs with its VAPID key (generated into the data folder on first use) and encrypts each
payload for the one subscription (pywebpush); a subscription the service says is gone is forgotten."""

import base64
import json
import logging
import threading
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app import i18n
from app.config import Settings, get_settings
from app.errors import InvalidInput
from app.models.notifications import Notification, PushSubscription
from app.models.users import User, UserSession
from app.services import notifications as notifications_service

logger = logging.getLogger(__name__)

BATCH = 200
STALE_AFTER = timedelta(hours=1)  # a notification not pushed within the hour is left to the bell
TTL_SECONDS = 12 * 3600  # how long a push service keeps it for a device that is off
GONE = (404, 410)
_key_lock = threading.Lock()


def vapid_key(settings: Settings) -> Vapid02:
    """The server's signing key, made and kept (readable by Kolo only) the first time it is needed."""
    path = settings.vapid_key_path
    with _key_lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            key = Vapid02()
            key.generate_keys()
            key.save_key(str(path))
            path.chmod(0o600)
    return Vapid02.from_file(str(path))


def public_key(settings: Settings) -> str:
    """The key browsers subscribe with (`applicationServerKey`): the uncompressed point, base64url."""
    raw = vapid_key(settings).public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _check_endpoint(settings: Settings, endpoint: str) -> None:
    parts = urlsplit(endpoint)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in settings.push_http_hosts)
    if not secure or not parts.hostname or len(endpoint) > 2000:
        raise InvalidInput("This is not a push service's address.")


def subscribe(
    *,
    session: Session,
    settings: Settings,
    user: User,
    session_id: int | None,
    endpoint: str,
    p256dh: str,
    auth: str,
) -> None:
    """Keep the browser's subscription for the user and the session signed in on it (a browser that subscribed for
    someone else now serves this user: one device, the person signed in on it)."""
    _check_endpoint(settings, endpoint)
    assert user.id is not None
    row = session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
    row = row or PushSubscription(user_id=user.id, endpoint=endpoint, p256dh=p256dh, auth=auth)
    row.user_id, row.session_id, row.p256dh, row.auth = user.id, session_id, p256dh, auth
    session.add(row)
    session.commit()


def unsubscribe(*, session: Session, user: User, endpoint: str) -> None:
    """Forget one of the user's subscriptions (signing out on a device, or the person turned it off)."""
    row = session.exec(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id)
    ).first()
    if row is not None:
        session.delete(row)
        session.commit()


def device_count(*, session: Session, user: User) -> int:
    """On how many of the user's devices push is on."""
    query = select(func.count()).select_from(PushSubscription).where(PushSubscription.user_id == user.id)
    return int(session.exec(query).one())


def _payload(row: Notification, user: User, settings: Settings, actor_name: str | None) -> str:
    language = str(user.language or settings.default_language)
    item = notifications_service.to_public(row, language=language, actor_name=actor_name)
    return json.dumps(
        {
            "title": i18n.gettext(language, "Kolo"),
            "body": item.text,
            "url": row.url,
            "tag": f"notification-{row.id}",
        },
        ensure_ascii=False,
    )


def _signed_in_devices(session: Session, user_ids: set[int]) -> dict[int, list[PushSubscription]]:
    """Each person's subscriptions whose browser is still signed in (the others are forgotten)."""
    devices: dict[int, list[PushSubscription]] = {}
    if not user_ids:
        return devices
    query = (
        select(PushSubscription, UserSession.revoked_at)
        .outerjoin(UserSession, col(UserSession.id) == PushSubscription.session_id)
        .where(col(PushSubscription.user_id).in_(user_ids))
    )
    for sub, signed_out in session.exec(query):
        if signed_out is not None:
            session.delete(sub)
        else:
            devices.setdefault(sub.user_id, []).append(sub)
    return devices


def send_due(*, session: Session, settings: Settings, now: datetime) -> int:
    """Push what waits to every device of its recipient; returns how many pushes the services took."""
    if not settings.push_enabled:
        return 0
    session.exec(
        update(Notification)
        .where(col(Notification.push_pending), col(Notification.updated_at) < now - STALE_AFTER)
        .values(push_pending=False)
    )
    rows = session.exec(
        select(Notification).where(col(Notification.push_pending)).order_by(col(Notification.id)).limit(BATCH)
    ).all()
    recipients = {r.recipient_id for r in rows}
    devices = _signed_in_devices(session, recipients)
    people = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(recipients)))} if recipients else {}
    names = notifications_service.actor_names(session=session, rows=rows)
    key = vapid_key(settings) if rows else None
    sent = 0
    for row in rows:
        row.push_pending = False
        session.add(row)
        user = people.get(row.recipient_id)
        mine = devices.get(row.recipient_id, [])
        if user is None or not user.is_active or not mine:
            continue
        payload = _payload(row, user, settings, names.get(row.actor_id or 0))
        for sub in mine:
            try:
                webpush(
                    {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
                    data=payload,
                    vapid_private_key=key,
                    vapid_claims={"sub": settings.push_contact},
                    ttl=TTL_SECONDS,
                    timeout=10,
                )
            except WebPushException as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status in GONE:
                    session.delete(sub)
                logger.warning("push to %s refused (%s): %s", urlsplit(sub.endpoint).hostname, status, exc)
                continue
            except OSError as exc:  # the push service is out of reach: the bell still has it
                logger.warning("push to %s failed: %s", urlsplit(sub.endpoint).hostname, exc)
                continue
            sub.last_sent_at = now
            session.add(sub)
            sent += 1
    session.commit()
    return sent


def send_job(*, session: Session, now: datetime) -> None:
    """The scheduler's turn: push what waits."""
    send_due(session=session, settings=get_settings(), now=now)
