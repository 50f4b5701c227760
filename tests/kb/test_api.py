"""The articles API: shapes, statuses and who may do what."""

from tests.conftest import sign_in
from tests.factories import make_user
from tests.kb.helpers import make_article, publish


class TestCreateArticle:
    def test_anonymous_gets_401(self, client):
        assert client.get("/api/v1/articles").status_code == 401
        assert client.post("/api/v1/articles", json={"title": "X"}).status_code in (401, 403)

    def test_staff_creates_a_draft(self, staff_client):
        response = staff_client.post(
            "/api/v1/articles",
            json={
                "title": "Гігієна рук",
                "body": "Тридцять секунд <script>alert(1)</script>",
                "tags": ["#Гігієна", "руки"],
                "requires_acknowledgement": True,
            },
        )
        assert response.status_code == 201, response.text
        article = response.json()
        assert article["status"] == "draft"
        assert article["slug"] == "hihiiena-ruk"
        assert article["url"] == "/kb/hihiiena-ruk"
        assert article["tags"] == ["гігієна", "руки"]
        assert "<script>" not in article["html"] and "&lt;script&gt;" in article["html"]

    def test_slugs_stay_unique(self, staff_client):
        first = staff_client.post("/api/v1/articles", json={"title": "Гігієна рук"}).json()
        second = staff_client.post("/api/v1/articles", json={"title": "Гігієна рук"}).json()
        assert (first["slug"], second["slug"]) == ("hihiiena-ruk", "hihiiena-ruk-2")

    def test_empty_title_is_422(self, staff_client):
        response = staff_client.post("/api/v1/articles", json={"title": ""})
        assert response.status_code == 422
        assert set(response.json()) == {"error", "detail"}


class TestLifecycle:
    def test_staff_cannot_publish_manager_can(self, staff_client, manager_client):
        article = staff_client.post("/api/v1/articles", json={"title": "Гігієна рук", "body": "Текст"}).json()
        assert staff_client.post(f"/api/v1/articles/{article['id']}/publish", json={}).status_code == 403
        response = manager_client.post(f"/api/v1/articles/{article['id']}/publish", json={})
        assert response.status_code == 200
        assert response.json()["status"] == "published" and response.json()["version"] == "1.0"

    def test_submit_return_and_publish(self, staff_client, manager_client):
        article = staff_client.post("/api/v1/articles", json={"title": "Катетер", "body": "Крок 1"}).json()
        url = f"/api/v1/articles/{article['id']}"
        assert staff_client.post(f"{url}/submit").json()["status"] == "in_review"
        assert staff_client.post(f"{url}/return", json={"comment": "Додайте джерела"}).status_code == 403
        returned = manager_client.post(f"{url}/return", json={"comment": "Додайте джерела"})
        assert returned.json()["status"] == "draft"
        assert manager_client.post(f"{url}/return", json={"comment": "x"}).status_code == 409

    def test_published_version_stays_visible_while_change_is_in_review(
        self, staff_client, manager_client, session, staff, manager
    ):
        article = make_article(session, staff, body="Стара версія")
        publish(session, article, manager)
        url = f"/api/v1/articles/{article.id}"
        saved = staff_client.patch(url, json={"base_revision_id": article.head_revision_id, "body": "Нова версія"})
        assert saved.status_code == 200, saved.text
        staff_client.post(f"{url}/submit")
        reader = sign_in(staff_client, make_user(session, email="r@kolo.test").email)
        shown = reader.get(url).json()
        assert shown["body"] == "Стара версія" and shown["change_state"] == "in_review"
        published = manager_client.post(f"{url}/publish", json={"major": False, "change_note": "Уточнення"}).json()
        assert published["body"] == "Нова версія" and published["version"] == "1.1"

    def test_conflict_on_an_older_base(self, staff_client, manager_client, session, staff):
        article = make_article(session, staff)
        base = article.head_revision_id
        url = f"/api/v1/articles/{article.id}"
        assert manager_client.patch(url, json={"base_revision_id": base, "body": "Керівник"}).status_code == 200
        conflict = staff_client.patch(url, json={"base_revision_id": base, "body": "Медсестра"})
        assert conflict.status_code == 409 and conflict.json()["error"] == "RevisionConflict"
        assert manager_client.get(url).json()["body"] == "Керівник"

    def test_archived_is_hidden_from_lists_unless_asked(self, manager_client, session, manager):
        article = make_article(session, manager, title="Стара інструкція")
        publish(session, article, manager)
        manager_client.post(f"/api/v1/articles/{article.id}/archive")
        assert manager_client.get("/api/v1/articles").json()["items"] == []
        archived = manager_client.get("/api/v1/articles?status=archived").json()["items"]
        assert [a["id"] for a in archived] == [article.id]


class TestAcknowledgements:
    def test_reader_acknowledges_and_manager_sees_it(self, staff_client, manager_client, session, staff, manager):
        article = make_article(session, manager, requires_acknowledgement=True)
        publish(session, article, manager)
        url = f"/api/v1/articles/{article.id}"
        assert staff_client.get(url).json()["needs_acknowledgement"] is True
        assert staff_client.post(f"{url}/acknowledge").status_code == 200
        assert staff_client.post(f"{url}/acknowledge").status_code == 200  # once per version
        report = manager_client.get(f"{url}/acknowledgements").json()
        mine = [i for i in report["items"] if i["email"] == staff.email][0]
        assert mine["current"] is True and mine["version"] == 1
        assert staff_client.get(f"{url}/acknowledgements").status_code == 403

    def test_major_version_asks_again_editorial_does_not(self, staff_client, manager_client, session, staff, manager):
        article = make_article(session, manager, requires_acknowledgement=True)
        publish(session, article, manager)
        url = f"/api/v1/articles/{article.id}"
        staff_client.post(f"{url}/acknowledge")
        head = manager_client.get(url).json()["head_revision_id"]
        manager_client.patch(url, json={"base_revision_id": head, "body": "Редакційна правка"})
        manager_client.post(f"{url}/publish", json={"major": False})
        assert staff_client.get(url).json()["needs_acknowledgement"] is False
        head = manager_client.get(url).json()["head_revision_id"]
        manager_client.patch(url, json={"base_revision_id": head, "body": "Нові вимоги"})
        manager_client.post(f"{url}/publish", json={"kind": "major", "change_note": "Нові вимоги до обробки"})
        assert staff_client.get(url).json()["needs_acknowledgement"] is True
        report = manager_client.get(f"{url}/acknowledgements").json()
        assert report["current_version"] == 2 and report["missing"] >= 1
        mine = [i for i in report["items"] if i["email"] == staff.email][0]
        assert mine["version"] == 1 and mine["current"] is False
