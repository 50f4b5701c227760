"""One password policy wherever a password is set: 10–256 characters, nothing trivial or common, not one's own name or
e-mail; the page comes back with a Ukrainian message and the CLI says why."""

import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import cli, security
from app.demo import DEMO_PASSWORD
from app.errors import InvalidInput
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.forms import submit

NAME, EMAIL = "Мельник Юлія", "yuliia.melnyk@kolo.test"
REFUSED = {
    "aaaaaaaaaa": "too simple",
    "abababababab": "too simple",
    "0123456789": "too simple",
    "abcdefghijkl": "too simple",
    "password12": "most common",
    "qwertyuiop": "most common",
    "iloveyou2026!": "most common",
    "x1" * 500_000: "at most 256",
    "yuliia.melnyk": "your name or e-mail",
    "YuliiaMelnyk2024": "your name or e-mail",
    "melnyk-yuliia-77!": "your name or e-mail",
    "Мельник_Юлія_1990": "your name or e-mail",
}


@pytest.mark.parametrize("password", REFUSED)
def test_weak_passwords_are_refused_with_the_reason(password: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        security.check_new_password(password, name=NAME, email=EMAIL)
    assert REFUSED[password] in refused.value.detail("en")


@pytest.mark.parametrize(
    "password",
    [
        PASSWORD,
        DEMO_PASSWORD,
        "Long-Password-1",
        "Another-Long-Pass-9",
        "Юлія любить каву о 7:30",
        "y" * 3 + "Q9!z" * 63,
    ],
)
def test_the_passwords_of_tests_demo_and_real_people_pass(password: str) -> None:
    assert security.check_new_password(password, name=NAME, email=EMAIL) == password


def _invite_path(admin_client: TestClient) -> str:
    created = admin_client.post("/api/v1/users", json={"email": EMAIL, "name": NAME}).json()
    return re.sub(r"^https?://[^/]+", "", created["invite_url"])


def test_the_invite_page_refuses_a_common_password_in_ukrainian(admin_client: TestClient, new_client: Any) -> None:
    path = _invite_path(admin_client)
    newcomer = new_client()
    refused = submit(newcomer, path, path, {"password": "password12", "password2": "password12"})
    assert refused.status_code == 422
    assert "Це один із найпоширеніших паролів" in refused.text and NAME in refused.text
    done = submit(newcomer, path, path, {"password": PASSWORD, "password2": PASSWORD}, follow_redirects=False)
    assert done.status_code == 303


def test_the_invite_page_refuses_ones_own_name(admin_client: TestClient, new_client: Any) -> None:
    path = _invite_path(admin_client)
    refused = submit(new_client(), path, path, {"password": "Melnyk.Yuliia.2024", "password2": "Melnyk.Yuliia.2024"})
    assert refused.status_code == 422 and "не може складатися з вашого імені" in refused.text


def test_a_million_characters_are_refused_on_the_account_page(
    staff_page: TestClient, staff: Any, new_client: Any
) -> None:
    huge = "Ab1-" * 250_000
    refused = submit(staff_page, "/account", "/account/password", {"current": PASSWORD, "new": huge, "new2": huge})
    assert refused.status_code == 422 and "щонайбільше 256 символів" in refused.text
    assert 'name="current"' in refused.text  # the form is there to try again
    sign_in(new_client(), staff.email)  # the old password still works


def test_a_trivial_password_is_refused_on_the_account_page(staff_page: TestClient) -> None:
    refused = submit(
        staff_page, "/account", "/account/password", {"current": PASSWORD, "new": "1111111111", "new2": "1111111111"}
    )
    assert refused.status_code == 422 and "Пароль надто простий" in refused.text


def test_kolo_user_add_refuses_a_common_password(
    monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KOLO_DATABASE_URL", database_url)
    monkeypatch.setenv("KOLO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "stdin", io.StringIO("password12\npassword12\n"))
    assert cli.main(["user", "add", EMAIL, "--name", NAME]) == 1
    assert "most common passwords" in capsys.readouterr().err
