"""Tags shown once and written one way in the feed and the knowledge base; the organizer's event edit page."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models.users import User
from app.text import normalize_tag
from tests.factories import make_event
from tests.forms import find_form, submit

CHANGES = {
    "event_title": "СЛР для медсестер",
    "event_format": "training",
    "event_starts_at": "2030-03-11T14:00",
    "event_ends_at": "2030-03-11T16:00",
    "event_place": "Навчальний клас, 2 поверх",
    "event_link": "",
    "event_capacity": "12",
}


def _edit(client: TestClient, event_id: int, **fields: str):  # type: ignore[no-untyped-def]
    """The organizer fills in the event's edit page and saves it."""
    url = f"/events/{event_id}/edit"
    return submit(client, url, url, {**CHANGES, **fields}, follow_redirects=False)


class TestTags:
    def test_one_normalization_for_every_domain(self) -> None:
        assert normalize_tag("  #Гігієна   Рук ") == "гігієна_рук"
        assert normalize_tag("Здоровʼя") == normalize_tag("здоров'я") == "здоров’я"
        assert normalize_tag("#гігієна_рук") == "гігієна_рук"

    def test_feed_and_kb_store_the_same_tag(self, staff_client: TestClient, manager_client: TestClient) -> None:
        post = staff_client.post("/api/v1/posts", json={"body": "Порада #Гігієна_рук", "tags": ["Гігієна рук"]})
        assert post.json()["tags"] == ["гігієна_рук"]
        article = manager_client.post(
            "/api/v1/articles", json={"title": "Миття рук", "body": "Тридцять секунд.", "tags": ["Гігієна рук"]}
        )
        assert article.json()["tags"] == ["гігієна_рук"]

    def test_a_ukrainian_apostrophe_stays_in_a_hashtag(self, staff_client: TestClient) -> None:
        post = staff_client.post("/api/v1/posts", json={"body": "Бережіть #здоров’я колег"}).json()
        assert post["tags"] == ["здоров’я"]

    def test_tags_already_in_the_text_are_not_listed_again(self, staff_client: TestClient) -> None:
        staff_client.post("/api/v1/posts", json={"body": "Маски міняємо щодві години #маски", "tags": ["епідсезон"]})
        page = staff_client.get("/").text
        assert page.count(">#маски<") == 1 and page.count(">#епідсезон<") == 1

    def test_the_feed_filter_finds_a_tag_however_it_is_typed(self, staff_client: TestClient) -> None:
        staff_client.post("/api/v1/posts", json={"body": "Порада для всіх #гігієна_рук"})
        assert "Порада для всіх" in staff_client.get("/?tag=Гігієна рук").text


class TestEventEditPage:
    def test_organizer_changes_the_event_and_attendees_are_told(
        self,
        manager_client: TestClient,
        manager_page: TestClient,
        staff_client: TestClient,
        session: Session,
        manager: User,
    ) -> None:
        event_id = make_event(session, manager, capacity=10).id
        staff_client.post(f"/api/v1/events/{event_id}/rsvp", json={"status": "going"})
        form = manager_page.get(f"/events/{event_id}/edit")
        assert form.status_code == 200 and 'value="2030-03-10T10:00"' in form.text  # shown in Kyiv time
        saved = _edit(manager_page, event_id)
        assert saved.status_code == 303 and saved.headers["location"] == f"/events/{event_id}"
        changed = staff_client.get(f"/api/v1/events/{event_id}").json()
        assert changed["starts_at"].startswith("2030-03-11T12:00") and changed["place"] == "Навчальний клас, 2 поверх"
        assert changed["capacity"] == 12
        texts = [n["text"] for n in staff_client.get("/api/v1/notifications").json()["items"]]
        assert any("СЛР для медсестер" in t for t in texts)
        assert "Змінити подію" in manager_client.get(f"/events/{event_id}").text

    def test_a_mistake_keeps_what_was_typed(self, session: Session, manager: User, manager_page: TestClient) -> None:
        event_id = make_event(session, manager, capacity=10).id
        bad = _edit(manager_page, event_id, event_ends_at="2030-03-11T13:00", event_place="Конференц-зала")
        assert bad.status_code == 422 and 'value="Конференц-зала"' in bad.text and "пізніше" in bad.text

    def test_only_the_organizer_may_change_it(self, session: Session, manager: User, staff_page: TestClient) -> None:
        event_id = make_event(session, manager, capacity=10).id
        url = f"/events/{event_id}/edit"
        assert staff_page.get(url).status_code == 403
        # Deliberately forged: the edit sent with the token of the staff member's own feed form, so the refusal is
        # about who may change the event and not about a missing token.
        token = dict(find_form(staff_page.get("/").text, "/posts", "/").fields)["csrf_token"]
        refused = staff_page.post(url, data={**CHANGES, "csrf_token": token}, follow_redirects=False)
        assert refused.status_code == 403 and "ключа безпеки" not in refused.text
        assert "Змінити подію" not in staff_page.get(f"/events/{event_id}").text
