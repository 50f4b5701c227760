"""Administration: invites, roles, departments, deactivation, the audit log; and who may do it."""

import re

import pytest
from sqlmodel import select

from app.models.audit import AuditEvent
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_token
from tests.forms import find_form, submit

CSRF_REFUSED = "ключа безпеки"  # the 403 page's text when a form came without its token

ADMIN_ROUTES = [
    ("GET", "/api/v1/users", None),
    ("POST", "/api/v1/users", {"email": "new@kolo.test", "name": "Нова Людина", "role": "staff"}),
    ("GET", "/api/v1/users/1", None),
    ("PATCH", "/api/v1/users/1", {"role": "admin"}),
    ("DELETE", "/api/v1/users/1", None),
    ("POST", "/api/v1/users/1/invite", None),
    ("POST", "/api/v1/departments", {"name": "Кардіологія"}),
    ("PATCH", "/api/v1/departments/1", {"name": "Кардіологія"}),
    ("GET", "/api/v1/audit", None),
    ("GET", "/admin", None),
    ("GET", "/admin/users/new", None),
    ("POST", "/admin/users/new", {"email": "x@kolo.test", "name": "X"}),
    ("GET", "/admin/users/1", None),
    ("POST", "/admin/users/1", {"role": "admin"}),
    ("POST", "/admin/users/1/invite", {}),
    ("GET", "/admin/departments", None),
    ("POST", "/admin/departments", {"name": "Кардіологія"}),
    ("GET", "/admin/audit", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
@pytest.mark.parametrize("role", ["staff", "manager"])
def test_non_admins_get_403_on_every_admin_route(request, method, path, body, role):
    if path.startswith("/api/"):
        response = request.getfixturevalue(f"{role}_client").request(method, path, json=body)
    elif method == "GET":
        response = request.getfixturevalue(f"{role}_page").get(path)
    else:
        # Deliberately forged: no admin page opens for them, so the form goes with the token of their own profile
        # form; the refusal must be about the role, not about a missing token.
        browser = request.getfixturevalue(f"{role}_page")
        token = dict(find_form(browser.get("/account").text, "/account/profile", "/account").fields)["csrf_token"]
        response = browser.post(path, data={**(body or {}), "csrf_token": token})
        assert CSRF_REFUSED not in response.text
    assert response.status_code == 403


def test_anonymous_api_gets_401_with_error_shape(client):
    response = client.get("/api/v1/users")
    assert response.status_code == 401
    assert set(response.json()) == {"error", "detail"}


class TestInviteFlow:
    def test_admin_invites_and_the_new_person_sets_a_password_and_is_signed_in(self, admin_client, new_client):
        therapy = admin_client.post("/api/v1/departments", json={"name": "Кардіологія"}).json()
        response = admin_client.post(
            "/api/v1/users",
            json={
                "email": "Olena@Kolo.test",
                "name": "Петренко Олена",
                "role": "staff",
                "department_ids": [therapy["id"]],
            },
        )
        assert response.status_code == 201
        created = response.json()
        assert created["email"] == "olena@kolo.test" and created["handle"] == "petrenko.olena"
        invite_path = re.sub(r"^https?://[^/]+", "", created["invite_url"])

        newcomer = new_client()
        page = newcomer.get(invite_path)
        assert page.status_code == 200 and "Петренко Олена" in page.text
        short = submit(newcomer, invite_path, invite_path, {"password": "short", "password2": "short"})
        assert short.status_code == 422 and "10" in short.text
        done = submit(
            newcomer, invite_path, invite_path, {"password": PASSWORD, "password2": PASSWORD}, follow_redirects=False
        )
        assert done.status_code == 303
        me = newcomer.get("/api/v1/users/me").json()
        assert me["email"] == "olena@kolo.test" and me["department_ids"] == [therapy["id"]]

        again = new_client().get(invite_path)
        assert again.status_code == 404  # one-time

    def test_a_new_invite_link_replaces_the_old_one(self, admin_client, new_client):
        created = admin_client.post("/api/v1/users", json={"email": "b@kolo.test", "name": "Б", "role": "staff"}).json()
        first = re.sub(r"^https?://[^/]+", "", created["invite_url"])
        second = admin_client.post(f"/api/v1/users/{created['id']}/invite").json()["invite_url"]
        assert new_client().get(first).status_code == 404
        assert new_client().get(re.sub(r"^https?://[^/]+", "", second)).status_code == 200

    def test_duplicate_email_is_a_clear_409(self, admin_client, staff):
        response = admin_client.post("/api/v1/users", json={"email": staff.email, "name": "X", "role": "staff"})
        assert response.status_code == 409
        assert staff.email in response.json()["detail"]

    def test_invite_form_keeps_typed_fields_on_error(self, admin_page, staff):
        response = submit(
            admin_page,
            "/admin/users/new",
            "/admin/users/new",
            {"email": staff.email, "name": "Ткаченко Андрій", "role": "staff"},
        )
        assert response.status_code == 409 or response.status_code == 422
        assert "Ткаченко Андрій" in response.text


class TestRolesAndDeactivation:
    def test_role_change_is_audited(self, admin_client, staff, session):
        response = admin_client.patch(f"/api/v1/users/{staff.id}", json={"role": "manager"})
        assert response.status_code == 200 and response.json()["role"] == "manager"
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "user.updated")).one()
        assert event.detail["role"] == ["staff", "manager"]

    def test_deactivated_user_is_signed_out_at_once_and_tokens_stop(self, admin_client, staff_client, staff, session):
        headers = make_token(session, staff)
        assert staff_client.get("/api/v1/users/me").status_code == 200
        assert admin_client.delete(f"/api/v1/users/{staff.id}").status_code == 204
        assert staff_client.get("/api/v1/users/me").status_code == 401
        assert staff_client.get("/account", follow_redirects=False).status_code == 303
        assert admin_client.get("/api/v1/users/me", headers=headers).status_code == 401
        response = staff_client.post("/api/v1/auth/login", json={"email": staff.email, "password": PASSWORD})
        assert response.status_code == 401

    def test_admin_cannot_deactivate_themselves(self, admin_client, admin):
        response = admin_client.patch(f"/api/v1/users/{admin.id}", json={"is_active": False})
        assert response.status_code == 422

    def test_unknown_department_is_refused(self, admin_client, staff):
        response = admin_client.patch(f"/api/v1/users/{staff.id}", json={"department_ids": [999]})
        assert response.status_code == 422 and "999" in response.json()["detail"]


