"""What ends a session, an API token or an invite link: password changes and resets, deactivation, expiry."""

import re
from datetime import timedelta

from sqlmodel import select

from app.i18n import format_datetime
from app.models.types import utcnow
from app.models.users import UserSession
from app.services import auth as auth_service
from tests.conftest import sign_in, sign_in_page
from tests.factories import PASSWORD, make_token
from tests.forms import find_form, send, submit

NEW_PASSWORD = "Another-Long-Pass-9"
CHANGE = {"current": PASSWORD, "new": NEW_PASSWORD, "new2": NEW_PASSWORD}


def _me(client, headers=None):  # type: ignore[no-untyped-def]
    """The status of asking who one is: 200 signed in, 401 not."""
    return client.get("/api/v1/users/me", headers=headers or {}).status_code


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


class TestPasswordChange:
    def test_the_form_revokes_api_tokens_by_default_and_keeps_this_session(self, client, new_client, staff, session):
        here = sign_in_page(client, staff.email)
        elsewhere = sign_in(new_client(), staff.email)
        token = make_token(session, staff)
        response = submit(here, "/account", "/account/password", CHANGE)
        assert response.status_code == 200 and "API-токени відкликано" in response.text
        assert _me(here) == 200 and _me(elsewhere) == 401
        assert _me(new_client(), token) == 401

    def test_unticking_the_box_keeps_the_api_tokens(self, staff_page, new_client, staff, session):
        token = make_token(session, staff)
        response = submit(staff_page, "/account", "/account/password", dict(CHANGE, revoke_tokens=[]))
        assert response.status_code == 200 and "Пароль змінено" in response.text
        assert _me(new_client(), token) == 200


