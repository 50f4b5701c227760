"""The patient-data guard on the knowledge base's writes: new articles, new revisions, restoring an old text,
publishing with a change note, attaching files and importing — held back unless a reason is given, and audited."""

import json
import re

from sqlmodel import col, select

from app.models.audit import AuditEvent
from app.models.kb import KbArticle, KbRevision
from app.services.patient_data.guard import OVERRIDE_ACTION
from tests.forms import find_form, send, submit
from tests.kb.helpers import make_article, publish, save

PHONE = "+380501234567"
BODY = f"Якщо температура тримається, телефонуйте матері пацієнта: {PHONE}."
REASON = "Це номер довідкової служби лікарні"


def _overrides(session) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == OVERRIDE_ACTION)).all())


class TestApi:
    def test_a_new_article_with_a_phone_is_held_back_with_its_span(self, staff_client, session):
        response = staff_client.post("/api/v1/articles", json={"title": "Лихоманка", "body": BODY})
        assert response.status_code == 422, response.text
        answer = response.json()
        assert answer["error"] == "PatientDataSuspected"
        start = BODY.index(PHONE)
        assert answer["findings"] == [{"field": "body", "kind": "phone", "start": start, "end": start + len(PHONE)}]
        assert session.exec(select(KbArticle)).first() is None

    def test_override_creates_it_and_audits_the_reason(self, staff_client, session, staff):
        data = {"title": "Лихоманка", "body": BODY, "override_reason": REASON}
        response = staff_client.post("/api/v1/articles", json=data)
        assert response.status_code == 201, response.text
        [event] = _overrides(session)
        assert (event.actor_id, event.target_type, event.target_id) == (staff.id, "article", response.json()["id"])
        assert event.detail == {"reason": REASON, "kinds": ["phone"], "fields": ["body"]}

    def test_a_reason_too_short_is_refused(self, staff_client, session):
        response = staff_client.post("/api/v1/articles", json={"title": "Т", "body": BODY, "override_reason": "ok"})
        assert response.status_code == 422 and response.json()["findings"]
        assert session.exec(select(KbArticle)).first() is None and not _overrides(session)

    def test_clean_text_passes_and_audits_nothing(self, staff_client, session):
        assert staff_client.post("/api/v1/articles", json={"title": "Руки", "body": "Мийте руки."}).status_code == 201
        assert not _overrides(session)

    def test_a_new_revision_title_and_change_note_are_screened(self, staff_client, session, staff):
        article = make_article(session, staff, title="Руки")
        patch = {"base_revision_id": article.head_revision_id, "title": f"Руки {PHONE}", "change_note": PHONE}
        response = staff_client.patch(f"/api/v1/articles/{article.id}", json=patch)
        assert response.status_code == 422
        assert {f["field"] for f in response.json()["findings"]} == {"title", "change_note"}
        response = staff_client.patch(f"/api/v1/articles/{article.id}", json={**patch, "override_reason": REASON})
        assert response.status_code == 200 and response.json()["title"] == f"Руки {PHONE}"
        [event] = _overrides(session)
        assert event.detail["fields"] == ["title", "change_note"] and event.target_id == article.id

    def test_restoring_a_text_with_a_phone_needs_a_reason(self, manager_client, session, manager):
        article = make_article(session, manager, title="Руки", body=BODY, override_reason=REASON)
        old_id = article.head_revision_id
        save(session, article, manager, "Телефон прибрано.")
        path = f"/api/v1/articles/{article.id}/revisions/{old_id}/restore"
        refused = manager_client.post(path)
        assert refused.status_code == 422 and refused.json()["findings"][0]["field"] == "body"
        assert len(session.exec(select(KbRevision)).all()) == 2
        restored = manager_client.post(path, json={"override_reason": REASON})
        assert restored.status_code == 201 and restored.json()["restored_from_id"] == old_id
        assert len(_overrides(session)) == 2  # the first text's own, and the restore's

    def test_a_change_note_written_at_publishing_is_screened(self, manager_client, session, manager):
        article = make_article(session, manager, title="Руки")
        path = f"/api/v1/articles/{article.id}/publish"
        refused = manager_client.post(path, json={"change_note": f"Уточнено з {PHONE}"})
        assert refused.status_code == 422 and refused.json()["findings"][0]["field"] == "change_note"
        session.expire_all()
        assert session.get(KbArticle, article.id).status == "draft"  # type: ignore[union-attr]
        done = manager_client.post(path, json={"change_note": f"Уточнено з {PHONE}", "override_reason": REASON})
        assert done.status_code == 200 and done.json()["status"] == "published"