class TestDepartmentsAndAudit:
    def test_departments_are_listed_in_ukrainian_alphabetical_order(self, admin_client):
        for name in ["Ендокринологія", "Інфекційне", "Гастроентерологія", "Ґрунтова лабораторія", "Їдальня"]:
            assert admin_client.post("/api/v1/departments", json={"name": name}).status_code == 201
        names = [d["name"] for d in admin_client.get("/api/v1/departments").json()["items"]]
        assert names == ["Гастроентерологія", "Ґрунтова лабораторія", "Ендокринологія", "Інфекційне", "Їдальня"]

    def test_audit_page_filters_by_action(self, admin_client, client, staff):
        client.post("/api/v1/auth/login", json={"email": staff.email, "password": "wrong-password"})
        page = admin_client.get("/admin/audit?action=login.failed")
        assert page.status_code == 200
        assert "nurse@kolo.test" in page.text and "login.succeeded" not in page.text.split("<tbody>")[1]

    def test_audit_api_lists_newest_first_with_cursor(self, admin_client):
        first = admin_client.get("/api/v1/audit?limit=1").json()
        assert len(first["items"]) == 1 and first["next_cursor"]
        second = admin_client.get(f"/api/v1/audit?limit=1&cursor={first['next_cursor']}").json()
        assert second["items"][0]["id"] < first["items"][0]["id"]

    def test_bad_cursor_is_422_not_500(self, admin_client):
        response = admin_client.get("/api/v1/audit?cursor=%%%bad")
        assert response.status_code == 422 and response.json()["error"] == "InvalidInput"


def test_staff_signs_in_with_the_api_and_sees_themselves(client, staff):
    me = sign_in(client, staff.email).get("/api/v1/users/me").json()
    assert me["handle"] == "shevchenko.mariia" and me["url"]
