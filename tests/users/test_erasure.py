"""Erasing a departed person: a canary in everything they had is nowhere afterwards (every table, the search index
files, the uploads folder, the query log); what the institution keeps stays under the pseudonym."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, text
from sqlmodel import Session, select

from app.cli import main as kolo
from app.models.audit import AuditEvent
from app.models.kb import KbAcknowledgement
from app.models.users import User
from tests.conftest import sign_in
from tests.factories import make_article, make_comment, make_post, make_user, publish_article
from tests.forms import submit
from tests.search.conftest import api_search, is_indexed, wait_until

CANARY = "zqcanary"  # every personal value below contains it; the analyzer keeps it as one word
EMAIL = f"{CANARY}.mail@hospital.example"
PDF = b"%PDF-1.7\n" + f"{CANARY}-file-content ".encode() * 8


def _dump(session: Session) -> dict[str, list[str]]:
    """Every row of every table as text, by table."""
    tables = inspect(session.get_bind()).get_table_names()
    return {t: [repr(tuple(r)) for r in session.execute(text(f'SELECT * FROM "{t}"'))] for t in tables}


def _with_canary(dump: dict[str, list[str]]) -> dict[str, list[str]]:
    return {t: hits for t, rows in dump.items() if (hits := [r for r in rows if CANARY in r.lower()])}


def _folder_has(folder: Path, needle: bytes) -> list[str]:
    return [
        str(p) for p in folder.rglob("*") if p.is_file() and (needle in p.read_bytes() or needle in p.name.encode())
    ]


@pytest.fixture
def departed(app, client, session: Session, new_client, manager: User) -> tuple[User, TestClient]:  # type: ignore[no-untyped-def]
    """A person with a canary in name, e-mail, handle, phone, a post, a comment, a file and a search; and their
    acknowledgement of a protocol, a reaction, a mention of them by a colleague."""
    person = make_user(session, email=EMAIL, name=f"Оксана {CANARY.title()}", handle=f"{CANARY}_h")
    client = sign_in(new_client(), EMAIL)  # `client` above runs the app's start-up (search, indexer)
    profile = {
        "name": person.name,
        "handle": person.handle,
        "timezone": "Europe/Kyiv",
        "work_phone": "+380 44 913 57 24",
    }
    assert client.patch("/api/v1/users/me", json=profile).status_code == 200
    upload = client.post("/api/v1/uploads", files={"file": (f"{CANARY}-звіт.pdf", PDF, "application/pdf")})
    assert upload.status_code == 201, upload.text
    post = make_post(session, person, body=f"Порада від {CANARY}post: мийте руки.")
    make_comment(session, person, make_post(session, manager, body="Нарада о 9:00"), body=f"Буду, {CANARY}comment")
    make_post(session, manager, body=f"Дякую @{person.handle} за допомогу")
    assert client.post(f"/api/v1/posts/{post.id}/reactions", json={"emoji": "👍"}).status_code in (200, 201)
    article = make_article(session, manager, title="Протокол стерилізації", requires_acknowledgement=True)
    publish_article(session, article, manager)
    assert client.post(f"/api/v1/articles/{article.id}/acknowledge").status_code == 200
    api_search(client, f"{CANARY}query")
    wait_until(lambda: is_indexed(app))
    assert api_search(client, f"{CANARY}post")["total"] >= 1  # the canary is searchable before
    return person, client


class TestErasure:
    def test_canary_is_nowhere_afterwards(self, app, session, admin_client, departed, settings) -> None:  # type: ignore[no-untyped-def]
        person, _client = departed
        phone = session.get(User, person.id).work_phone
        before = _with_canary(_dump(session))
        assert {"user", "post", "comment", "upload", "search_query_log"} <= set(before)
        assert _folder_has(settings.upload_dir, CANARY.encode())
        assert _folder_has(settings.index_dir, CANARY.encode())
        last_audit = session.exec(select(func.max(AuditEvent.id))).one()

        response = admin_client.post(f"/api/v1/users/{person.id}/erase")
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Колишній працівник №1"
        wait_until(lambda: is_indexed(app))
        session.expire_all()

        left = _with_canary(_dump(session))
        # The audit log is append-only and chained: earlier rows keep their subject (the old e-mail), nothing else
        earlier = left.pop("audit_event", [])
        assert left == {}
        events = session.exec(select(AuditEvent).where(AuditEvent.id > last_audit)).all()
        assert [e.action for e in events] == ["user.erased"]
        assert CANARY not in repr(events[0].model_dump()).lower()
        assert all(EMAIL in row for row in earlier)
        assert phone.replace(" ", "") not in repr(_dump(session)).replace(" ", "")
        assert _folder_has(settings.upload_dir, CANARY.encode()) == []
        assert _folder_has(settings.index_dir, CANARY.encode()) == []
        assert api_search(admin_client, f"{CANARY}post")["total"] == 0

    def test_acknowledgement_is_kept_under_the_pseudonym(self, session, admin_client, departed) -> None:  # type: ignore[no-untyped-def]
        person, client = departed
        assert admin_client.post(f"/api/v1/users/{person.id}/erase").status_code == 200
        session.expire_all()
        user = session.get(User, person.id)
        assert (user.name, user.email, user.handle, user.work_phone) == (
            "Колишній працівник №1",
            "former-1@erased.invalid",
            "former-1",
            "",
        )
        assert user.password_hash is None and not user.is_active
        assert session.exec(select(KbAcknowledgement).where(KbAcknowledgement.user_id == person.id)).all()
        assert client.get("/api/v1/users/me").status_code == 401  # the sessions are gone
        assert admin_client.post(f"/api/v1/users/{person.id}/erase").status_code == 422  # once

    def test_a_mention_of_them_names_the_pseudonym(self, session, admin_client, departed) -> None:  # type: ignore[no-untyped-def]
        person, _client = departed
        admin_client.post(f"/api/v1/users/{person.id}/erase")
        feed = admin_client.get("/api/v1/posts").json()["items"]
        assert any("@former-1" in item["body"] for item in feed)


class TestPermissions:
    def test_staff_may_not_erase(self, staff_client, session) -> None:  # type: ignore[no-untyped-def]
        other = make_user(session, email="other@kolo.local", name="Інша Людина")
        assert staff_client.post(f"/api/v1/users/{other.id}/erase").status_code == 403
        assert staff_client.get(f"/admin/users/{other.id}/erase").status_code in (403, 404)

    def test_admin_may_not_erase_themselves(self, admin_client, admin) -> None:  # type: ignore[no-untyped-def]
        assert admin_client.post(f"/api/v1/users/{admin.id}/erase").status_code == 422


class TestErasePage:
    def test_needs_the_typed_email_then_erases(self, admin_page, session) -> None:  # type: ignore[no-untyped-def]
        person = make_user(session, email="leaving@kolo.local", name="Петро Звільнений")
        page = f"/admin/users/{person.id}"
        assert f"/admin/users/{person.id}/erase" in admin_page.get(page).text
        action = f"/admin/users/{person.id}/erase"
        wrong = submit(admin_page, action, action, {"confirm_email": "someone@kolo.local"})
        assert wrong.status_code == 422 and "введіть адресу пошти" in wrong.text
        done = submit(admin_page, action, action, {"confirm_email": "leaving@kolo.local"})
        assert done.status_code == 200 and "Колишній працівник №1" in done.text
        session.expire_all()
        assert session.get(User, person.id).email == "former-1@erased.invalid"


def test_kolo_user_erase(settings, session, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """`kolo user erase EMAIL --yes` erases; without --yes and no terminal it refuses."""
    person = make_user(session, email="cli.leaver@kolo.local", name="Марта Консольна")
    monkeypatch.setattr("app.cli.get_settings", lambda: settings)
    assert kolo(["user", "erase", "cli.leaver@kolo.local"]) == 1
    assert kolo(["user", "erase", "cli.leaver@kolo.local", "--yes"]) == 0
    assert "former-1@erased.invalid" in capsys.readouterr().out
    session.expire_all()
    assert session.get(User, person.id).name == "Колишній працівник №1"
