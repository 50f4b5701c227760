"""The page shell without JavaScript: the theme switch is a plain form that posts, says so and is remembered."""

from fastapi.testclient import TestClient

from tests.forms import submit


class TestThemeSwitch:
    def test_dark_is_chosen_on_the_profile_and_every_next_page_is_dark(self, staff_page: TestClient) -> None:
        answer = submit(staff_page, "/account", "/theme", {"theme": "dark"}, follow_redirects=False)
        assert answer.status_code == 303
        page = staff_page.get(answer.headers["location"], headers={"Accept-Language": "uk"})
        assert '<html lang="uk" data-theme="dark">' in page.text
        assert "Тему змінено." in page.text
        assert '<html lang="uk" data-theme="dark">' in staff_page.get("/kb", headers={"Accept-Language": "uk"}).text

    def test_as_the_system_leaves_the_choice_to_the_device(self, staff_page: TestClient) -> None:
        submit(staff_page, "/account", "/theme", {"theme": "dark"})
        submit(staff_page, "/account", "/theme", {"theme": "system"})
        page = staff_page.get("/", headers={"Accept-Language": "uk"})
        assert '<html lang="uk">' in page.text  # no data-theme: Pico follows prefers-color-scheme
        assert 'value="system" class="theme-option" aria-pressed="true"' in page.text

    def test_the_switch_works_before_sign_in(self, client: TestClient) -> None:
        answer = submit(client, "/login", "/theme", {"theme": "dark"}, follow_redirects=False)
        assert answer.headers["location"] == "/login"
        assert 'data-theme="dark"' in client.get("/login").text

    def test_a_post_without_the_form_token_is_refused(self, staff_page: TestClient) -> None:
        assert staff_page.post("/theme", data={"theme": "dark"}).status_code == 403


def test_every_signed_in_page_has_the_search_box_menu_and_language_switch(staff_page: TestClient) -> None:
    page = staff_page.get("/kb", headers={"Accept-Language": "uk"}).text
    assert 'role="search"' in page and 'data-suggest-url="/search/suggest"' in page
    assert '<span class="menu-label">Меню</span>' in page
    menu = page[page.index('class="site-menu-panel"') :]
    assert 'action="/language"' in menu[: menu.index("</details>")]
