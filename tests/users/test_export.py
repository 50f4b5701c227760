"""Downloading one's own data: a zip with JSON, Markdown and one's uploaded files; only one's own; audited."""

import io
import json
import zipfile

from sqlmodel import select

from app.models.audit import AuditEvent
from tests.factories import make_comment, make_post
from tests.forms import submit

PDF = b"%PDF-1.7\n" + b"x" * 64


def _archive(body: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(body))


class TestExport:
    def test_zip_holds_my_data_and_files(self, staff_client, session, staff, manager) -> None:  # type: ignore[no-untyped-def]
        upload = staff_client.post("/api/v1/uploads", files={"file": ("графік.pdf", PDF, "application/pdf")}).json()
        post = make_post(session, staff, body="Моя порада про маски")
        staff_client.patch(f"/api/v1/posts/{post.id}", json={"body": "Моя порада про маски FFP2"})
        make_comment(session, staff, make_post(session, manager, body="Чужий допис"), body="Мій коментар")
        make_comment(session, manager, post, body="Коментар колеги")
        response = staff_client.get("/api/v1/account/export")
        assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
        archive = _archive(response.content)
        assert archive.read(f"files/{upload['id']}-графік.pdf") == PDF
        data = json.loads(archive.read("data.json"))
        assert data["profile"][0]["email"] == staff.email and "password_hash" not in data["profile"][0]
        assert [p["body"] for p in data["posts"]] == ["Моя порада про маски FFP2"]
        assert [v["body"] for v in data["post_versions"]] == ["Моя порада про маски"]
        assert [c["body"] for c in data["comments"]] == ["Мій коментар"]  # not the colleague's
        assert data["uploads"][0]["filename"] == "графік.pdf"
        markdown = archive.read("data.md").decode()
        assert "## Дописи (1)" in markdown and "Мій коментар" in markdown

    def test_is_audited(self, staff_client, session, staff) -> None:  # type: ignore[no-untyped-def]
        staff_client.get("/api/v1/account/export")
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "account.exported")).one()
        assert event.actor_id == staff.id and event.target_id == staff.id

    def test_anonymous_gets_401(self, client) -> None:  # type: ignore[no-untyped-def]
        assert client.get("/api/v1/account/export").status_code == 401

    def test_button_on_the_account_page(self, staff_page, staff) -> None:  # type: ignore[no-untyped-def]
        assert "Завантажити мої дані" in staff_page.get("/account").text
        response = submit(staff_page, "/account", "/account/export")
        assert response.status_code == 200
        assert json.loads(_archive(response.content).read("data.json"))["profile"][0]["id"] == staff.id
