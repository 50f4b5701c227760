"""Sending the queued mails through the institution's SMTP server: each mail claimed by one process at a time, sent
with a Message-ID of its own (a resend after a crash is recognisably the same mail), retried with growing pauses
while the server is down or refuses, and given up only after `GIVE_UP_AFTER`."""

import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from urllib.parse import urlsplit

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from app.config import Settings, get_settings
from app.models.notifications import OutgoingMail

logger = logging.getLogger(__name__)

BATCH = 100
CLAIM_FOR = timedelta(minutes=5)  # a process that died while sending frees its mails after this
GIVE_UP_AFTER = timedelta(days=3)
MAX_PAUSE = timedelta(hours=1)


def retry_pause(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_PAUSE)


def build_message(mail: OutgoingMail, settings: Settings) -> Message:
    """The mail as it goes out: plain text with an HTML alternative. Headers go through `email.header.Header`: the
    newer `EmailMessage` drops the space where it folds a long Cyrillic subject («згадуєвас»)."""
    message = MIMEMultipart("alternative")
    message["From"] = formataddr(parseaddr(settings.mail_from), charset="utf-8")
    message["To"] = mail.to_address
    message["Subject"] = Header(mail.subject, "utf-8")  # type: ignore[assignment]  # compat32 takes a Header
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = f"<kolo-mail-{mail.id}@{urlsplit(settings.base_url).hostname}>"
    message["Auto-Submitted"] = "auto-generated"
    message.attach(MIMEText(mail.text_body, "plain", "utf-8"))
    message.attach(MIMEText(mail.html_body, "html", "utf-8"))
    return message


@contextmanager
def smtp_connection(settings: Settings) -> Iterator[smtplib.SMTP]:
    """A connection to the configured server: TLS from the start or after STARTTLS (certificates checked against the
    system's authorities, or `smtp_ca_file`), logged in when a user is set."""
    context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    try:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _claim(session: Session, now: datetime) -> list[OutgoingMail]:
    due = session.exec(
        select(OutgoingMail.id)
        .where(
            col(OutgoingMail.sent_at).is_(None),
            col(OutgoingMail.failed_at).is_(None),
            col(OutgoingMail.next_attempt_at) <= now,
            or_(col(OutgoingMail.locked_until).is_(None), col(OutgoingMail.locked_until) < now),
        )
        .order_by(col(OutgoingMail.next_attempt_at))
        .limit(BATCH)
    ).all()
    claimed = []
    for mail_id in due:
        result = session.exec(
            update(OutgoingMail)
            .where(
                col(OutgoingMail.id) == mail_id,
                col(OutgoingMail.sent_at).is_(None),
                or_(col(OutgoingMail.locked_until).is_(None), col(OutgoingMail.locked_until) < now),
            )
            .values(locked_until=now + CLAIM_FOR)
        )
        if result.rowcount == 1:
            claimed.append(mail_id)
    session.commit()
    return list(
        session.exec(select(OutgoingMail).where(col(OutgoingMail.id).in_(claimed)).order_by(col(OutgoingMail.id)))
    )


def _failed(session: Session, mail: OutgoingMail, error: Exception, now: datetime) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:500]
    mail.locked_until = None
    if now - mail.created_at >= GIVE_UP_AFTER:
        mail.failed_at = now
        logger.error("mail %s to %s given up after %d attempts: %s", mail.id, mail.to_address, mail.attempts, error)
    else:
        mail.next_attempt_at = now + retry_pause(mail.attempts)
        logger.warning("mail %s to %s not sent (attempt %d): %s", mail.id, mail.to_address, mail.attempts, error)
    session.add(mail)
    session.commit()


def send_due(*, session: Session, settings: Settings, now: datetime) -> int:
    """Send the mails whose time has come through one connection; returns how many the server took."""
    if not settings.mail_enabled:
        return 0
    mails = _claim(session, now)
    if not mails:
        return 0
    sent = 0
    try:
        with smtp_connection(settings) as smtp:
            for mail in mails:
                try:
                    smtp.send_message(build_message(mail, settings))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                    _failed(session, mail, exc, now)  # this mail only: the connection still serves the next
                    continue
                mail.sent_at, mail.locked_until = now, None
                session.add(mail)
                session.commit()
                sent += 1
    except (smtplib.SMTPException, OSError) as exc:  # the server is away or broke off: the rest wait their turn
        for mail in mails:
            if mail.sent_at is None and mail.locked_until is not None:
                _failed(session, mail, exc, now)
    return sent


def send_job(*, session: Session, now: datetime) -> None:
    """The scheduler's turn: send what is due."""
    send_due(session=session, settings=get_settings(), now=now)
