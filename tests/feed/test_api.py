"""The feed's JSON API: shapes, status codes, permissions."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import sign_in
from tests.factories import make_user


def _post(client: TestClient, **data):  # type: ignore[no-untyped-def]
    body = {"body": "Порада: **гігієна рук** #руки", "kind": "tip", **data}
    response = client.post("/api/v1/posts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


class TestCreatePost:
    def test_anonymous_is_refused(self, client: TestClient) -> None:
        assert client.post("/api/v1/posts", json={"body": "x"}).status_code in (401, 403)

    def test_post_reads_back_with_its_fields(self, staff_client: TestClient) -> None:
        post = _post(staff_client, tags=["Гігієна"])
        assert {"id", "url", "html", "kind", "tags", "department_ids", "author"} <= set(post)
        assert post["tags"] == ["гігієна", "руки"] and "<strong>гігієна рук</strong>" in post["html"]
        assert staff_client.get(post["url"].replace("/posts", "/api/v1/posts")).json()["id"] == post["id"]

    def test_empty_post_is_refused(self, staff_client: TestClient) -> None:
        response = staff_client.post("/api/v1/posts", json={"body": "   ", "kind": "tip"})
        assert response.status_code == 422 and response.json()["error"] == "InvalidInput"

    def test_overlong_post_is_refused(self, staff_client: TestClient) -> None:
        response = staff_client.post("/api/v1/posts", json={"body": "а" * 100_000, "kind": "tip"})
        assert response.status_code == 422 and "100" in response.json()["detail"]

    def test_unknown_department_is_refused(self, staff_client: TestClient) -> None:
        response = staff_client.post("/api/v1/posts", json={"body": "x", "department_ids": [999]})
        assert response.status_code == 422 and "999" in response.json()["detail"]

    def test_wrong_cursor_is_refused(self, staff_client: TestClient) -> None:
        assert staff_client.get("/api/v1/posts?cursor=%%%").status_code == 422
        assert staff_client.get("/api/v1/posts?cursor=WyJ4Il0").status_code == 422

    def test_staff_cannot_make_must_read(self, staff_client: TestClient) -> None:
        response = staff_client.post("/api/v1/posts", json={"body": "x", "kind": "announcement", "must_read": True})
        assert response.status_code == 403


class TestListPosts:
    def test_keyset_pages(self, staff_client: TestClient) -> None:
        ids = [_post(staff_client, body=f"Порада {i}")["id"] for i in range(3)]
        first = staff_client.get("/api/v1/posts?limit=2").json()
        second = staff_client.get(f"/api/v1/posts?limit=2&cursor={first['next_cursor']}").json()
        assert [p["id"] for p in first["items"] + second["items"]] == ids[::-1]
        assert second["next_cursor"] is None

    def test_filters(self, staff_client: TestClient) -> None:
        _post(staff_client, body="Питання про #вакцинація", kind="question")
        _post(staff_client, body="Інше")
        assert len(staff_client.get("/api/v1/posts?kind=question").json()["items"]) == 1
        assert len(staff_client.get("/api/v1/posts?tag=вакцинація").json()["items"]) == 1
        assert len(staff_client.get("/api/v1/posts?author=shevchenko.mariia").json()["items"]) == 2


class TestDepartmentPosts:
    def test_other_department_cannot_read(self, session: Session, manager_client: TestClient, new_client) -> None:  # type: ignore[no-untyped-def]
        make_user(session, email="surgeon@kolo.test", name="Хірург Олег", departments=["Хірургія"], handle="oleg")
        therapy = manager_client.get("/api/v1/departments").json()
        therapy_id = next(
            d["id"] for d in (therapy["items"] if isinstance(therapy, dict) else therapy) if d["name"] == "Терапія"
        )
        post = _post(manager_client, body="Лише для терапії @oleg", department_ids=[therapy_id])
        other = sign_in(new_client(), "surgeon@kolo.test")
        assert other.get(f"/api/v1/posts/{post['id']}").status_code == 404
        assert other.get("/api/v1/posts").json()["items"] == []
        assert other.get(f"/api/v1/posts/{post['id']}/reactions").status_code == 404
        assert other.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "x"}).status_code == 404
        assert other.get("/api/v1/notifications").json()["items"] == []


class TestModeration:
    def test_staff_cannot_pin(self, staff_client: TestClient) -> None:
        post = _post(staff_client)
        assert staff_client.post(f"/api/v1/posts/{post['id']}/pin", json={}).status_code == 403

    def test_manager_pins(self, staff_client: TestClient, manager_client: TestClient) -> None:
        post = _post(staff_client)
        assert manager_client.post(f"/api/v1/posts/{post['id']}/pin", json={}).json()["pinned"] is True

    def test_staff_cannot_delete_anothers_post(self, staff_client: TestClient, manager_client: TestClient) -> None:
        post = _post(manager_client)
        assert staff_client.delete(f"/api/v1/posts/{post['id']}").status_code == 403

    def test_manager_deletes_and_post_is_gone(self, staff_client: TestClient, manager_client: TestClient) -> None:
        post = _post(staff_client)
        assert manager_client.delete(f"/api/v1/posts/{post['id']}").status_code == 204
        assert staff_client.get(f"/api/v1/posts/{post['id']}").status_code == 404

    def test_edit_keeps_earlier_version(self, staff_client: TestClient, manager_client: TestClient) -> None:
        post = _post(staff_client, body="Перша версія")
        assert manager_client.patch(f"/api/v1/posts/{post['id']}", json={"body": "x"}).status_code == 403
        edited = staff_client.patch(f"/api/v1/posts/{post['id']}", json={"body": "Друга версія"}).json()
        assert edited["edited"] is True and "Друга" in edited["html"]
        revisions = staff_client.get(f"/api/v1/posts/{post['id']}/revisions").json()
        assert [r["body"] for r in revisions] == ["Перша версія"]


class TestSocial:
    def test_comment_reply_and_notifications(self, staff_client: TestClient, manager_client: TestClient) -> None:
        post = _post(staff_client)
        comment = manager_client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "Дякую!"}).json()
        reply = staff_client.post(
            f"/api/v1/posts/{post['id']}/comments", json={"body": "Будь ласка", "parent_id": comment["id"]}
        ).json()
        assert reply["parent_id"] == comment["id"]
        texts = [n["text"] for n in manager_client.get("/api/v1/notifications").json()["items"]]
        assert texts == ["Шевченко Марія відповідає на ваш коментар"]

    def test_reactions_once_each_and_who(self, staff_client: TestClient, manager_client: TestClient) -> None:
        post = _post(staff_client)
        for _ in range(2):
            manager_client.post(f"/api/v1/posts/{post['id']}/reactions", json={"emoji": "👍"})
        shown = staff_client.get(f"/api/v1/posts/{post['id']}").json()
        assert shown["reactions"] == [{"emoji": "👍", "count": 1, "mine": False}]
        who = staff_client.get(f"/api/v1/posts/{post['id']}/reactions").json()
        assert who[0]["user"]["name"] == "Бондаренко Ігор"
        assert manager_client.post(f"/api/v1/posts/{post['id']}/reactions", json={"emoji": "🤡"}).status_code == 422

    def test_mention_notifies(self, staff_client: TestClient, manager_client: TestClient) -> None:
        _post(manager_client, body="@shevchenko.mariia подивіться, будь ласка")
        unread = staff_client.get("/api/v1/notifications/unread-count").json()["unread"]
        assert unread == 1
        staff_client.post("/api/v1/notifications/read-all")
        assert staff_client.get("/api/v1/notifications/unread-count").json()["unread"] == 0


class TestSearchSources:
    def test_sources_load_and_filter(self, session: Session, staff_client: TestClient, staff, manager) -> None:  # type: ignore[no-untyped-def]
        from app.search.sources import SOURCES

        post = _post(staff_client, body="Антисептик **30 секунд**")
        docs = SOURCES["post"].load(session, [post["id"]])
        assert docs[0].visibility == ["all"] and "30 секунд" in docs[0].body
        assert SOURCES["post"].readable_ids(session, manager, [post["id"]]) == {post["id"]}
        staff_client.delete(f"/api/v1/posts/{post['id']}")
        session.expire_all()
        assert SOURCES["post"].load(session, [post["id"]]) == []
