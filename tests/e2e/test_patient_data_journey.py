"""Browser journey through the patient-data guard on the feed: a nurse's question with a patient's phone is held
back with the phone marked and her text kept; without the phone it is published; another post goes out anyway with a
reason, which the audit keeps."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models.audit import AuditEvent
from app.services.patient_data.guard import OVERRIDE_ACTION
from tests.e2e.test_feed_journeys import flash_says, open_post_form

SHOTS = Path("/tmp/shots")
PHONE = "+380671234567"
QUESTION = f"Пацієнтка з 5 палати просить передзвонити на {PHONE}: коли можна забрати виписку?"


def publish_held_back(people, nurse: Page, body: str) -> None:  # type: ignore[no-untyped-def]
    """Write `body` in the composer and press "Опублікувати": the guard holds it back (a 422, which Chromium logs
    once) with the phone marked and the text and kind kept."""
    form = open_post_form(nurse)
    form.get_by_label("Текст").fill(body)
    form.get_by_label("Тип").select_option(label="Запитання")
    form.get_by_role("button", name="Опублікувати", exact=True).click()
    review = nurse.get_by_role("region", name="Схоже на дані пацієнта")
    expect(review).to_be_visible()
    expect(review.locator("mark")).to_have_text(PHONE)
    form = nurse.locator("form[action='/posts']")
    expect(form.get_by_label("Текст")).to_have_value(body)
    expect(form.get_by_label("Тип")).to_have_value("question")
    logged = [e for e in people.errors if "/posts" in e and "status of 422" in e]
    assert len(logged) == 1, people.errors
    people.errors.remove(logged[0])


def test_question_with_a_phone_is_held_back_then_published(people, demo, viewport: str) -> None:  # type: ignore[no-untyped-def]
    """The nurse's question names a patient's phone: she sees «Схоже на дані пацієнта» with the phone marked and her
    text still in the form; she removes the phone and publishes. Her next post goes out anyway, with a reason."""
    nurse = people.open("nurse@kolo.local")
    publish_held_back(people, nurse, QUESTION)
    SHOTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        nurse.emulate_media(color_scheme=scheme)
        nurse.screenshot(path=str(SHOTS / f"feed-guard-{viewport}-{scheme}.png"))
    nurse.emulate_media(color_scheme="light")
    people.shot(nurse, "held-back")

    nurse.locator("form[action='/posts']").get_by_label("Текст").fill(QUESTION.replace(f" на {PHONE}", ""))
    nurse.get_by_role("button", name="Опублікувати", exact=True).click()
    expect(nurse).to_have_url(re.compile(r"/posts/\d+$"))
    flash_says(nurse, "Допис опубліковано.")
    expect(nurse.locator("article.post").first).to_contain_text("просить передзвонити: коли можна")
    people.shot(nurse, "published-without-phone")

    nurse.goto("/")
    ward_phone = f"Телефон посту нашого відділення: {PHONE}, дзвоніть уночі."
    publish_held_back(people, nurse, ward_phone)
    nurse.get_by_label("Все одно опублікувати — причина").fill("Це службовий телефон посту, не пацієнта")
    people.shot(nurse, "reason-written")
    nurse.get_by_role("button", name="Все одно опублікувати", exact=True).click()
    expect(nurse).to_have_url(re.compile(r"/posts/\d+$"))
    expect(nurse.locator("article.post").first).to_contain_text(PHONE)
    post_id = int(nurse.url.rsplit("/", 1)[1])
    with Session(demo.state.engine) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == OVERRIDE_ACTION)).one()
    assert (event.target_id, event.detail["reason"]) == (post_id, "Це службовий телефон посту, не пацієнта")
