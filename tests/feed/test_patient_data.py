"""The patient-data guard on the feed: posts, edits, comments and events are held back when their text looks like a
patient's data, published anyway with a reason that is audited, and an earlier version that looked like patient data
is shown only to admins."""

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models.audit import AuditEvent
from app.models.feed import Comment, Post, PostRevision, PostUpdate
from app.models.patient_data import PatientDataRule
from app.models.users import User
from app.services.feed import posts as feed_posts
from app.services.patient_data.guard import OVERRIDE_ACTION
from tests.factories import make_department, make_event, make_post
from tests.forms import find_form, send, submit

PHONE = "+380501234567"
QUESTION = f"Пацієнтка просила передзвонити на {PHONE} щодо аналізів"
HELD = "Схоже на дані пацієнта"


def _overrides(session: Session) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == OVERRIDE_ACTION)).all())


def _posts(session: Session) -> list[Post]:
    return list(session.exec(select(Post)).all())


class TestCreatePostApi:
    def test_held_back_with_the_phones_span(self, staff_client: TestClient, session: Session) -> None:
        response = staff_client.post("/api/v1/posts", json={"body": QUESTION})
        assert response.status_code == 422
        body = response.json()
        assert body["error"] == "PatientDataSuspected" and body["detail"]
        start = QUESTION.index(PHONE)
        assert body["findings"] == [{"field": "body", "kind": "phone", "start": start, "end": start + len(PHONE)}]
        assert _posts(session) == []

    def test_published_anyway_with_a_reason_is_audited(self, staff_client: TestClient, session: Session) -> None:
        reason = "Це телефон реєстратури, не пацієнтки"
        response = staff_client.post("/api/v1/posts", json={"body": QUESTION, "override_reason": reason})
        assert response.status_code == 201
        [event] = _overrides(session)
        assert (event.target_type, event.target_id) == ("post", response.json()["id"])
        assert event.detail["reason"] == reason and event.detail["kinds"] == ["phone"]
        assert event.detail["fields"] == ["body"]

    def test_too_short_a_reason_is_refused(self, staff_client: TestClient, session: Session) -> None:
        response = staff_client.post("/api/v1/posts", json={"body": QUESTION, "override_reason": "ok"})
        assert response.status_code == 422 and response.json()["error"] == "PatientDataSuspected"
        assert "3" in response.json()["detail"] and _posts(session) == [] and _overrides(session) == []

    def test_clean_text_needs_no_reason_and_leaves_no_audit(self, staff_client: TestClient, session: Session) -> None:
        assert staff_client.post("/api/v1/posts", json={"body": "Зміна о 8:00"}).status_code == 201
        assert _overrides(session) == []

    def test_a_colleagues_email_passes_a_strangers_is_caught(
        self, staff_client: TestClient, staff: User, session: Session
    ) -> None:
        ask = f"Питання з графіку — пишіть на {staff.email}"
        assert staff_client.post("/api/v1/posts", json={"body": ask}).status_code == 201
        stranger = "Результати надіслати на petrenko.halyna@gmail.com"
        response = staff_client.post("/api/v1/posts", json={"body": stranger})
        assert response.status_code == 422
        assert [f["kind"] for f in response.json()["findings"]] == ["email"]

    def test_an_institutions_rule_and_the_event_fields(
        self, staff_client: TestClient, staff: User, session: Session
    ) -> None:
        session.add(PatientDataRule(name="номер історії хвороби", pattern=r"ІХ-\d{5}", created_by_id=staff.id))
        session.commit()
        event = {
            "title": "Розбір випадку ІХ-12345",
            "starts_at": "2030-03-10T10:00:00",
            "ends_at": "2030-03-10T11:00:00",
            "place": f"Кабінет 4, тел. {PHONE}",
        }
        response = staff_client.post("/api/v1/posts", json={"body": "Запрошую", "kind": "event", "event": event})
        assert response.status_code == 422
        found = {(f["field"], f["kind"]) for f in response.json()["findings"]}
        assert found == {("title", "номер історії хвороби"), ("place", "phone")}

    def test_an_attached_files_name_is_screened(self, staff_client: TestClient, session: Session) -> None:
        png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
        upload = staff_client.post("/api/v1/uploads", files={"file": (f"rentgen {PHONE}.png", png, "image/png")})
        assert upload.status_code == 201, upload.text
        upload_id = upload.json()["id"]
        response = staff_client.post("/api/v1/posts", json={"body": "Знімок", "upload_ids": [upload_id]})
        assert response.status_code == 422
        assert [f["field"] for f in response.json()["findings"]] == [f"file:{upload_id}"]


