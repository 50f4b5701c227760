"""The notification settings page and API on a server that sends mail: what a person chooses is kept, shown again,
and used; a refused form comes back as it was filled in."""

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from tests.forms import submit
from tests.markup import flash_text
from tests.notifications.mail_server import with_mail


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """This module's server sends mail."""
    return with_mail(settings)


def _checked(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    values = [part.split('"', 1)[0] for part in html.split(marker)[1:]]
    checked = [
        v for v, part in zip(values, html.split(marker)[1:], strict=True) if part.split(">", 1)[0].endswith("checked")
    ]
    assert len(checked) == 1, (name, checked)
    return checked[0]


class TestPage:
    def test_defaults_then_a_saved_choice_shown_again_and_in_the_api(self, staff_page: TestClient) -> None:
        page = staff_page.get("/account/notifications")
        assert page.status_code == 200
        assert "Згадки про мене" in page.text and "Події, на які я йду" in page.text
        assert _checked(page.text, "mentions") == "email" and _checked(page.text, "other") == "app"
        saved = submit(
            staff_page, "/account/notifications", "/account/notifications", {"mentions": "digest", "digest_hour": "19"}
        )
        assert saved.status_code == 200 and flash_text(saved.text) == "Налаштування сповіщень збережено."
        assert _checked(saved.text, "mentions") == "digest" and '<option value="19" selected>19:00' in saved.text
        api = staff_page.get("/api/v1/account/notification-settings").json()
        assert api["channels"]["mentions"] == "digest" and api["digest_hour"] == 19 and api["mail_enabled"] is True

    def test_a_refused_form_keeps_what_was_chosen(self, staff_page: TestClient) -> None:
        refused = submit(
            staff_page, "/account/notifications", "/account/notifications", {"replies": "email", "digest_hour": "99"}
        )
        assert refused.status_code == 422
        assert "Година підсумку — від 0 до 23." in refused.text
        assert _checked(refused.text, "replies") == "email"
        assert staff_page.get("/api/v1/account/notification-settings").json()["channels"]["replies"] == "digest"

    def test_the_account_page_and_the_bell_lead_here(self, staff_page: TestClient) -> None:
        for path in ("/account", "/notifications"):
            assert 'href="/account/notifications"' in staff_page.get(path).text


class TestApi:
    def test_unknown_kind_or_channel_is_refused_with_a_message(self, staff_client: TestClient) -> None:
        url = "/api/v1/account/notification-settings"
        unknown = staff_client.put(url, json={"channels": {"sms-news": "email"}})
        assert unknown.status_code == 422 and "sms-news" in unknown.json()["detail"]
        bad = staff_client.put(url, json={"channels": {"mentions": "pigeon"}})
        assert bad.status_code == 422
        assert staff_client.put(url, json={"digest_hour": 24}).status_code == 422
        ok = staff_client.put(url, json={"channels": {"events": "digest"}})
        assert ok.status_code == 200 and ok.json()["channels"]["events"] == "digest"
        assert ok.json()["channels"]["mentions"] == "email"  # the rest as they were

    def test_signed_out_is_sent_to_sign_in(self, client: TestClient) -> None:
        assert client.get("/api/v1/account/notification-settings").status_code == 401
        page = client.get("/account/notifications", follow_redirects=False)
        assert page.status_code in (302, 303) and page.headers["location"].startswith("/login")
