"""Review requests reach the managers who can approve them; the owner a manager names is asked too; the two-person
rule."""

import pytest
from sqlmodel import select

from app.config import Settings
from app.models.notifications import Notification
from app.services.users import department_ids_of
from tests.conftest import sign_in
from tests.factories import make_user
from tests.forms import submit
from tests.kb.helpers import make_article, save


def _review_requests(session) -> set[int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return {n.recipient_id for n in session.exec(select(Notification).where(Notification.kind == "kb.submitted"))}


class TestSubmitForReview:
    def test_a_department_guide_reaches_that_departments_managers(
        self, session, staff_client, staff, manager, surgery_head, new_client
    ):
        therapy = department_ids_of(session=session, user=staff)
        article = staff_client.post(
            "/api/v1/articles", json={"title": "Протокол терапії", "body": "Крок 1", "department_ids": therapy}
        ).json()
        assert staff_client.post(f"/api/v1/articles/{article['id']}/submit").status_code == 200
        assert _review_requests(session) == {manager.id}
        bell = sign_in(new_client(), manager.email).get("/api/v1/notifications").json()["items"]
        assert [n["url"] for n in bell if n["kind"] == "kb.submitted"] == ["/kb/protokol-terapii"]

    def test_a_guide_for_everyone_reaches_every_manager(self, session, staff_client, manager, surgery_head, admin):
        article = staff_client.post("/api/v1/articles", json={"title": "Для всіх", "body": "Крок 1"}).json()
        staff_client.post(f"/api/v1/articles/{article['id']}/submit")
        assert _review_requests(session) == {manager.id, surgery_head.id}

    def test_a_manager_names_the_owner_and_the_owner_is_asked_too(
        self, session, staff_client, manager_client, manager, surgery_head
    ):
        colleague = make_user(session, email="senior@kolo.test", name="Старша сестра", departments=["Терапія"])
        therapy = department_ids_of(session=session, user=manager)
        created = staff_client.post(
            "/api/v1/articles", json={"title": "Перев'язка", "body": "Крок 1", "department_ids": therapy}
        )
        named = manager_client.patch(f"/api/v1/articles/{created.json()['id']}", json={"owner_id": colleague.id})
        assert named.status_code == 200 and named.json()["owner_id"] == colleague.id
        staff_client.post(f"/api/v1/articles/{created.json()['id']}/submit")
        assert _review_requests(session) == {manager.id, colleague.id}

    def test_the_page_submit_reaches_the_managers(self, session, staff_page, staff, manager):
        make_article(session, staff, title="Протокол")
        assert submit(staff_page, "/kb/protokol", "/kb/protokol/submit").status_code == 200
        assert _review_requests(session) == {manager.id}


class TestTwoPersonRule:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        settings.kb_two_person_rule = True
        return settings

    def test_the_author_cannot_publish_their_own_text_another_manager_can(
        self, session, manager_client, manager, surgery_head, new_client
    ):
        article = manager_client.post("/api/v1/articles", json={"title": "Протокол", "body": "Крок 1"}).json()
        refused = manager_client.post(f"/api/v1/articles/{article['id']}/publish", json={})
        assert refused.status_code == 403 and "інший керівник" in refused.json()["detail"]
        other = sign_in(new_client(), surgery_head.email)
        assert other.post(f"/api/v1/articles/{article['id']}/publish", json={}).status_code == 200

    def test_the_author_of_a_later_revision_cannot_publish_it(self, session, staff, manager, manager_client):
        article = make_article(session, staff, title="Протокол")
        save(session, article, manager, "Крок 1, уточнено керівником")
        save(session, article, staff, "Крок 1, уточнено керівником; крок 2")
        assert manager_client.post(f"/api/v1/articles/{article.id}/publish", json={}).status_code == 403

    def test_a_staff_draft_is_published_by_a_manager(self, session, staff, manager_client):
        article = make_article(session, staff, title="Протокол")
        assert manager_client.post(f"/api/v1/articles/{article.id}/publish", json={}).status_code == 200

    def test_the_page_says_why(self, session, manager, manager_page):
        make_article(session, manager, title="Протокол")
        refused = submit(manager_page, "/kb/protokol", "/kb/protokol/publish", {"major": "major"})
        assert refused.status_code == 403 and "інший керівник" in refused.text


def test_the_two_person_rule_is_off_unless_set(monkeypatch):
    assert Settings(_env_file=None).kb_two_person_rule is False
    monkeypatch.setenv("KOLO_KB_TWO_PERSON_RULE", "true")
    assert Settings(_env_file=None).kb_two_person_rule is True
