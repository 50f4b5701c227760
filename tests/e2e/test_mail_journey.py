"""Browser journey: the nurse chooses, on her phone or at a desk, to hear of mentions in a morning digest; the surgeon
mentions her; the next morning at seven (Kyiv) one mail in Ukrainian reaches a real SMTP server, and its link opens
the post in her browser."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from app.config import Settings
from app.services.mail import compose, sending
from tests.e2e.test_feed_journeys import handle_of, open_post_form
from tests.notifications.mail_server import Inbox, parts, smtp_server


@pytest.fixture
def mail(settings: Settings) -> Iterator[tuple[Inbox, Settings]]:
    """A real SMTP server and the settings that send through it."""
    with smtp_server(settings) as running:
        yield running


@pytest.fixture
def settings(settings: Settings, mail: tuple[Inbox, Settings]) -> Settings:
    """The server sends mail through the test's SMTP server."""
    return mail[1]


def test_the_nurse_gets_her_mentions_in_a_morning_digest(people, demo, mail) -> None:  # type: ignore[no-untyped-def]
    inbox, mail_settings = mail
    nurse = people.open("nurse@kolo.local")
    nurse.goto("/account")
    nurse.get_by_role("button", name="Налаштування сповіщень").click()
    mentions = nurse.get_by_role("group", name="Згадки про мене")
    expect(mentions.get_by_role("radio", name="Лист одразу")).to_be_checked()
    mentions.get_by_text("Щоденний підсумок").click()
    nurse.get_by_label("Щоденний підсумок надходить о").select_option("07:00")
    nurse.get_by_role("button", name="Зберегти налаштування").click()
    expect(nurse.locator("#flash")).to_have_text("Налаштування сповіщень збережено.")
    expect(mentions.get_by_role("radio", name="Щоденний підсумок")).to_be_checked()
    expect(nurse.get_by_label("Щоденний підсумок надходить о")).to_have_value("7")
    people.shot(nurse, "digest-chosen")

    surgeon = people.open("surgeon@kolo.local")
    form = open_post_form(surgeon)
    nurse_handle = handle_of(demo, "nurse@kolo.local")
    form.get_by_label("Текст").fill(f"@{nurse_handle}, перев’язку в палаті 5 перенесли на 14:00.")
    form.get_by_role("button", name="Опублікувати").click()
    expect(surgeon).to_have_url(re.compile(r"/posts/\d+$"))
    post_path = surgeon.url.removeprefix(people.url)

    tomorrow = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    with Session(demo.state.engine) as session:  # the scheduler's two jobs, at 06:01 in Kyiv (not yet) and 07:01
        for hour in (4, 5):
            now = tomorrow + timedelta(hours=hour, minutes=1)
            compose.compose_digests(session=session, settings=mail_settings, now=now)
            sending.send_due(session=session, settings=mail_settings, now=now)
    [digest] = [m for m in inbox.messages if m["To"] == "nurse@kolo.local"]
    assert digest["Subject"] == "Коло: 1 нове сповіщення"
    text, _html = parts(digest)
    assert "Ткаченко Андрій Олегович згадує вас у дописі" in text
    link = re.search(r"http://testserver(/posts/\d+)", text)
    assert link and link.group(1) == post_path

    nurse.goto(link.group(1))
    expect(nurse.locator("article.post").first).to_contain_text("перев’язку в палаті 5 перенесли на 14:00")
    people.shot(nurse, "post-opened-from-the-mail")