class TestEditCommentEventApi:
    def test_an_edit_is_screened(self, staff_client: TestClient, staff: User, session: Session) -> None:
        post = make_post(session, staff, body="Зміна о 8:00")
        response = staff_client.patch(f"/api/v1/posts/{post.id}", json={"body": QUESTION})
        assert response.status_code == 422 and response.json()["findings"][0]["kind"] == "phone"
        reason = "Телефон відділення"
        response = staff_client.patch(f"/api/v1/posts/{post.id}", json={"body": QUESTION, "override_reason": reason})
        assert response.status_code == 200 and _overrides(session)[0].detail["reason"] == reason

    def test_changing_only_the_tags_of_a_post_published_anyway_asks_nothing(
        self, staff_client: TestClient, staff: User, session: Session
    ) -> None:
        post = staff_client.post("/api/v1/posts", json={"body": QUESTION, "override_reason": "Телефон відділення"})
        response = staff_client.patch(f"/api/v1/posts/{post.json()['id']}", json={"tags": ["зміна"]})
        assert response.status_code == 200

    def test_a_comment_is_screened_and_published_anyway(
        self, staff_client: TestClient, staff: User, session: Session
    ) -> None:
        post = make_post(session, staff)
        response = staff_client.post(f"/api/v1/posts/{post.id}/comments", json={"body": QUESTION})
        assert response.status_code == 422 and response.json()["findings"][0]["field"] == "body"
        assert session.exec(select(Comment)).all() == []
        data = {"body": QUESTION, "override_reason": "Телефон відділення"}
        response = staff_client.post(f"/api/v1/posts/{post.id}/comments", json=data)
        assert response.status_code == 201
        [event] = _overrides(session)
        assert (event.target_type, event.target_id) == ("comment", response.json()["id"])

    def test_an_event_change_is_screened(self, staff_client: TestClient, staff: User, session: Session) -> None:
        event = make_event(session, staff)
        response = staff_client.patch(f"/api/v1/events/{event.id}", json={"place": f"Палата 3, {PHONE}"})
        assert response.status_code == 422 and response.json()["findings"][0]["field"] == "place"
        data = {"place": f"Палата 3, {PHONE}", "override_reason": "Телефон поста"}
        assert staff_client.patch(f"/api/v1/events/{event.id}", json=data).status_code == 200
        [audited] = _overrides(session)
        assert (audited.target_type, audited.target_id, audited.detail["fields"]) == ("event", event.id, ["place"])


