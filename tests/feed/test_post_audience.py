"""A post (and an event) is for everyone or for the author's own departments; managers and admins address any."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models.feed import Post
from app.models.users import Department, User
from app.services import users as users_service
from tests.factories import make_department
from tests.forms import find_form, submit

REFUSED = "Адресувати допис можна лише своїм відділенням або всім."
EVENT = {"title": "Семінар з гігієни рук", "starts_at": "2030-01-10T09:00:00Z", "ends_at": "2030-01-10T10:00:00Z"}


def _posts(session: Session) -> list[str]:
    """The bodies of every post, to see that nothing was published."""
    session.expire_all()
    return list(session.exec(select(Post.body)).all())


class TestTheApi:
    def test_staff_cannot_post_to_another_department(self, session: Session, staff_client: TestClient) -> None:
        surgery = make_department(session, name="Хірургія").id
        response = staff_client.post("/api/v1/posts", json={"body": "Лише для хірургії", "department_ids": [surgery]})
        assert response.status_code == 422 and response.json()["detail"] == REFUSED
        assert _posts(session) == []

    def test_nor_mix_another_department_into_their_own(
        self, session: Session, staff_client: TestClient, staff: User
    ) -> None:
        therapy = users_service.department_ids_of(session=session, user=staff)[0]
        response = staff_client.post(
            "/api/v1/posts",
            json={"body": "Для обох", "department_ids": [therapy, make_department(session, name="Хірургія").id]},
        )
        assert response.status_code == 422 and response.json()["detail"] == REFUSED

    def test_nor_announce_an_event_there(self, session: Session, staff_client: TestClient) -> None:
        surgery = make_department(session, name="Хірургія").id
        response = staff_client.post(
            "/api/v1/posts", json={"body": "Запрошуємо", "kind": "event", "event": EVENT, "department_ids": [surgery]}
        )
        assert response.status_code == 422 and response.json()["detail"] == REFUSED
        assert staff_client.get("/api/v1/events").json()["items"] == []

    def test_staff_post_to_their_department_or_everyone(
        self, session: Session, staff_client: TestClient, staff: User
    ) -> None:
        therapy = users_service.department_ids_of(session=session, user=staff)[0]
        own = staff_client.post("/api/v1/posts", json={"body": "Для терапії", "department_ids": [therapy]})
        assert own.status_code == 201 and own.json()["department_ids"] == [therapy]
        everyone = staff_client.post("/api/v1/posts", json={"body": "Для всіх"})
        assert everyone.status_code == 201 and everyone.json()["department_ids"] == []

    def test_managers_and_admins_address_any_department(
        self, session: Session, manager_client: TestClient, admin_client: TestClient
    ) -> None:
        surgery = make_department(session, name="Хірургія").id
        for client in (manager_client, admin_client):
            response = client.post("/api/v1/posts", json={"body": "Нарада хірургів", "department_ids": [surgery]})
            assert response.status_code == 201 and response.json()["department_ids"] == [surgery]

    def test_an_edit_keeps_the_audience(self, session: Session, staff_client: TestClient, staff: User) -> None:
        therapy = users_service.department_ids_of(session=session, user=staff)[0]
        post = staff_client.post("/api/v1/posts", json={"body": "Для терапії", "department_ids": [therapy]}).json()
        edited = staff_client.patch(
            f"/api/v1/posts/{post['id']}",
            json={"body": "Для терапії (оновлено)", "department_ids": [make_department(session, name="Хірургія").id]},
        )
        assert edited.status_code == 200 and edited.json()["department_ids"] == [therapy]


class TestThePage:
    def test_the_form_offers_only_the_authors_departments(self, session: Session, staff_page: TestClient) -> None:
        make_department(session, name="Хірургія")
        page = staff_page.get("/").text
        picker = page.split("Хто бачить")[1].split("</fieldset>")[0]
        assert "Терапія" in picker and "Хірургія" not in picker

    def test_a_manager_is_offered_every_department(self, session: Session, manager_page: TestClient) -> None:
        make_department(session, name="Хірургія")
        picker = manager_page.get("/").text.split("Хто бачить")[1].split("</fieldset>")[0]
        assert "Терапія" in picker and "Хірургія" in picker

    def test_a_forged_department_comes_back_with_the_text_kept(self, session: Session, staff_page: TestClient) -> None:
        surgery = make_department(session, name="Хірургія").id
        response = submit(
            staff_page,
            "/",
            "/posts",
            {"kind": "tip", "body": "Лише для хірургії", "tags": "графік", "department_ids": str(surgery)},
            follow_redirects=False,
        )
        assert response.status_code == 422 and REFUSED in response.text
        form = dict(find_form(response.text, "/posts").fields)
        assert form["body"].strip() == "Лише для хірургії" and form["tags"] == "графік"
        assert _posts(session) == []

    def test_the_own_department_is_accepted(self, session: Session, staff_page: TestClient, staff: User) -> None:
        therapy = session.get(Department, users_service.department_ids_of(session=session, user=staff)[0])
        assert therapy is not None
        response = submit(
            staff_page,
            "/",
            "/posts",
            {"kind": "tip", "body": "Для терапії", "department_ids": str(therapy.id)},
            follow_redirects=False,
        )
        assert response.status_code == 303 and _posts(session) == ["Для терапії"]
