"""Browser journey: the nurse mentions colleagues by typing their names in Cyrillic, picks one with the keyboard and
one with a tap, is warned about an @word that matches nobody, publishes, and the surgeon is notified."""

import re

from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD
from tests.e2e.conftest import SCREENS, VIEWPORTS

NURSE_NAME = "Шевченко Марія Іванівна"


def open_with_touch(people, email: str) -> Page:  # type: ignore[no-untyped-def]
    """A signed-in page on a touch screen (a phone's) or with a mouse (a desk's), with its script errors watched."""
    context = people.chromium.new_context(
        viewport=VIEWPORTS[people.viewport], locale="uk-UA", base_url=people.url, has_touch=people.viewport == "phone"
    )
    context.set_default_timeout(10_000)
    people.contexts.append(context)
    page = context.new_page()
    page.on("console", lambda m: people.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: people.errors.append(f"{page.url}: {e}"))
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Увійти").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def close_up(people, form, name: str) -> None:  # type: ignore[no-untyped-def]
    """The form as the nurse sees it on her screen (the full-page shot is a long feed), beside the journey's shots."""
    form.screenshot(path=str(SCREENS / f"{people.prefix}-{people.step:02d}-{name}-close-up.png"))


def test_nurse_mentions_colleagues_by_cyrillic_name(people, viewport: str) -> None:  # type: ignore[no-untyped-def]
    nurse = open_with_touch(people, "nurse@kolo.local")
    expect(nurse.get_by_role("link", name="@bondarenko.ihor", exact=True)).to_be_visible()  # the demo's mention

    nurse.get_by_text("Написати допис").click()
    form = nurse.locator("form[action='/posts']")
    field = form.get_by_label("Текст")
    field.click()
    nurse.keyboard.type("Потрібна консультація щодо шва. @Ткач")
    listbox = form.get_by_role("listbox", name="Кого згадати")
    surgeon = listbox.get_by_role("option", name=re.compile("Ткаченко Андрій Олегович"))
    expect(surgeon).to_be_visible()
    expect(surgeon).to_contain_text("@tkachenko.andrii · Хірургічне відділення")
    expect(surgeon).to_have_attribute("aria-selected", "true")
    people.shot(nurse, "suggestions-for-tkach")
    close_up(people, form, "suggestions-for-tkach")

    nurse.keyboard.press("ArrowDown")  # one colleague matches: the arrows stay on him
    nurse.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    expect(field).to_have_value("Потрібна консультація щодо шва. @tkachenko.andrii ")

    nurse.keyboard.type("та @мел")
    newhire = listbox.get_by_role("option", name=re.compile("Мельник Юлія Сергіївна"))
    expect(newhire).to_contain_text("Терапевтичне відділення")
    people.shot(nurse, "suggestions-for-mel")
    close_up(people, form, "suggestions-for-mel")
    if viewport == "phone":
        newhire.tap()
    else:
        newhire.click()
    expect(field).to_have_value("Потрібна консультація щодо шва. @tkachenko.andrii та @melnyk.yuliia ")
    expect(field).to_be_focused()

    nurse.keyboard.type("і @xyz, подивіться, будь ласка.")
    warning = form.locator(".mention-warning")
    expect(warning.locator("p:not(.mention-hint)")).to_have_text(["@xyz — нікого не знайдено"])
    expect(warning).to_contain_text("Напишіть після @ ім’я колеги й виберіть його у списку.")
    expect(warning).not_to_contain_text("tkachenko")
    nurse.keyboard.type(" @Ткач")
    expect(surgeon).to_be_visible()
    nurse.keyboard.press("Escape")  # she meant the word, not a colleague: the list closes and stays closed
    expect(listbox).to_be_hidden()
    nurse.keyboard.type("енко")
    expect(listbox).to_be_hidden()
    field.blur()
    expect(warning.locator("p:not(.mention-hint)")).to_have_text(
        ["@xyz — нікого не знайдено", "@Ткаченко — нікого не знайдено"]
    )
    people.shot(nurse, "unknown-mention-warned")
    close_up(people, form, "unknown-mention-warned")

    form.get_by_role("button", name="Опублікувати").click()
    expect(nurse).to_have_url(re.compile(r"/posts/\d+$"))
    post = nurse.locator("article.post").first
    expect(post.get_by_role("link", name="@tkachenko.andrii", exact=True)).to_be_visible()
    expect(post.get_by_role("link", name="@melnyk.yuliia", exact=True)).to_be_visible()
    expect(post.locator(".mention-unknown")).to_have_text(["@xyz", "@Ткаченко"])
    expect(post.get_by_role("link", name="@xyz")).to_have_count(0)
    people.shot(nurse, "published-with-mentions")
    close_up(people, post, "published-with-mentions")

    surgeon_page = people.open("surgeon@kolo.local")
    surgeon_page.locator("a.bell").click()
    mention = surgeon_page.get_by_role("button", name=f"{NURSE_NAME} згадує вас у дописі")
    expect(mention).to_be_visible()
    people.shot(surgeon_page, "surgeon-notified")