class TestPages:
    def test_the_composer_comes_back_with_everything_kept_and_the_review(
        self, staff_page: TestClient, session: Session
    ) -> None:
        data = {"body": QUESTION, "kind": "question", "tags": "аналізи"}
        response = submit(staff_page, "/", "/posts", data, follow_redirects=False)
        assert response.status_code == 422 and HELD in response.text
        assert f'<mark title="номер телефону">{PHONE}</mark>' in response.text
        form = find_form(response.text, "/posts")
        fields = dict(form.fields)
        assert fields["body"].strip() == QUESTION and fields["kind"] == "question" and fields["tags"] == "аналізи"
        assert fields["override_reason"] == "" and _posts(session) == []
        published = send(staff_page, form, {"override_reason": "Телефон реєстратури"}, follow_redirects=False)
        assert published.status_code == 303 and len(_posts(session)) == 1
        assert _overrides(session)[0].detail["reason"] == "Телефон реєстратури"

    def test_the_composer_keeps_the_event_and_the_departments(
        self, staff_page: TestClient, staff: User, session: Session
    ) -> None:
        department = make_department(session, name="Терапія")
        data = {
            "body": "Розбір випадку",
            "kind": "event",
            "department_ids": str(department.id),
            "event_title": "Розбір",
            "event_starts_at": "2030-03-10T10:00",
            "event_ends_at": "2030-03-10T11:00",
            "event_place": f"Ординаторська, {PHONE}",
        }
        response = submit(staff_page, "/", "/posts", data, follow_redirects=False)
        assert response.status_code == 422 and HELD in response.text
        fields = find_form(response.text, "/posts").fields
        assert ("event_place", f"Ординаторська, {PHONE}") in fields and ("kind", "event") in fields
        assert ("department_ids", str(department.id)) in fields and ("event_title", "Розбір") in fields

    def test_the_composer_keeps_the_attached_file(self, staff_page: TestClient, session: Session) -> None:
        files = {"files": ("shema.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")}
        response = submit(staff_page, "/", "/posts", {"body": QUESTION}, files=files, follow_redirects=False)
        assert response.status_code == 422 and "shema.png" in response.text
        form = find_form(response.text, "/posts")
        published = send(staff_page, form, {"override_reason": "Телефон реєстратури"}, follow_redirects=False)
        assert published.status_code == 303
        assert "shema.png" in staff_page.get(published.headers["location"]).text

    def test_the_edit_page_comes_back_with_the_review(
        self, staff_page: TestClient, staff: User, session: Session
    ) -> None:
        post = make_post(session, staff, body="Зміна о 8:00")
        page = f"/posts/{post.id}/edit"
        response = submit(staff_page, page, page, {"body": QUESTION}, follow_redirects=False)
        assert response.status_code == 422 and HELD in response.text and QUESTION in response.text
        form = find_form(response.text, page, page)
        assert send(staff_page, form, {"override_reason": "Телефон відділення"}).status_code == 200
        session.refresh(post)
        assert post.body == QUESTION

    def test_the_comment_form_comes_back_with_the_review(
        self, staff_page: TestClient, staff: User, session: Session
    ) -> None:
        post = make_post(session, staff)
        page, action = f"/posts/{post.id}", f"/posts/{post.id}/comments"
        response = submit(staff_page, page, action, {"body": QUESTION}, follow_redirects=False)
        assert response.status_code == 422 and HELD in response.text
        form = find_form(response.text, action, page)
        assert dict(form.fields)["body"].strip() == QUESTION
        published = send(staff_page, form, {"override_reason": "Телефон відділення"}, follow_redirects=False)
        assert published.status_code == 303 and len(session.exec(select(Comment)).all()) == 1

    def test_the_event_edit_page_comes_back_with_the_review(
        self, staff_page: TestClient, staff: User, session: Session
    ) -> None:
        event = make_event(session, staff)
        page = f"/events/{event.id}/edit"
        response = submit(staff_page, page, page, {"event_title": f"Зворотний звʼязок {PHONE}"}, follow_redirects=False)
        assert response.status_code == 422 and HELD in response.text
        form = find_form(response.text, page, page)
        assert dict(form.fields)["event_title"] == f"Зворотний звʼязок {PHONE}"
        published = send(staff_page, form, {"override_reason": "Телефон поста"}, follow_redirects=False)
        assert published.status_code == 303


class TestRevisions:
    def _edited(self, session: Session, author: User) -> Post:
        """A post published anyway with a phone, then edited without it: its earlier version looked like data."""
        post = make_post(session, author, body="Зміна о 8:00")
        for body, reason in ((QUESTION, "Телефон відділення"), ("Зміна о 9:00", None)):
            data = PostUpdate(body=body, override_reason=reason)
            post = feed_posts.update_post(session=session, user=author, post=post, data=data)
        return post

    def test_the_version_with_patient_data_is_marked(self, staff: User, session: Session) -> None:
        post = self._edited(session, staff)
        revisions = session.exec(select(PostRevision).order_by(col(PostRevision.id))).all()
        assert [(r.body, r.patient_data) for r in revisions] == [("Зміна о 8:00", False), (QUESTION, True)]
        assert post.body == "Зміна о 9:00"

    def test_hidden_from_others_shown_marked_to_admins(
        self, staff_client: TestClient, staff: User, admin_client: TestClient, session: Session
    ) -> None:
        post = self._edited(session, staff)
        mine = staff_client.get(f"/api/v1/posts/{post.id}/revisions").json()
        assert [r["body"] for r in mine] == ["Зміна о 8:00"]
        assert PHONE not in staff_client.get(f"/posts/{post.id}").text
        seen = admin_client.get(f"/api/v1/posts/{post.id}/revisions").json()
        assert [(r["body"], r["patient_data"]) for r in seen] == [(QUESTION, True), ("Зміна о 8:00", False)]
        page = admin_client.get(f"/posts/{post.id}").text
        assert PHONE in page and "Може містити дані пацієнта" in page
