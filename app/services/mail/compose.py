"""Mails composed from notifications: one at once for what a person asked to hear of by e-mail, one digest a day at
their hour for the rest. Each mail is written into the queue (`OutgoingMail`) in the same transaction that marks its
notifications mailed, under a key of what it tells of: a job run twice, or on two nodes, queues it once."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app import i18n
from app.config import Settings, get_settings
from app.models.notifications import Notification, NotificationPublic, NotificationSetting, OutgoingMail
from app.models.users import User
from app.services import notification_channels as channels
from app.services import notifications as notifications_service

TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "mail"
STALE_AFTER = timedelta(days=2)  # older news (e.g. from before the mail server was set up) is not mailed
BATCH = 500
SETTINGS_PATH = "/account/notifications"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


def _render(name: str, language: str, **values: object) -> str:
    return _env.get_template(name).render(
        language=language,
        _=partial(i18n.gettext, language),
        ngettext=partial(i18n.ngettext, language),
        **values,
    )


def _language(user: User, settings: Settings) -> str:
    return str(user.language or settings.default_language)


def _queue(
    session: Session,
    *,
    key: str,
    user: User,
    subject: str,
    template: str,
    language: str,
    values: dict[str, object],
    now: datetime,
) -> None:
    """Write the mail (`template`.txt and .html rendered with `values`) into the queue, unless its key is there."""
    assert user.id is not None
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    row = OutgoingMail(
        key=key,
        recipient_id=user.id,
        to_address=user.email,
        subject=subject[:300],
        text_body=_render(f"{template}.txt", language, user=user, **values),
        html_body=_render(f"{template}.html", language, user=user, **values),
        created_at=now,
        next_attempt_at=now,
    )
    session.execute(insert(OutgoingMail).values(row.model_dump(exclude={"id"})).on_conflict_do_nothing())


def _items(
    rows: Sequence[Notification], names: dict[int, str], language: str, base_url: str
) -> list[tuple[NotificationPublic, str]]:
    return [
        (
            notifications_service.to_public(row, language=language, actor_name=names.get(row.actor_id or 0)),
            base_url + row.url,
        )
        for row in rows
    ]


def _people(session: Session, ids: set[int]) -> dict[int, User]:
    users = session.exec(select(User).where(col(User.id).in_(ids))).all() if ids else []
    return {u.id: u for u in users if u.id is not None and u.is_active}


def _waiting(delivery: str) -> SelectOfScalar[Notification]:
    return select(Notification).where(Notification.delivery == delivery, col(Notification.mailed_at).is_(None))


def _skip_stale(session: Session, now: datetime) -> None:
    session.exec(
        update(Notification)
        .where(
            col(Notification.delivery).is_not(None),
            col(Notification.mailed_at).is_(None),
            col(Notification.updated_at) < now - STALE_AFTER,
        )
        .values(mailed_at=now)
    )


def compose_immediate(*, session: Session, settings: Settings, now: datetime) -> int:
    """Queue a mail for each notification asked for "at once" and not mailed yet; returns how many."""
    _skip_stale(session, now)
    rows = session.exec(_waiting("email").order_by(col(Notification.id)).limit(BATCH)).all()
    people = _people(session, {r.recipient_id for r in rows})
    names = notifications_service.actor_names(session=session, rows=rows)  # every actor named, in one query
    queued = 0
    for row in rows:
        row.mailed_at = now
        session.add(row)
        user = people.get(row.recipient_id)
        if user is None:
            continue
        language = _language(user, settings)
        [(item, link)] = _items([row], names, language, settings.base_url)
        _queue(
            session,
            key=f"notification:{row.id}:{row.count}",
            user=user,
            subject=item.text,
            template="notification",
            language=language,
            values={"item": item, "link": link, "settings_link": settings.base_url + SETTINGS_PATH},
            now=now,
        )
        queued += 1
    session.commit()
    return queued


def compose_digests(*, session: Session, settings: Settings, now: datetime) -> int:
    """Queue the day's digest of each person whose digest hour has come today and who has news; returns how many."""
    _skip_stale(session, now)
    waiting = session.exec(_waiting("digest").order_by(col(Notification.id))).all()
    by_person: dict[int, list[Notification]] = {}
    for row in waiting:
        by_person.setdefault(row.recipient_id, []).append(row)
    people = _people(session, set(by_person))
    names = notifications_service.actor_names(session=session, rows=waiting)
    stored = session.exec(select(NotificationSetting).where(col(NotificationSetting.user_id).in_(by_person))).all()
    setting_of = {s.user_id: s for s in stored}
    queued = 0
    for user_id, rows in by_person.items():
        user = people.get(user_id)
        setting = setting_of.get(user_id) or NotificationSetting(user_id=user_id)
        local = now.astimezone(i18n.zone(user.timezone if user else None))
        if user is not None and (
            local.hour < channels.choices_of(setting).digest_hour or setting.last_digest_on == local.date()
        ):
            continue
        for row in rows:
            row.mailed_at = now
            session.add(row)
        setting.last_digest_on = local.date()
        session.add(setting)
        if user is None:
            continue
        language = _language(user, settings)
        _queue(
            session,
            key=f"digest:{user_id}:{local.date().isoformat()}",
            user=user,
            subject=i18n.ngettext(language, "Kolo: {n} new notification", "Kolo: {n} new notifications", len(rows)),
            template="digest",
            language=language,
            values={
                "items": _items(rows, names, language, settings.base_url),
                "day": i18n.format_day(local.date(), language),
                "settings_link": settings.base_url + SETTINGS_PATH,
                "home_link": settings.base_url + "/",
            },
            now=now,
        )
        queued += 1
    session.commit()
    return queued


def compose_job(*, session: Session, now: datetime) -> None:
    """The scheduler's turn: the mails at once, then the digests whose hour has come (nothing while mail is off)."""
    settings = get_settings()
    if settings.mail_enabled:
        compose_immediate(session=session, settings=settings, now=now)
        compose_digests(session=session, settings=settings, now=now)
