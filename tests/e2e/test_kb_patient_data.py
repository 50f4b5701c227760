"""Journey: the head of therapy writes a guide with a patient's phone in it. Saving holds it back: the editor comes
back with her text, the phone marked and a plain explanation; she saves it anyway with a reason (it is the ward's
desk, she says) and publishes it."""

from pathlib import Path

from playwright.sync_api import expect

SHOTS = Path("/tmp/shots")
PHONE = "+380501234567"
TITLE = "Виписка після інфаркту міокарда"
BODY = f"Перед випискою зателефонуйте родині пацієнта за номером {PHONE} і погодьте час."
REASON = "Це телефон поста відділення, не пацієнта"


def test_manager_is_held_back_and_publishes_anyway_with_a_reason(people, viewport) -> None:  # type: ignore[no-untyped-def]
    page = people.open("manager@kolo.local")
    page.goto("/kb/new")
    page.get_by_label("Назва").fill(TITLE)
    page.get_by_label("Текст (Markdown)").fill(BODY)
    page.get_by_role("button", name="Зберегти", exact=True).click()

    review = page.get_by_role("region", name="Схоже на дані пацієнта")
    expect(review).to_be_visible()
    expect(review.locator("mark")).to_have_text(PHONE)
    expect(page.get_by_label("Текст (Markdown)")).to_have_value(BODY)
    expect(page.get_by_label("Назва")).to_have_value(TITLE)
    review.scroll_into_view_if_needed()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"kb-guard-{viewport}.png"), full_page=False)
    people.shot(page, "held-back")
    held = [e for e in people.errors if "/kb/new" in e and "status of 422" in e]  # Chromium logs the 422 it answers
    assert len(held) == 1, people.errors
    people.errors.remove(held[0])

    page.get_by_label("Все одно опублікувати — причина").fill(REASON)
    page.get_by_role("button", name="Все одно опублікувати").click()
    expect(page.locator("#flash")).to_have_text("Чернетку збережено.")
    expect(page.locator(".kb-body-html")).to_contain_text(PHONE)

    summary = page.locator("summary").filter(has_text="Погодити й опублікувати")
    if summary.locator("xpath=..").get_attribute("open") is None:
        summary.click()
    page.locator("form.kb-publish").get_by_role("button", name="Погодити й опублікувати").click()
    expect(page.locator("#flash")).to_contain_text("опубліковано, версія 1.0")
