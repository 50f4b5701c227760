"""Staff work phones: set on invite, by an admin and on one's own account page, checked to be a real phone number
and kept in one international form (the patient-data guard's staff directory reads them)."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.errors import InvalidInput
from app.models.users import User
from app.services import users as users_service
from tests.conftest import sign_in_page
from tests.forms import submit


class TestNormalize:
    @pytest.mark.parametrize(
        "typed", ["044 123 45 67", "+380 44 123 45 67", "+38 (044) 123-45-67", "380441234567", " 044-123-45-67 "]
    )
    def test_local_and_international_forms_are_one_number(self, typed: str) -> None:
        assert users_service.normalize_work_phone(typed) == "+380441234567"

    def test_empty_stays_empty(self) -> None:
        assert users_service.normalize_work_phone("  ") == ""

    @pytest.mark.parametrize("typed", ["12345", "телефон", "+380 12", "044 123 45 67 89 00"])
    def test_not_a_phone_is_refused(self, typed: str) -> None:
        with pytest.raises(InvalidInput):
            users_service.normalize_work_phone(typed)


class TestAccount:
    def test_own_work_phone_on_the_account_page(self, new_client, staff: User, session: Session) -> None:  # type: ignore[no-untyped-def]
        page = sign_in_page(new_client(), staff.email)
        saved = submit(page, "/account", "/account/profile", {"work_phone": "044 123 45 67"})
        assert saved.status_code == 200 and 'value="+380441234567"' in saved.text
        session.refresh(staff)
        assert staff.work_phone == "+380441234567"

    def test_a_wrong_number_comes_back_with_the_message(self, new_client, staff: User) -> None:  # type: ignore[no-untyped-def]
        page = sign_in_page(new_client(), staff.email)
        refused = submit(page, "/account", "/account/profile", {"work_phone": "12345"})
        assert refused.status_code == 422 and "не номер телефону" in refused.text and 'value="12345"' in refused.text

    def test_the_api_shows_and_changes_it(self, staff_client: TestClient) -> None:
        me = staff_client.get("/api/v1/users/me").json()
        changed = staff_client.patch(
            "/api/v1/users/me",
            json={"name": me["name"], "handle": me["handle"], "timezone": me["timezone"], "work_phone": "0501234567"},
        )
        assert changed.status_code == 200 and changed.json()["work_phone"] == "+380501234567"


class TestAdmin:
    def test_invite_with_a_work_phone(self, new_client, admin: User, session: Session) -> None:  # type: ignore[no-untyped-def]
        page = sign_in_page(new_client(), admin.email)
        data = {"name": "Мельник Юлія", "email": "julia@kolo.test", "work_phone": "+38 (044) 123-45-68"}
        assert submit(page, "/admin/users/new", "/admin/users/new", data).status_code == 200
        person = users_service.get_user_by_email(session=session, email="julia@kolo.test")
        assert person is not None and person.work_phone == "+380441234568"
        assert "+380441234568" in page.get("/admin").text

    def test_edit_a_persons_work_phone_or_clear_it(
        self, new_client, admin: User, staff: User, session: Session
    ) -> None:  # type: ignore[no-untyped-def]
        page = sign_in_page(new_client(), admin.email)
        path = f"/admin/users/{staff.id}"
        assert submit(page, path, path, {"work_phone": "044 123 45 69"}).status_code == 200
        session.refresh(staff)
        assert staff.work_phone == "+380441234569"
        refused = submit(page, path, path, {"work_phone": "нема"})
        assert refused.status_code == 422 and "не номер телефону" in refused.text
        assert submit(page, path, path, {"work_phone": ""}).status_code == 200
        session.refresh(staff)
        assert staff.work_phone == ""
