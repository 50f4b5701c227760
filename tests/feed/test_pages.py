"""Feed pages: the home feed, forms keeping the text, load more, post and event pages, query counts."""

from fastapi.testclient import TestClient

from app.models.users import User
from tests.conftest import sign_in
from tests.factories import make_department, make_post, make_user
from tests.forms import find_form, parse, send, submit
from tests.queries import count_queries

CSRF = "csrf_token"
CSRF_REFUSED = "ключа безпеки"  # the 403 page's text when a form came without its token


def _form(client: TestClient, files=None, **fields):  # type: ignore[no-untyped-def]
    """The feed's "Write a post" form, as the person fills it in on the home page."""
    return submit(client, "/", "/posts", {"kind": "tip", **fields}, files=files, follow_redirects=False)


class TestFeedPage:
    def test_anonymous_goes_to_sign_in(self, client: TestClient) -> None:
        response = client.get("/", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login"

    def test_form_publishes_and_redirects_to_post(self, staff_page: TestClient) -> None:
        response = _form(staff_page, body="Порада з **гігієни** #руки")
        assert response.status_code == 303
        page = staff_page.get(response.headers["location"])
        assert "<strong>гігієни</strong>" in page.text and "#руки" in page.text
        assert "гігієни" in staff_page.get("/").text

    def test_empty_post_keeps_form_with_message(self, staff_page: TestClient) -> None:
        response = _form(staff_page, body="  ", tags="важливе")
        assert response.status_code == 422 and "порожній" in response.text.lower()
        assert 'value="важливе"' in response.text

    def test_overlong_post_keeps_text(self, staff_page: TestClient) -> None:
        response = _form(staff_page, body="Довгий текст " * 8000)
        assert response.status_code == 422 and "Довгий текст Довгий" in response.text

    def test_unknown_department_keeps_text(self, staff_page: TestClient) -> None:
        # A department the form does not offer (deleted while the page was open, or a tampered checkbox).
        response = _form(staff_page, body="Для відділення", department_ids="999")
        assert response.status_code == 422 and "Для відділення" in response.text

    def test_big_file_keeps_text(self, staff_page: TestClient, app) -> None:  # type: ignore[no-untyped-def]
        app.state.settings.max_upload_mb = 1
        files = {"files": ("scheme.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 10), "image/png")}
        response = _form(staff_page, files=files, body="Схема в додатку")
        assert response.status_code == 413 and "Схема в додатку" in response.text

    def test_wrong_cursor_is_a_clear_422(self, staff_client: TestClient) -> None:
        assert staff_client.get("/?cursor=nonsense!").status_code == 422

    def test_load_more_without_and_with_htmx(self, staff_client: TestClient) -> None:
        for i in range(22):
            staff_client.post("/api/v1/posts", json={"body": f"Допис номер {i}"})
        page = staff_client.get("/")
        assert "Допис номер 21" in page.text and "Допис номер 1<" not in page.text
        assert "?cursor=" in page.text
        cursor = page.text.split("?cursor=")[1].split('"')[0]
        more = staff_client.get(f"/?cursor={cursor}", headers={"HX-Request": "true"})
        assert "Допис номер 0" in more.text and "<html" not in more.text
        assert "Допис номер 0" in staff_client.get(f"/?cursor={cursor}").text

    def test_feed_queries_do_not_grow_with_posts(
        self,
        app,
        staff_client: TestClient,  # type: ignore[no-untyped-def]
        manager_client: TestClient,
    ) -> None:
        def add(n: int) -> None:
            for i in range(n):
                post = staff_client.post("/api/v1/posts", json={"body": f"Порада {i} #тег", "tags": ["x"]}).json()
                manager_client.post(f"/api/v1/posts/{post['id']}/reactions", json={"emoji": "👍"})
                manager_client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "Дякую"})

        add(5)
        with count_queries(app) as few:
            assert staff_client.get("/").status_code == 200
        add(15)
        with count_queries(app) as many:
            assert staff_client.get("/").text.count('class="post') >= 20
        assert len(many) == len(few), many
        assert len(many) <= 20


class TestPostPage:
    def test_other_department_gets_404(self, session, manager: User, new_client) -> None:  # type: ignore[no-untyped-def]
        make_user(session, email="surgeon@kolo.test", name="Хірург Олег", departments=["Хірургія"])
        therapy = make_department(session, name="Терапія").id
        post = make_post(session, manager, body="Лише терапія", department_ids=[therapy])
        surgeon = sign_in(new_client(), "surgeon@kolo.test")
        assert surgeon.get(f"/posts/{post.id}").status_code == 404
        assert "Лише терапія" not in surgeon.get("/").text

    def test_staff_cannot_pin_by_form(self, staff_page: TestClient) -> None:
        url = _form(staff_page, body="x").headers["location"]
        page = staff_page.get(url).text
        assert f"{url}/pin" not in {f.action for f in parse(page, url)[0]}  # staff are not offered the pin form
        # Deliberately forged: the pin form sent with the token of the staff member's own comment form, so the
        # refusal is about the role and not about a missing token.
        token = dict(find_form(page, f"{url}/comments", url).fields)[CSRF]
        response = staff_page.post(f"{url}/pin", data={CSRF: token})
        assert response.status_code == 403 and CSRF_REFUSED not in response.text

    def test_comment_reply_and_edit_pages(self, staff_page: TestClient) -> None:
        url = _form(staff_page, body="Перша").headers["location"]
        assert submit(staff_page, url, f"{url}/comments", {"body": "Коментар"}).status_code == 200
        # Each comment has its own reply form; the post's own comment form is the last one on the page.
        page = staff_page.get(url).text
        comment_form = [f for f in parse(page, url)[0] if f.action == f"{url}/comments"][-1]
        assert "parent_id" not in dict(comment_form.fields)
        empty = send(staff_page, comment_form, {"body": " "})
        assert empty.status_code == 422
        assert submit(staff_page, f"{url}/edit", f"{url}/edit", {"body": "Друга", "tags": ""}).status_code == 200
        page = staff_page.get(url).text
        assert "Коментар" in page and "Друга" in page and "Перша" in page  # the earlier version is kept


class TestMustRead:
    def test_top_until_read_and_report(self, manager_client: TestClient, staff_client: TestClient) -> None:
        post = manager_client.post(
            "/api/v1/posts", json={"body": "Нова інструкція з вакцинації", "kind": "announcement", "must_read": True}
        ).json()
        for i in range(3):
            staff_client.post("/api/v1/posts", json={"body": f"Пізніше {i}"})
        assert staff_client.get("/").text.index("Нова інструкція") < staff_client.get("/").text.index("Пізніше 2")
        assert staff_client.get("/api/v1/notifications/unread-count").json()["unread"] == 1
        staff_client.post(f"/api/v1/posts/{post['id']}/read")
        report = manager_client.get(f"/api/v1/posts/{post['id']}/reads").json()
        assert {p["name"] for g in report for p in g["read"]} == {"Бондаренко Ігор", "Шевченко Марія"}
        assert staff_client.get(f"/api/v1/posts/{post['id']}/reads").status_code == 403
        csv = manager_client.get(f"/posts/{post['id']}/reads.csv")
        assert csv.headers["content-type"].startswith("text/csv") and "Шевченко Марія" in csv.text

    def _announcement(self, client: TestClient) -> int:
        post = client.post(
            "/api/v1/posts", json={"body": "Нова інструкція з вакцинації", "kind": "announcement", "must_read": True}
        )
        assert post.status_code == 201, post.text
        return int(post.json()["id"])

    def test_the_author_has_read_it(self, manager_client: TestClient, staff: User) -> None:
        post_id = self._announcement(manager_client)
        report = manager_client.get(f"/api/v1/posts/{post_id}/reads").json()
        assert [([p["name"] for p in g["read"]], [p["name"] for p in g["unread"]]) for g in report] == [
            (["Бондаренко Ігор"], ["Шевченко Марія"])
        ]
        page = manager_client.get(f"/posts/{post_id}/reads").text
        assert "✅ Бондаренко Ігор" in page and "⏳ Бондаренко Ігор" not in page
        csv = manager_client.get(f"/posts/{post_id}/reads.csv").text
        assert "\nТерапія,Бондаренко Ігор,head@kolo.test,Прочитав(-ла)," in csv
        assert f'action="/posts/{post_id}/read"' not in manager_client.get("/").text  # nothing left to confirm

    def test_people_without_a_department_are_named(self, manager_client: TestClient, admin: User) -> None:
        post_id = self._announcement(manager_client)
        report = manager_client.get(f"/api/v1/posts/{post_id}/reads").json()
        assert [g["department"] for g in report] == ["Терапія", "Без відділення"]
        assert [p["name"] for p in report[1]["unread"]] == ["Коваленко Оксана"]
        assert "<h2>Без відділення" in manager_client.get(f"/posts/{post_id}/reads").text
        csv = manager_client.get(f"/posts/{post_id}/reads.csv").text
        assert "\nБез відділення,Коваленко Оксана,admin@kolo.test," in csv


class TestEvents:
    def _event(self, client: TestClient, capacity: int = 1):  # type: ignore[no-untyped-def]
        body = {
            "body": "Тренінг з серцево-легеневої реанімації",
            "kind": "event",
            "event": {
                "title": "СЛР для медсестер",
                "format": "training",
                "starts_at": "2030-03-10T10:00:00",
                "ends_at": "2030-03-10T12:00:00",
                "place": "Актова зала",
                "capacity": capacity,
            },
        }
        response = client.post("/api/v1/posts", json=body)
        assert response.status_code == 201, response.text
        return response.json()["event"]

    def test_waiting_list_and_promotion(
        self, manager_client: TestClient, staff_client: TestClient, session, new_client
    ) -> None:  # type: ignore[no-untyped-def]

        event = self._event(manager_client)
        assert event["starts_at"].startswith("2030-03-10T08:00")  # 10:00 in Kyiv is 08:00 UTC
        manager_client.post(f"/api/v1/events/{event['id']}/rsvp", json={"status": "going"})
        waiting = staff_client.post(f"/api/v1/events/{event['id']}/rsvp", json={"status": "going"}).json()
        assert waiting["my_status"] == "waitlisted"
        manager_client.post(f"/api/v1/events/{event['id']}/rsvp", json={"status": "declined"})
        assert staff_client.get(f"/api/v1/events/{event['id']}").json()["my_status"] == "going"
        assert staff_client.get("/api/v1/notifications/unread-count").json()["unread"] >= 1
        assert staff_client.get(f"/api/v1/events/{event['id']}/rsvps").status_code == 403
        attendees = manager_client.get(f"/api/v1/events/{event['id']}/rsvps").json()
        assert {a["status"] for a in attendees} == {"going", "declined"}

    def test_ics_and_page(self, manager_client: TestClient) -> None:
        event = self._event(manager_client)
        ics = manager_client.get(event["ics_url"])
        assert ics.headers["content-type"].startswith("text/calendar")
        assert "DTSTART:20300310T080000Z" in ics.text and "SUMMARY:СЛР для медсестер" in ics.text
        page = manager_client.get(event["url"]).text
        assert "СЛР для медсестер" in page and "Учасники" in page
