"""Notifications by e-mail, against a real SMTP server in-process: what comes at once and in the person's language,
the daily digest at the person's hour, no mail lost while the server is down and none sent twice."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.config import Settings
from app.models.notifications import OutgoingMail
from app.models.users import User
from app.services import notification_channels as channels
from app.services import notifications as notifications_service
from app.services.mail import compose, sending
from tests.notifications.mail_server import free_port, parts, smtp_server, with_mail


def _mention(session: Session, actor: User, recipient: User, post_id: int = 7) -> None:
    notifications_service.notify(
        session=session,
        recipient_ids=[recipient.id or 0],
        kind="mention",
        actor=actor,
        url=f"/posts/{post_id}",
        message="{actor} mentioned you in a post",
    )
    session.commit()


def _deliver(session: Session, settings: Settings, now: datetime) -> int:
    compose.compose_immediate(session=session, settings=settings, now=now)
    compose.compose_digests(session=session, settings=settings, now=now)
    return sending.send_due(session=session, settings=settings, now=now)


class TestAtOnce:
    def test_a_mention_through_the_api_is_mailed_in_ukrainian_with_both_links(
        self, session: Session, settings: Settings, staff, manager_client: TestClient
    ) -> None:  # type: ignore[no-untyped-def]
        post = manager_client.post(
            "/api/v1/posts", json={"body": f"@{staff.handle}, перевірте, будь ласка, графік чергувань."}
        )
        assert post.status_code == 201, post.text
        with smtp_server(settings) as (inbox, mail_settings):
            assert _deliver(session, mail_settings, datetime.now(UTC)) == 1
        [message] = inbox.messages
        assert message["To"] == staff.email and message["From"] == "Коло лікарні <kolo@testserver>"
        assert message["Subject"] == "Бондаренко Ігор згадує вас у дописі"
        text, html = parts(message)
        assert (
            f"http://testserver/posts/{post.json()['id']}" in text and "http://testserver/account/notifications" in text
        )
        assert f'href="http://testserver/posts/{post.json()["id"]}"' in html and "Відкрити в Колі" in html
        assert "Вітаємо, Шевченко Марія!" in text

    def test_english_for_who_chose_english(self, session: Session, settings: Settings, staff, manager) -> None:  # type: ignore[no-untyped-def]
        staff.language = "en"
        session.add(staff)
        _mention(session, manager, staff)
        with smtp_server(settings) as (inbox, mail_settings):
            _deliver(session, mail_settings, datetime.now(UTC))
        assert inbox.messages[0]["Subject"] == "Бондаренко Ігор mentioned you in a post"
        assert "Open in Kolo" in parts(inbox.messages[0])[0]

    def test_in_the_app_only_sends_nothing(self, session: Session, settings: Settings, staff, manager) -> None:  # type: ignore[no-untyped-def]
        channels.save_choices(session=session, user=staff, channels={"mentions": "app"}, digest_hour=8)
        _mention(session, manager, staff)
        with smtp_server(settings) as (inbox, mail_settings):
            _deliver(session, mail_settings, datetime.now(UTC))
        assert inbox.messages == []
        assert notifications_service.unread_count(session=session, user=staff) == 1  # the bell still has it

    def test_a_deactivated_person_gets_no_mail(self, session: Session, settings: Settings, staff, manager) -> None:  # type: ignore[no-untyped-def]
        _mention(session, manager, staff)
        staff.is_active = False
        session.add(staff)
        session.commit()
        with smtp_server(settings) as (inbox, mail_settings):
            _deliver(session, mail_settings, datetime.now(UTC))
        assert inbox.messages == []


class TestDigest:
    def test_comes_once_at_the_persons_hour_in_their_time_zone(
        self, session: Session, settings: Settings, staff, manager
    ) -> None:  # type: ignore[no-untyped-def]
        channels.save_choices(session=session, user=staff, channels={"mentions": "digest"}, digest_hour=8)
        _mention(session, manager, staff, post_id=1)
        _mention(session, manager, staff, post_id=2)
        day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        with smtp_server(settings) as (inbox, mail_settings):
            assert _deliver(session, mail_settings, day + timedelta(hours=5, minutes=30)) == 0  # 07:30 in Kyiv
            assert _deliver(session, mail_settings, day + timedelta(hours=6, minutes=5)) == 1  # 08:05 in Kyiv
            assert _deliver(session, mail_settings, day + timedelta(hours=9)) == 0  # once a day
            _mention(session, manager, staff, post_id=3)
            assert _deliver(session, mail_settings, day + timedelta(hours=20)) == 0  # the next one waits for tomorrow
            assert _deliver(session, mail_settings, day + timedelta(days=1, hours=6, minutes=1)) == 1
        first, second = inbox.messages
        assert first["Subject"] == "Коло: 2 нові сповіщення"
        text, html = parts(first)
        assert "http://testserver/posts/1" in text and "http://testserver/posts/2" in text
        assert html.count("згадує вас у дописі") == 2
        assert second["Subject"] == "Коло: 1 нове сповіщення"

    def test_a_day_without_news_sends_nothing(self, session: Session, settings: Settings, staff) -> None:  # type: ignore[no-untyped-def]
        channels.save_choices(session=session, user=staff, channels={"mentions": "digest"}, digest_hour=0)
        with smtp_server(settings) as (inbox, mail_settings):
            _deliver(session, mail_settings, datetime.now(UTC))
        assert inbox.messages == []


class TestQueue:
    def test_no_mail_is_lost_while_the_server_is_down_and_none_is_sent_twice(
        self, session: Session, settings: Settings, staff, manager
    ) -> None:  # type: ignore[no-untyped-def]
        _mention(session, manager, staff)
        now = datetime.now(UTC)
        down = with_mail(settings, smtp_port=free_port(), smtp_security="none")
        assert _deliver(session, down, now) == 0
        [mail] = session.exec(select(OutgoingMail)).all()
        assert mail.attempts == 1 and mail.sent_at is None and "Connection refused" in mail.last_error
        assert mail.next_attempt_at == now + timedelta(minutes=1)
        with smtp_server(settings) as (inbox, mail_settings):
            assert _deliver(session, mail_settings, now + timedelta(seconds=30)) == 0  # not yet its turn
            assert _deliver(session, mail_settings, now + timedelta(minutes=1)) == 1
            assert _deliver(session, mail_settings, now + timedelta(minutes=10)) == 0
        assert len(inbox.messages) == 1

    def test_a_server_that_refuses_for_now_is_tried_again(
        self, session: Session, settings: Settings, staff, manager
    ) -> None:  # type: ignore[no-untyped-def]
        _mention(session, manager, staff)
        now = datetime.now(UTC)
        with smtp_server(settings) as (inbox, mail_settings):
            inbox.refuse = True
            assert _deliver(session, mail_settings, now) == 0
            inbox.refuse = False
            assert _deliver(session, mail_settings, now + timedelta(minutes=1)) == 1
        assert len(inbox.messages) == 1

    def test_composing_again_after_a_crash_queues_no_second_mail(
        self, session: Session, settings: Settings, staff, manager
    ) -> None:  # type: ignore[no-untyped-def]
        _mention(session, manager, staff)
        now = datetime.now(UTC)
        mail_settings = with_mail(settings)
        assert compose.compose_immediate(session=session, settings=mail_settings, now=now) == 1
        [row], _ = notifications_service.list_notifications(session=session, user=staff)
        row.mailed_at = None  # as if the process died after queueing, before its mark was kept
        session.add(row)
        session.commit()
        compose.compose_immediate(session=session, settings=mail_settings, now=now)
        assert len(session.exec(select(OutgoingMail)).all()) == 1

    def test_news_from_before_mail_was_set_up_is_not_mailed(
        self, session: Session, settings: Settings, staff, manager
    ) -> None:  # type: ignore[no-untyped-def]
        _mention(session, manager, staff)
        with smtp_server(settings) as (inbox, mail_settings):
            _deliver(session, mail_settings, datetime.now(UTC) + timedelta(days=3))
        assert inbox.messages == []

    def test_starttls_with_a_login(self, session: Session, settings: Settings, staff, manager, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        _mention(session, manager, staff)
        with smtp_server(settings, tls_folder=tmp_path) as (inbox, mail_settings):
            assert _deliver(session, mail_settings, datetime.now(UTC)) == 1
            wrong = mail_settings.model_copy(update={"smtp_password": "wrong", "smtp_timeout_seconds": 2})
            _mention(session, manager, staff, post_id=8)
            assert _deliver(session, wrong, datetime.now(UTC)) == 0  # refused login: kept for later
        assert len(inbox.messages) == 1
        waiting = session.exec(select(OutgoingMail).where(col(OutgoingMail.sent_at).is_(None))).one()
        assert waiting.attempts == 1 and waiting.last_error.startswith("SMTP")
