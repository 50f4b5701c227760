"""Web Push against a push service the test serves: a subscribed browser gets the notification encrypted for it, in
the person's language, signed with the server's VAPID key; a signed-out browser, a category the person turned off or
a gone subscription gets nothing more."""

import json
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models.notifications import PushSubscription
from app.models.users import User
from app.services import notification_channels as channels
from app.services import notifications as notifications_service
from app.services import push
from tests.conftest import sign_in
from tests.forms import submit
from tests.notifications.push_service import Browser, PushService, push_service


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """This module's server pushes (to push services on 127.0.0.1 over plain HTTP, the test's own)."""
    return settings.model_copy(update={"push_contact": "mailto:it@kolo.test", "push_http_hosts": ["127.0.0.1"]})


@pytest.fixture
def service() -> object:
    with push_service() as running:
        yield running


def _subscribe(client: TestClient, service: PushService, browser: Browser, device: str = "phone") -> str:
    endpoint = f"{service.url}/push/{device}"
    answer = client.post("/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": browser.keys()})
    assert answer.status_code == 204, answer.text
    return endpoint


def _mention(session: Session, actor: User, recipient: User, kind: str = "mention") -> None:
    notifications_service.notify(
        session=session,
        recipient_ids=[recipient.id or 0],
        kind=kind,
        actor=actor,
        url="/posts/7",
        message="{actor} mentioned you in a post",
    )
    session.commit()


def test_a_mention_reaches_the_subscribed_phone_encrypted_and_signed(
    session: Session, settings: Settings, staff, manager, staff_client: TestClient, service: PushService
) -> None:  # type: ignore[no-untyped-def]
    key = staff_client.get("/api/v1/push/key").json()["public_key"]
    browser = Browser()
    _subscribe(staff_client, service, browser)
    _mention(session, manager, staff)
    assert push.send_due(session=session, settings=settings, now=datetime.now(UTC)) == 1
    [got] = service.received
    assert got.path == "/push/phone" and got.headers["content-encoding"] == "aes128gcm" and int(got.headers["ttl"]) > 0
    assert got.headers["authorization"].startswith("vapid t=") and f"k={key}" in got.headers["authorization"]
    payload = json.loads(browser.decrypt(got.body))
    assert payload == {
        "title": "Коло",
        "body": "Бондаренко Ігор згадує вас у дописі",
        "url": "/posts/7",
        "tag": payload["tag"],
    }
    assert push.send_due(session=session, settings=settings, now=datetime.now(UTC)) == 0  # pushed once


def test_nothing_for_a_category_turned_off_or_after_signing_out(
    session: Session, settings: Settings, staff, manager, new_client, service: PushService
) -> None:  # type: ignore[no-untyped-def]
    phone = sign_in(new_client(), staff.email)
    _subscribe(phone, service, Browser())
    saved = phone.put("/api/v1/account/notification-settings", json={"push": ["events"]})
    assert saved.status_code == 200 and saved.json()["push"] == ["events"] and saved.json()["devices"] == 1
    _mention(session, manager, staff)
    assert push.send_due(session=session, settings=settings, now=datetime.now(UTC)) == 0
    _mention(session, manager, staff, kind="event_changed")
    assert push.send_due(session=session, settings=settings, now=datetime.now(UTC)) == 1
    assert phone.post("/api/v1/auth/logout").status_code in (200, 204)
    _mention(session, manager, staff, kind="event_seat")
    assert push.send_due(session=session, settings=settings, now=datetime.now(UTC)) == 0
    assert session.exec(select(PushSubscription)).all() == []  # the signed-out browser is forgotten
    assert len(service.received) == 1


def test_a_subscription_the_service_says_is_gone_is_forgotten(
    session: Session, settings: Settings, staff, manager, staff_client: TestClient, service: PushService
) -> None:  # type: ignore[no-untyped-def]
    _subscribe(staff_client, service, Browser())
    service.status = 410
    _mention(session, manager, staff)
    assert push.send_due(session=session, settings=settings, now=datetime.now(UTC)) == 0
    assert session.exec(select(PushSubscription)).all() == []


def test_only_a_push_services_address_is_taken(staff_client: TestClient) -> None:
    keys = Browser().keys()
    for endpoint in ("http://10.0.0.5/admin", "file:///etc/passwd", "ftp://push.example/x"):
        answer = staff_client.post("/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": keys})
        assert answer.status_code == 422 and answer.json()["detail"] == "Це не адреса служби сповіщень.", endpoint


def test_the_settings_page_offers_this_device_and_the_categories(staff_client: TestClient) -> None:
    page = staff_client.get("/account/notifications").text
    assert "Увімкнути на цьому пристрої" in page and 'src="/static/js/push.js"' in page
    assert page.count('name="push"') == 8 and 'name="push" value="mentions" checked' in page
    assert 'name="push" value="replies" checked' not in page


def test_saving_push_choices_without_mail_keeps_the_mail_choices(
    session: Session, staff, staff_page: TestClient
) -> None:  # type: ignore[no-untyped-def]
    channels.save_choices(session=session, user=staff, channels={"mentions": "digest"}, digest_hour=7)
    saved = submit(staff_page, "/account/notifications", "/account/notifications", {"push": ["events"]})
    assert saved.status_code == 200
    choices = channels.read_choices(session=session, user=staff)
    assert choices.push == {"events"} and choices.channels["mentions"] == "digest" and choices.digest_hour == 7
