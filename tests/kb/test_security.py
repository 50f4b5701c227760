"""The knowledge base's security rules: who attaches and removes files, whom a manager's acknowledgement report
shows, what a [[slug]] link reveals, and who names an article's owner."""

import re

import pytest
from sqlmodel import select

from app.models.audit import AuditEvent
from app.models.kb import KbArticle
from app.models.uploads import Upload
from app.services.users import department_ids_of
from tests.conftest import sign_in
from tests.factories import make_user, set_article_departments
from tests.forms import parse, submit
from tests.kb.helpers import make_article, publish

PDF = b"%PDF-1.4\n%test\n"
LINKED = re.compile(r'<a href="/kb/chernetka" class="wikilink"[^>]*>Чернетка керівника</a>')


@pytest.fixture
def surgeon(session):  # type: ignore[no-untyped-def]
    return make_user(session, email="surgeon@kolo.test", name="Ярош Богдан", departments=["Хірургія"])


def _pdf(name: str = "схема.pdf") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, PDF, "application/pdf")}


def _upload_ids(session, article: KbArticle) -> list[int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return [u.id for u in session.exec(select(Upload).where(Upload.target_key == f"article:{article.id}"))]


def _actions(html: str, page_path: str) -> set[str]:
    return {form.action for form in parse(html, page_path)[0]}


class TestAttachments:
    @pytest.fixture
    def guide(self, session, manager):  # type: ignore[no-untyped-def]
        return publish(session, make_article(session, manager, title="Вкладення"), manager)

    def test_a_reader_of_a_published_guide_cannot_attach(self, staff_client, session, guide):
        page = staff_client.get("/kb/vkladennia").text
        assert "/kb/vkladennia/attachments" not in _actions(page, "/kb/vkladennia")
        forged = staff_client.post("/kb/vkladennia/attachments", files=_pdf(), follow_redirects=False)
        assert forged.status_code == 403 and "Лише керівники та автор чернетки" in forged.text
        assert _upload_ids(session, guide) == []

    def test_the_list_names_who_added_the_file_and_the_manager_removes_it(self, manager_page, session, settings, guide):
        assert (
            submit(
                manager_page, "/kb/vkladennia", "/kb/vkladennia/attachments", files=_pdf(), follow_redirects=False
            ).status_code
            == 303
        )
        [upload_id] = _upload_ids(session, guide)
        stored = settings.upload_dir / session.get(Upload, upload_id).stored_name
        page = manager_page.get("/kb/vkladennia").text
        assert re.search(r"схема\.pdf</a>.*Додано: Бондаренко Ігор, ", page)
        removed = submit(
            manager_page, "/kb/vkladennia", f"/kb/vkladennia/attachments/{upload_id}/delete", follow_redirects=False
        )
        assert removed.status_code == 303
        assert _upload_ids(session, guide) == [] and not stored.exists()
        assert manager_page.get(f"/uploads/{upload_id}").status_code == 404
        assert "схема.pdf" not in manager_page.get("/kb/vkladennia").text
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "article.file_removed")).one()
        assert event.target_id == guide.id and event.detail["filename"] == "схема.pdf"

    def test_a_draft_author_attaches_and_removes_until_it_is_published(self, staff_page, session, staff, manager):
        draft = make_article(session, staff, title="Моя чернетка")
        assert (
            submit(
                staff_page,
                "/kb/moia-chernetka",
                "/kb/moia-chernetka/attachments",
                files=_pdf("a.pdf"),
                follow_redirects=False,
            ).status_code
            == 303
        )
        assert (
            submit(
                staff_page,
                "/kb/moia-chernetka",
                "/kb/moia-chernetka/attachments",
                files=_pdf("b.pdf"),
                follow_redirects=False,
            ).status_code
            == 303
        )
        first, second = _upload_ids(session, draft)
        assert (
            submit(
                staff_page,
                "/kb/moia-chernetka",
                f"/kb/moia-chernetka/attachments/{first}/delete",
                follow_redirects=False,
            ).status_code
            == 303
        )
        assert _upload_ids(session, draft) == [second]
        publish(session, draft, manager)
        page = staff_page.get("/kb/moia-chernetka").text
        assert "b.pdf" in page and f"/kb/moia-chernetka/attachments/{second}/delete" not in _actions(
            page, "/kb/moia-chernetka"
        )

    def test_api_delete_is_for_editors_only_and_audited(self, staff_client, manager_client, session, settings, guide):
        manager_client.post("/kb/vkladennia/attachments", files=_pdf())
        [upload_id] = _upload_ids(session, guide)
        refused = staff_client.delete(f"/api/v1/articles/{guide.id}/attachments/{upload_id}")
        assert refused.status_code == 403 and _upload_ids(session, guide) == [upload_id]
        assert manager_client.delete(f"/api/v1/articles/{guide.id}/attachments/{upload_id}").status_code == 204
        assert _upload_ids(session, guide) == []
        assert manager_client.get(f"/api/v1/uploads/{upload_id}").status_code == 404
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "article.file_removed")).one()

    def test_a_file_of_another_article_is_not_removed_through_this_one(self, manager_client, session, manager, guide):
        other = publish(session, make_article(session, manager, title="Інша"), manager)
        manager_client.post("/kb/insha/attachments", files=_pdf())
        [upload_id] = _upload_ids(session, other)
        assert manager_client.delete(f"/api/v1/articles/{guide.id}/attachments/{upload_id}").status_code == 404
        assert _upload_ids(session, other) == [upload_id]


