"""The one flash message: shown once on the page after a redirect and never taken from a cookie Kolo did not sign."""

import re

from fastapi.testclient import TestClient

from app.flash import FLASH_COOKIE
from tests.forms import submit
from tests.markup import flash_text


def test_a_saved_profile_says_so_once(staff_page: TestClient) -> None:
    answer = submit(staff_page, "/account", "/account/profile", {"name": "Олена Петренко"})
    assert answer.status_code == 200  # the redirect was followed
    assert flash_text(answer.text) == "Профіль збережено."
    assert flash_text(staff_page.get("/account").text) == ""  # seen once, then gone


def test_revoking_a_token_asks_first_and_then_confirms(staff_page: TestClient) -> None:
    submit(staff_page, "/account", "/account/tokens", {"name": "планшет поста"})
    page = staff_page.get("/account").text
    assert "Відкликати «планшет поста»?" in page  # the second step's question, before anything is lost
    action = re.search(r'action="(/account/tokens/\d+/revoke)"', page)
    assert action
    answer = submit(staff_page, "/account", action.group(1))
    assert flash_text(answer.text) == "Токен відкликано: він більше не відкриває «Коло»."
    assert "планшет поста" not in staff_page.get("/account").text


def test_a_forged_flash_cookie_shows_nothing(staff_page: TestClient) -> None:
    staff_page.cookies.set(FLASH_COOKIE, "WyJIYWNrZWQiLCB7fV0.0000")
    assert flash_text(staff_page.get("/account").text) == ""
