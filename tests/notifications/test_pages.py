"""The notifications page and API: the list with batched counts, opening one, reading all, someone else's; the
settings on a server that sends no mail."""

from fastapi.testclient import TestClient

from tests.conftest import sign_in_page
from tests.forms import submit


class TestNotificationsPage:
    def test_list_open_and_read_all(
        self,
        staff_client: TestClient,
        manager_client: TestClient,  # type: ignore[no-untyped-def]
        new_client,
        staff,
    ) -> None:
        post = staff_client.post("/api/v1/posts", json={"body": "Моя порада"}).json()
        manager_client.post(f"/api/v1/posts/{post['id']}/reactions", json={"emoji": "👍"})
        manager_client.post(f"/api/v1/posts/{post['id']}/reactions", json={"emoji": "❤️"})
        browser = sign_in_page(new_client(), staff.email)
        page = browser.get("/notifications")
        assert page.status_code == 200 and "×2" in page.text
        assert "1" in browser.get("/notifications/bell").text
        notification = browser.get("/api/v1/notifications").json()["items"][0]
        opened = submit(browser, "/notifications", f"/notifications/{notification['id']}/open", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == post["url"]
        assert staff_client.get("/api/v1/notifications/unread-count").json()["unread"] == 0

    def test_someone_elses_notification_is_404(self, staff_client: TestClient, manager_client: TestClient) -> None:
        post = staff_client.post("/api/v1/posts", json={"body": "x"}).json()
        manager_client.post(f"/api/v1/posts/{post['id']}/reactions", json={"emoji": "👍"})
        notification = staff_client.get("/api/v1/notifications").json()["items"][0]
        assert manager_client.post(f"/api/v1/notifications/{notification['id']}/read").status_code == 404


class TestWithoutMail:
    def test_the_settings_say_everything_stays_in_the_bell_and_email_is_refused(self, staff_page: TestClient) -> None:
        page = staff_page.get("/account/notifications")
        assert page.status_code == 200 and "Цей сервер не надсилає листів" in page.text
        assert 'type="radio"' not in page.text
        assert staff_page.get("/api/v1/account/notification-settings").json()["mail_enabled"] is False

    def test_the_api_refuses_email_on_a_server_that_sends_none(self, staff_client: TestClient) -> None:
        url = "/api/v1/account/notification-settings"
        refused = staff_client.put(url, json={"channels": {"mentions": "email"}})
        assert refused.status_code == 409 and "не надсилає листів" in refused.json()["detail"]
        assert staff_client.put(url, json={"channels": {"mentions": "app"}}).status_code == 200