class TestResetLink:
    def test_admin_reset_link_works_once_and_ends_every_session_and_token(self, admin_page, new_client, staff, session):
        signed_in = sign_in(new_client(), staff.email)
        token = make_token(session, staff)
        page = submit(admin_page, f"/admin/users/{staff.id}", f"/admin/users/{staff.id}/invite")
        assert page.status_code == 200 and "Посилання для зміни пароля" in page.text
        link = _path(re.search(r'id="invite-url" readonly value="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
        person = new_client()
        assert "Новий пароль для" in person.get(link).text
        done = submit(person, link, link, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert done.status_code == 200 and _me(person) == 200  # signed in with the new password
        assert _me(signed_in) == 401 and _me(new_client(), token) == 401
        assert (
            new_client().post("/api/v1/auth/login", json={"email": staff.email, "password": PASSWORD}).status_code
            == 401
        )
        assert new_client().get(link).status_code == 404  # one-time

    def test_reset_link_by_api_ends_sessions_and_tokens(self, admin_client, new_client, staff, session):
        signed_in = sign_in(new_client(), staff.email)
        token = make_token(session, staff)
        link = _path(admin_client.post(f"/api/v1/users/{staff.id}/invite").json()["invite_url"])
        assert (
            submit(new_client(), link, link, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 200
        )
        assert _me(signed_in) == 401 and _me(new_client(), token) == 401


class TestDeactivation:
    def test_reactivation_brings_back_no_session_and_no_token(
        self, admin_client, staff_client, new_client, staff, session
    ):
        token = make_token(session, staff)
        assert admin_client.patch(f"/api/v1/users/{staff.id}", json={"is_active": False}).status_code == 200
        assert admin_client.patch(f"/api/v1/users/{staff.id}", json={"is_active": True}).status_code == 200
        assert _me(staff_client) == 401 and _me(new_client(), token) == 401
        assert sign_in(new_client(), staff.email)  # the password still works after re-activation

    def test_an_open_invite_stops_working_when_the_person_is_deactivated(self, admin_client, new_client):
        created = admin_client.post("/api/v1/users", json={"email": "olena@kolo.test", "name": "Мельник Олена"}).json()
        link = _path(created["invite_url"])
        assert admin_client.delete(f"/api/v1/users/{created['id']}").status_code == 204
        page = new_client().get(link)
        assert page.status_code == 404 and "посилання-запрошення вже недійсне" in page.text
        again = admin_client.post(f"/api/v1/users/{created['id']}/invite")
        assert again.status_code == 409 and "деактивовано" in again.json()["detail"]


class TestTokenExpiry:
    def test_tokens_expire_after_a_year_by_default_or_when_chosen(self, staff_client):
        default = staff_client.post("/api/v1/tokens", json={"name": "планшет"}).json()
        month = staff_client.post("/api/v1/tokens", json={"name": "звіт", "expires_in_days": 30}).json()
        forever = staff_client.post("/api/v1/tokens", json={"name": "табло", "expires_in_days": None}).json()
        assert default["expires_at"][:10] == (utcnow() + timedelta(days=365)).date().isoformat()
        assert month["expires_at"][:10] == (utcnow() + timedelta(days=30)).date().isoformat()
        assert forever["expires_at"] is None
        listed = {t["name"]: t for t in staff_client.get("/api/v1/tokens").json()["items"]}
        assert listed["звіт"]["expires_at"] == month["expires_at"]

    def test_an_expired_token_is_401(self, staff_client, new_client, monkeypatch):
        created = staff_client.post("/api/v1/tokens", json={"name": "звіт", "expires_in_days": 30}).json()
        headers = {"Authorization": f"Bearer {created['token']}"}
        assert _me(new_client(), headers) == 200
        later = utcnow() + timedelta(days=31)
        monkeypatch.setattr(auth_service, "utcnow", lambda: later)
        response = new_client().get("/api/v1/users/me", headers=headers)
        assert response.status_code == 401 and response.json()["error"] == "Unauthorized"

    def test_the_account_page_offers_an_expiry_and_shows_it(self, staff_page, staff):
        form = find_form(staff_page.get("/account").text, "/account/tokens", "/account")
        assert dict(form.fields)["expires_in_days"] == "365"
        page = send(staff_page, form, {"name": "табло", "expires_in_days": "never"})
        assert page.status_code == 200 and "Дійсний до" in page.text and "безстроково" in page.text
        page = submit(staff_page, "/account", "/account/tokens", {"name": "звіт", "expires_in_days": "90"})
        day = format_datetime(utcnow() + timedelta(days=90), "uk", staff.timezone).split(",")[0]
        assert re.search(rf'<td data-label="Дійсний до">{day}, \d\d:\d\d</td>', page.text)

    def test_an_unknown_expiry_is_a_clear_422(self, staff_page):
        response = submit(staff_page, "/account", "/account/tokens", {"name": "звіт", "expires_in_days": "7"})
        assert response.status_code == 422 and "Виберіть, скільки часу токен буде дійсним" in response.text


class TestSessionRevocation:
    def test_someone_elses_session_is_404_by_api(self, staff_client, manager_client, manager, session):
        theirs = session.exec(select(UserSession).where(UserSession.user_id == manager.id)).one()
        response = staff_client.delete(f"/api/v1/sessions/{theirs.id}")
        assert response.status_code == 404 and response.json()["error"] == "NotFound"
        assert _me(manager_client) == 200

    def test_someone_elses_session_is_404_from_the_page(
        self, client, new_client, staff, manager_client, manager, session
    ):
        here = sign_in_page(client, staff.email)
        sign_in(new_client(), staff.email)  # a second device, so the page has a sign-out form
        theirs = session.exec(select(UserSession).where(UserSession.user_id == manager.id)).one()
        page = here.get("/account").text
        own = re.search(r'action="(/account/sessions/\d+/revoke)"', page).group(1)  # type: ignore[union-attr]
        response = send(here, find_form(page, own, "/account"), to=f"/account/sessions/{theirs.id}/revoke")
        assert response.status_code == 404
        assert _me(manager_client) == 200
