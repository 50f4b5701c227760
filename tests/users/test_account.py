"""One's own profile, password, sessions and tokens."""

from tests.conftest import sign_in, sign_in_page
from tests.factories import PASSWORD
from tests.forms import submit


def _account_form(client, action, data):  # type: ignore[no-untyped-def]
    """Fill in one of the forms on the account page and send it, as the person does."""
    return submit(client, "/account", action, data)


def test_profile_language_switches_the_interface_to_english(staff_page):
    response = _account_form(staff_page, "/account/profile", {"handle": "maria", "language": "en"})
    assert response.status_code == 200  # followed the 303 to /account
    assert "Profile saved." in response.text and 'lang="en"' in response.text


def test_bad_handle_rerenders_the_form_with_what_was_typed(staff_page):
    response = _account_form(staff_page, "/account/profile", {"name": "Нове Ім’я", "handle": "Я!", "language": ""})
    assert response.status_code == 422
    assert "Нове Ім’я" in response.text and "Псевдонім" in response.text


def test_password_change_signs_out_other_sessions_only(client, new_client, staff):
    here = sign_in_page(client, staff.email)
    elsewhere = sign_in(new_client(), staff.email)
    response = _account_form(
        here, "/account/password", {"current": PASSWORD, "new": "Another-Long-Pass-9", "new2": "Another-Long-Pass-9"}
    )
    assert response.status_code == 200 and "Пароль змінено" in response.text
    assert here.get("/api/v1/users/me").status_code == 200
    assert elsewhere.get("/api/v1/users/me").status_code == 401


def test_wrong_current_password_is_refused(staff_page):
    response = _account_form(
        staff_page,
        "/account/password",
        {"current": "nope-nope-1", "new": "Another-Long-Pass-9", "new2": "Another-Long-Pass-9"},
    )
    assert response.status_code == 422 and "Поточний пароль неправильний" in response.text


def test_list_and_revoke_other_session(client, new_client, staff):
    here = sign_in(client, staff.email)
    sign_in(new_client(), staff.email)
    sessions = here.get("/api/v1/sessions").json()["items"]
    assert len(sessions) == 2 and sum(s["current"] for s in sessions) == 1
    other = next(s for s in sessions if not s["current"])
    assert here.delete(f"/api/v1/sessions/{other['id']}").status_code == 204
    assert len(here.get("/api/v1/sessions").json()["items"]) == 1


def test_token_is_shown_once_works_and_can_be_revoked(staff_client, client):
    created = staff_client.post("/api/v1/tokens", json={"name": "планшет"}).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert staff_client.get("/api/v1/users/me", headers=headers).status_code == 200
    listed = staff_client.get("/api/v1/tokens").json()["items"]
    assert listed[0]["name"] == "планшет" and "token" not in listed[0]
    assert staff_client.delete(f"/api/v1/tokens/{created['id']}").status_code == 204
    assert staff_client.get("/api/v1/users/me", headers=headers).status_code == 401


def test_someone_elses_token_cannot_be_revoked(staff_client, manager_client):
    created = manager_client.post("/api/v1/tokens", json={"name": "x"}).json()
    assert staff_client.delete(f"/api/v1/tokens/{created['id']}").status_code == 404
