"""Sign-in throttling: counted before the password is checked, per account and address, with a softer per-account
delay across addresses and a high ceiling for a ward behind one address."""

import threading
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.errors import AppError
from app.services import auth as auth_service
from tests.factories import PASSWORD, make_user
from tests.forms import submit

TOO_MANY = "Забагато невдалих спроб"


def _from(app, address: str) -> TestClient:  # type: ignore[no-untyped-def]
    """A browser at another network address."""
    return TestClient(app, headers={"Accept-Language": "uk"}, client=(address, 50000))


def _login(client: TestClient, email: str, password: str) -> int:
    return client.post("/api/v1/auth/login", json={"email": email, "password": password}).status_code


def test_thirty_parallel_wrong_passwords_check_no_more_than_the_limit(app, settings, staff, monkeypatch):
    checked = []
    real_verify = auth_service.verify_password

    def counting_verify(password: str, password_hash: str | None) -> bool:
        checked.append(password)
        return real_verify(password, password_hash)

    monkeypatch.setattr(auth_service, "verify_password", counting_verify)
    start = threading.Barrier(30)
    answers: list[int] = []

    def attempt() -> None:
        start.wait()
        with Session(app.state.engine) as session:
            try:
                auth_service.login(
                    session=session, settings=settings, email=staff.email, password="bad-pass-1", ip="10.0.0.1"
                )
            except AppError as exc:
                answers.append(exc.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= settings.login_failures_per_minute
    assert sorted(answers) == [401] * len(checked) + [429] * (30 - len(checked))


def test_wrong_passwords_from_one_address_do_not_lock_out_the_right_one_from_another(app, staff):
    attacker, nurse = _from(app, "203.0.113.7"), _from(app, "10.20.0.15")
    for _ in range(10):
        assert _login(attacker, staff.email, "bad-pass-1") == 401
    assert _login(attacker, staff.email, PASSWORD) == 429  # the attacker's own address is stopped
    assert _login(nurse, staff.email, PASSWORD) == 200


def test_an_account_tried_from_many_addresses_is_slowed_not_locked(app, settings, staff, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(auth_service, "time", SimpleNamespace(sleep=waits.append), raising=False)
    for n in range(14):
        assert _login(_from(app, f"198.51.100.{n}"), staff.email, "bad-pass-1") == 401
    assert waits == [0.25, 0.5, 1, 2]  # from the 11th attempt on, each waits longer
    assert _login(_from(app, "10.20.0.15"), staff.email, PASSWORD) == 200
    assert waits[-1] == settings.login_max_delay_seconds  # capped


def test_a_ward_behind_one_address_is_not_stopped_by_ten_mistakes(client, session, staff):
    for n in range(12):
        make_user(session, email=f"nurse{n}@kolo.test", password=PASSWORD)
        assert _login(client, f"nurse{n}@kolo.test", "typo-pass-1") == 401
    assert _login(client, staff.email, PASSWORD) == 200


def test_one_address_has_a_ceiling_across_accounts(client, settings, staff):
    settings.login_address_attempts_per_minute = 15
    for n in range(15):
        assert _login(client, f"guess{n}@kolo.test", "bad-pass-1") == 401
    assert _login(client, staff.email, PASSWORD) == 429


def test_guessing_the_current_password_on_the_account_page_is_throttled(staff_page):
    wrong = {"current": "nope-nope-1", "new": "Another-Long-Pass-9", "new2": "Another-Long-Pass-9"}
    for _ in range(10):
        assert submit(staff_page, "/account", "/account/password", wrong).status_code == 422
    response = submit(staff_page, "/account", "/account/password", wrong)
    assert response.status_code == 429 and TOO_MANY in response.text
    right = submit(staff_page, "/account", "/account/password", dict(wrong, current=PASSWORD))
    assert right.status_code == 429  # this minute, the right password is not checked either
