"""Signing in and out, sessions, CSRF, throttling."""

from datetime import timedelta

from sqlmodel import col, select, update

from app.models.audit import AuditEvent
from app.models.types import utcnow
from app.models.users import LoginThrottle, UserSession
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.forms import find_form, send, submit

CSRF_REFUSED = "ключа безпеки"  # the 403 page's text when a form came without its token


def _login_form(client, email, password=PASSWORD, path="/login"):
    """The login page (reached from /account) filled in and sent; `path` sends its fields elsewhere on purpose."""
    page = "/login?next=/account"
    form = find_form(client.get(page).text, "/login", page)
    return send(client, form, {"email": email, "password": password}, to=path, follow_redirects=False)


class TestLogin:
    def test_api_login_returns_user_and_csrf_and_sets_http_only_cookie(self, client, staff):
        response = client.post("/api/v1/auth/login", json={"email": "NURSE@kolo.test", "password": PASSWORD})
        assert response.status_code == 200
        assert response.json()["user"]["email"] == "nurse@kolo.test"
        assert response.json()["csrf_token"]
        cookie = response.headers["set-cookie"]
        assert "kolo_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie

    def test_wrong_password_is_401_with_error_shape_and_audited(self, client, staff, session):
        response = client.post("/api/v1/auth/login", json={"email": staff.email, "password": "wrong-password"})
        assert response.status_code == 401
        assert response.json()["error"] == "Unauthorized"
        assert "пароль" in response.json()["detail"]
        actions = session.exec(select(AuditEvent.action)).all()
        assert "login.failed" in actions

    def test_form_login_redirects_to_next_and_rotates_session(self, client, staff, session):
        first = _login_form(client, staff.email)
        assert first.status_code == 303 and first.headers["location"] == "/account"
        cookie_one = client.cookies["kolo_session"]
        client.cookies.delete("kolo_session")  # the same browser signs in again after the cookie went away
        second = _login_form(client, staff.email)
        assert second.status_code == 303
        assert client.cookies["kolo_session"] != cookie_one
        assert len(session.exec(select(UserSession)).all()) == 2

    def test_form_login_with_wrong_password_keeps_email(self, client, staff):
        response = _login_form(client, staff.email, password="nope-nope-nope")
        assert response.status_code == 401
        assert 'value="nurse@kolo.test"' in response.text

    def test_offsite_next_is_ignored(self, client, staff):
        # The login page's form with its hidden `next` tampered with.
        response = submit(
            client,
            "/login",
            "/login",
            {"email": staff.email, "password": PASSWORD, "next": "//evil.example/x"},
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"] == "/"

    def test_logout_ends_the_session(self, staff_client):
        assert staff_client.post("/api/v1/auth/logout").status_code == 204
        assert staff_client.get("/api/v1/users/me").status_code == 401


class TestSessions:
    def test_page_without_session_redirects_to_login_with_next(self, client):
        response = client.get("/account?tab=1", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/account%3Ftab%3D1"

    def test_idle_session_expires(self, staff_client, session):
        row = session.exec(select(UserSession)).one()
        row.last_seen_at = utcnow() - timedelta(hours=9)
        session.add(row)
        session.commit()
        assert staff_client.get("/api/v1/users/me").status_code == 401

    def test_session_older_than_absolute_limit_expires(self, staff_client, session):
        row = session.exec(select(UserSession)).one()
        row.created_at = utcnow() - timedelta(days=8)
        session.add(row)
        session.commit()
        assert staff_client.get("/api/v1/users/me").status_code == 401


class TestCsrf:
    def test_cookie_write_without_csrf_is_403(self, staff_client):
        del staff_client.headers["X-CSRF-Token"]
        response = staff_client.post("/api/v1/tokens", json={"name": "x"})
        assert response.status_code == 403
        assert response.json()["error"] == "PermissionDenied"

    def test_cookie_write_with_wrong_csrf_is_403(self, staff_client):
        staff_client.headers["X-CSRF-Token"] = "0" * 64
        assert staff_client.post("/api/v1/tokens", json={"name": "x"}).status_code == 403

    def test_form_without_csrf_is_403(self, staff_page):
        assert submit(staff_page, "/account", "/account/tokens", {"name": "з ключем"}).status_code == 200
        response = staff_page.post("/account/tokens", data={"name": "x"})  # deliberately without the csrf_token
        assert response.status_code == 403 and CSRF_REFUSED in response.text

    def test_a_file_in_place_of_the_token_is_403_not_a_crash(self, staff_page):
        files = {"csrf_token": ("token.txt", b"0" * 64, "text/plain")}
        response = staff_page.post("/account/tokens", data={"name": "x"}, files=files)
        assert response.status_code == 403 and CSRF_REFUSED in response.text

    def test_login_form_without_csrf_is_403(self, client, staff):
        client.get("/login")  # a visitor who has the page (and its cookie) but sends the form without the token
        response = client.post("/login", data={"email": staff.email, "password": PASSWORD})
        assert response.status_code == 403 and CSRF_REFUSED in response.text

    def test_bearer_token_needs_no_csrf(self, client, staff, session):
        from tests.factories import make_token

        response = client.post("/api/v1/tokens", json={"name": "x"}, headers=make_token(session, staff))
        assert response.status_code == 201


class TestThrottling:
    def test_eleventh_failure_within_a_minute_is_429_even_with_the_right_password(self, client, staff):
        for _ in range(10):
            assert (
                client.post("/api/v1/auth/login", json={"email": staff.email, "password": "bad-pass-1"}).status_code
                == 401
            )
        response = client.post("/api/v1/auth/login", json={"email": staff.email, "password": PASSWORD})
        assert response.status_code == 429
        assert "хвилин" in response.json()["detail"]

    def test_form_and_slash_variant_share_the_bucket(self, client, staff):
        for _ in range(10):
            assert _login_form(client, staff.email, password="bad-pass-1").status_code == 401
        response = _login_form(client, staff.email, password="bad-pass-1", path="/login/")
        assert response.status_code in (307, 429)
        if response.status_code == 307:  # the slash variant is redirected to the same handler
            response = _login_form(client, staff.email, password="bad-pass-1")
        assert response.status_code == 429

    def test_other_accounts_from_the_same_address_are_not_stopped(self, client, new_client, staff, manager):
        for _ in range(10):
            client.post("/api/v1/auth/login", json={"email": staff.email, "password": "bad-pass-1"})
        assert sign_in(new_client(), manager.email)

    def test_failures_older_than_a_minute_do_not_count(self, client, staff, session):
        for _ in range(10):
            client.post("/api/v1/auth/login", json={"email": staff.email, "password": "bad-pass-1"})
        session.exec(update(LoginThrottle).values(minute=col(LoginThrottle.minute) - 1))  # a minute has passed
        session.commit()
        assert client.post("/api/v1/auth/login", json={"email": staff.email, "password": PASSWORD}).status_code == 200


def test_anonymous_api_write_is_401_not_403(client):
    response = client.post("/api/v1/tokens", json={"name": "x"})
    assert response.status_code == 401 and response.json()["error"] == "Unauthorized"