class TestAcknowledgementReport:
    @pytest.fixture
    def for_everyone(self, session, manager, staff, surgeon):  # type: ignore[no-untyped-def]
        article = make_article(session, manager, title="Для всіх", requires_acknowledgement=True)
        return publish(session, article, manager)

    def test_a_manager_sees_only_their_departments_people(self, new_client, surgery_head, staff, surgeon, for_everyone):
        client = sign_in(new_client(), surgery_head.email)
        page = client.get("/kb/dlia-vsikh/acknowledgements").text
        assert "Ярош Богдан" in page and staff.name not in page
        csv = client.get("/kb/dlia-vsikh/acknowledgements.csv").text
        assert surgeon.email in csv and staff.email not in csv
        report = client.get(f"/api/v1/articles/{for_everyone.id}/acknowledgements").json()
        assert {i["email"] for i in report["items"]} == {surgeon.email, surgery_head.email}
        assert report["missing"] == 2

    def test_people_of_no_department_are_nobody_elses(self, new_client, session, surgery_head, for_everyone):
        """A clerk placed in no department is not another department's: every manager's report lists her."""
        clerk = make_user(session, email="clerk@kolo.test", name="Мороз Ірина", departments=[])
        report = (
            sign_in(new_client(), surgery_head.email).get(f"/api/v1/articles/{for_everyone.id}/acknowledgements").json()
        )
        assert clerk.email in {i["email"] for i in report["items"]}

    def test_admins_see_everyone(self, admin_client, staff, surgeon, manager, for_everyone):
        report = admin_client.get(f"/api/v1/articles/{for_everyone.id}/acknowledgements").json()
        assert {staff.email, surgeon.email, manager.email} <= {i["email"] for i in report["items"]}


class TestWikiLinks:
    def test_a_hidden_article_renders_exactly_like_a_missing_one(self, staff_client, session, manager):
        make_article(session, manager, title="Секретна чернетка", slug="sekretna")
        hidden = staff_client.post("/api/v1/articles/preview", json={"body": "Див. [[sekretna]]."}).json()["html"]
        missing = staff_client.post("/api/v1/articles/preview", json={"body": "Див. [[nemaie-ii]]."}).json()["html"]
        assert "Секретна" not in hidden and "href" not in hidden
        assert hidden.replace("sekretna", "X") == missing.replace("nemaie-ii", "X")
        fragment = staff_client.post("/kb/preview", data={"body": "[[sekretna]]"}).text
        assert "Секретна" not in fragment and "/kb/sekretna" not in fragment

    def test_each_reader_gets_their_own_links(self, staff_client, manager_client, session, manager, surgeon):
        make_article(session, manager, title="Чернетка керівника", slug="chernetka")
        surgery = make_article(session, surgeon, title="Хірургічний протокол", slug="khirurhiia")
        set_article_departments(session, surgery, manager, department_ids_of(session=session, user=surgeon))
        publish(session, surgery, manager)
        source = publish(
            session, make_article(session, manager, title="Зміст", body="[[chernetka]] і [[khirurhiia]]"), manager
        )
        assert LINKED.search(manager_client.get("/kb/zmist").text)
        for url in ("/kb/zmist", f"/api/v1/articles/{source.id}"):
            seen = staff_client.get(url).text
            assert "Чернетка керівника" not in seen and "Хірургічний протокол" not in seen, url
        assert LINKED.search(manager_client.get("/kb/zmist").text)


class TestOwner:
    def test_a_staff_author_cannot_hand_their_draft_to_another_owner(self, staff_client, session, staff, manager):
        draft = make_article(session, staff, title="Моя чернетка")
        refused = staff_client.patch(f"/api/v1/articles/{draft.id}", json={"owner_id": manager.id})
        assert refused.status_code == 403 and "Лише керівники можуть призначати відповідального" in refused.text
        assert staff_client.get(f"/api/v1/articles/{draft.id}").json()["owner_id"] == staff.id
        kept = staff_client.patch(
            f"/api/v1/articles/{draft.id}", json={"owner_id": staff.id, "review_interval_months": 6}
        )
        assert kept.status_code == 200 and kept.json()["review_interval_months"] == 6

    def test_nor_name_another_owner_of_a_new_draft(self, staff_client, manager):
        refused = staff_client.post("/api/v1/articles", json={"title": "Нова", "body": "Текст", "owner_id": manager.id})
        assert refused.status_code == 403
        assert staff_client.get("/api/v1/articles?status=draft").json()["items"] == []

    def test_the_edit_form_refuses_a_forged_owner_and_keeps_the_text(self, staff_page, session, staff, manager):
        draft = make_article(session, staff, title="Моя чернетка")
        page = staff_page.get("/kb/moia-chernetka/edit").text
        assert 'name="owner_id"' not in page
        answer = submit(
            staff_page,
            "/kb/moia-chernetka/edit",
            "/kb/moia-chernetka/edit",
            {"owner_id": manager.id, "body": "Новий текст"},
        )
        assert answer.status_code == 422 and "Лише керівники можуть призначати відповідального" in answer.text
        assert "Новий текст" in answer.text
        session.expire_all()
        assert session.get(KbArticle, draft.id).owner_id == staff.id
