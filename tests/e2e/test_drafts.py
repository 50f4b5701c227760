"""A text being written survives a closed tab or a lost connection, and leaving with it unsaved asks first."""

from playwright.sync_api import expect

TEXT = "Колеги, у процедурній закінчилися стерильні серветки 10×10 — хто має запас?"


def test_a_post_being_written_is_kept_until_it_is_published(people) -> None:  # type: ignore[no-untyped-def]
    nurse = people.open("nurse@kolo.local")
    nurse.get_by_text("Написати допис").click()
    body = nurse.locator("#body")
    body.fill(TEXT)

    asked: list[str] = []
    answer = {"stay": True}

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.type)
        dialog.dismiss() if answer["stay"] else dialog.accept()

    nurse.on("dialog", on_dialog)
    nurse.get_by_role("link", name="База знань").first.click()
    expect(body).to_have_value(TEXT)
    assert asked == ["beforeunload"]  # leaving with the text unsaved asks first; the nurse chose to stay

    answer["stay"] = False
    nurse.reload()  # the tab is closed or the connection drops: the text comes back, with a note
    expect(nurse.locator("#body")).to_have_value(TEXT)
    expect(nurse.locator(".draft-note")).to_contain_text("Незбережений текст відновлено")
    people.shot(nurse, "draft-restored")

    nurse.locator("form[data-draft]").get_by_role("button", name="Опублікувати").click()
    expect(nurse.locator("#flash")).not_to_be_empty()
    nurse.goto("/")
    nurse.get_by_text("Написати допис").click()
    expect(nurse.locator("#body")).to_have_value("")  # published: the draft is gone
    expect(nurse.locator(".draft-note")).to_have_count(0)
