"""Deactivating a person from their admin page takes a second, explicit step, and says what happened."""

from tests.conftest import sign_in
from tests.forms import find_form, send, submit
from tests.system.test_flash import flash_text


def test_unticking_active_asks_before_anyone_is_signed_out(admin_page, new_client, staff):  # type: ignore[no-untyped-def]
    signed_in = sign_in(new_client(), staff.email)
    page = f"/admin/users/{staff.id}"
    asked = submit(admin_page, page, page, {"is_active": [], "name": "Інна Ткач"})
    assert asked.status_code == 200 and "Деактивувати: Інна Ткач?" not in asked.text
    assert f"Деактивувати: {staff.name}?" in asked.text
    assert 'value="Інна Ткач"' in asked.text  # what was typed is kept for the second step
    assert signed_in.get("/api/v1/users/me").status_code == 200  # nothing happened yet

    done = send(admin_page, find_form(asked.text, page, page))
    assert done.status_code == 200
    assert "деактивовано" in flash_text(done.text)
    assert signed_in.get("/api/v1/users/me").status_code == 401


def test_saving_an_active_person_needs_no_second_step(admin_page, staff):  # type: ignore[no-untyped-def]
    page = f"/admin/users/{staff.id}"
    done = submit(admin_page, page, page, {"name": "Інна Ткач"})
    assert flash_text(done.text) == "Збережено: Інна Ткач."