class TestPages:
    def test_held_back_editor_keeps_the_text_and_publishes_anyway(self, manager_page, session, manager):
        typed = {"title": "Лихоманка", "body": BODY, "tags": "лихоманка", "change_note": "Перша версія"}
        held = submit(manager_page, "/kb/new", "/kb/new", {**typed, "action": "save"})
        assert held.status_code == 422
        assert re.search(rf"<mark[^>]*>{re.escape(PHONE)}</mark>", held.text)
        form = find_form(held.text, "/kb/new", "/kb/new")
        kept = dict(form.fields)
        assert {name: kept[name].strip() for name in typed} == typed  # (the parser keeps what follows a textarea)
        assert "override_reason" in kept  # the review panel is inside the form
        done = send(manager_page, form, {"override_reason": REASON}, follow_redirects=False)
        assert done.status_code == 303
        article = session.exec(select(KbArticle)).one()
        assert article.title == "Лихоманка"
        [event] = _overrides(session)
        assert event.detail["reason"] == REASON and event.target_id == article.id

    def test_a_reason_too_short_is_refused_and_the_text_kept(self, manager_page, session):
        held = submit(manager_page, "/kb/new", "/kb/new", {"title": "Лихоманка", "body": BODY})
        form = find_form(held.text, "/kb/new", "/kb/new")
        again = send(manager_page, form, {"override_reason": "ok"})
        assert again.status_code == 422 and "<mark" in again.text
        kept = dict(find_form(again.text, "/kb/new", "/kb/new").fields)
        assert kept["body"].strip() == BODY and kept["override_reason"] == "ok"
        assert session.exec(select(KbArticle)).first() is None and not _overrides(session)

    def test_editing_an_article_is_held_back_in_the_editor(self, manager_page, session, manager):
        make_article(session, manager, title="Руки")
        held = submit(manager_page, "/kb/ruky/edit", "/kb/ruky/edit", {"body": BODY})
        assert held.status_code == 422 and "<mark" in held.text
        form = find_form(held.text, "/kb/ruky/edit", "/kb/ruky/edit")
        assert dict(form.fields)["body"].strip() == BODY
        assert send(manager_page, form, {"override_reason": REASON}, follow_redirects=False).status_code == 303
        assert len(_overrides(session)) == 1

    def test_restoring_through_the_revision_page(self, manager_page, session, manager):
        article = make_article(session, manager, title="Руки", body=BODY, override_reason=REASON)
        old_id = article.head_revision_id
        save(session, article, manager, "Телефон прибрано.")
        page = f"/kb/ruky/revisions/{old_id}"
        action = f"/kb/ruky/revisions/{old_id}/restore"
        held = submit(manager_page, page, action)
        assert held.status_code == 422 and "<mark" in held.text
        done = send(
            manager_page, find_form(held.text, action, page), {"override_reason": REASON}, follow_redirects=False
        )
        assert done.status_code == 303 and len(session.exec(select(KbRevision)).all()) == 3

    def test_a_file_name_with_a_phone_is_held_back(self, manager_page, session, manager):
        publish(session, make_article(session, manager, title="Вкладення"), manager)
        files = {"file": (f"аналізи {PHONE}.pdf", b"%PDF-1.4\n%test\n", "application/pdf")}
        held = submit(manager_page, "/kb/vkladennia", "/kb/vkladennia/attachments", files=files)
        assert held.status_code == 422 and "<mark" in held.text
        form = find_form(held.text, "/kb/vkladennia/attachments", "/kb/vkladennia")
        done = send(manager_page, form, {"override_reason": REASON}, files=files, follow_redirects=False)
        assert done.status_code == 303
        [event] = _overrides(session)
        assert event.detail["fields"] == ["file"]

    def test_an_import_with_suspects_names_them_and_imports_nothing(self, manager_page, session):
        lines = [{"title": "Руки", "body": "Мийте руки."}, {"title": "Лихоманка", "body": BODY}]
        data = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
        files = {"file": ("g.jsonl", data, "application/json")}
        held = submit(manager_page, "/kb/import", "/kb/import", files=files)
        assert held.status_code == 422 and "рядок 2" in held.text and "<mark" in held.text
        assert "рядок 1" not in held.text
        assert session.exec(select(KbArticle)).first() is None
        form = find_form(held.text, "/kb/import", "/kb/import")
        done = send(manager_page, form, {"override_reason": REASON}, files=files)
        assert done.status_code == 200
        assert len(session.exec(select(KbArticle).where(col(KbArticle.status) == "published")).all()) == 2
        [event] = _overrides(session)
        assert event.detail["fields"] == ["line 2"]
