"""In a real browser: sign in on a phone, the Ukrainian interface, switching to English, no script errors."""

from tests.browser import live_server
from tests.factories import PASSWORD


def test_nurse_signs_in_on_a_phone_and_switches_to_english(app, staff, chromium):
    with live_server(app) as url:
        page = chromium.new_page(viewport={"width": 390, "height": 844}, locale="uk-UA")
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"{url}/account")
        assert "/login" in page.url
        assert page.locator("h1").inner_text() == "Вхід до Кола"
        page.get_by_label("Електронна пошта").fill(staff.email)
        page.get_by_label("Пароль").fill(PASSWORD)
        page.get_by_role("button", name="Увійти").click()
        page.wait_for_url(f"{url}/account")
        assert page.locator("h1").inner_text() == "Мій профіль"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page scrolls sideways on a phone"
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "My account"
        assert problems == []  # CSP blocked nothing, no script errors
