"""Security events reach the audit log, each once where repeating it would only flood the log, and read in
Ukrainian on the audit page."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.models.audit import AuditEvent
from app.services import audit
from app.services import auth as auth_service
from app.services import users as users_service
from tests.factories import make_post


def _events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_throttled_sign_in_is_recorded_once_a_minute(client, session, staff, settings):
    limit = settings.login_failures_per_minute
    statuses = [
        client.post("/api/v1/auth/login", json={"email": staff.email, "password": "wrong"}).status_code
        for _ in range(limit + 4)
    ]
    assert statuses.count(429) == 4
    (throttled,) = _events(session, "login.throttled")
    assert throttled.subject == staff.email and throttled.ip == "testclient" and throttled.detail == {"limit": "pair"}
    assert len(_events(session, "login.failed")) == limit


def test_token_use_is_recorded_once_per_new_address(app, session, staff):
    token = users_service.create_token(session=session, user=staff, name="Скрипт")
    headers = {"Authorization": f"Bearer {token}"}
    for address in ("10.1.1.1", "10.1.1.1", "10.2.2.2", "10.1.1.1"):
        with TestClient(app, client=(address, 4000)) as caller:
            assert caller.get("/api/v1/users/me", headers=headers).status_code == 200
    events = _events(session, "token.new_address")
    assert [(e.ip, e.actor_id, e.target_type) for e in events] == [
        ("10.1.1.1", staff.id, "api_token"),
        ("10.2.2.2", staff.id, "api_token"),
    ]


@contextmanager
def _audit_reads(engine: Engine) -> Iterator[list[str]]:
    """The statements that read the audit log while the block runs."""
    reads: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "audit_event" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield reads
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_a_known_address_is_not_looked_up_in_the_log_again(app, session, staff):
    token = users_service.create_token(session=session, user=staff, name="Скрипт")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app, client=("10.3.3.3", 4000)) as caller:
        assert caller.get("/api/v1/users/me", headers=headers).status_code == 200
        with _audit_reads(app.state.engine) as reads:
            for _ in range(3):
                assert caller.get("/api/v1/users/me", headers=headers).status_code == 200
    assert reads == []
    assert [e.ip for e in _events(session, "token.new_address")] == ["10.3.3.3"]


def test_after_a_restart_the_log_still_knows_the_address(app, session, staff, monkeypatch: pytest.MonkeyPatch):
    token = users_service.create_token(session=session, user=staff, name="Скрипт")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app, client=("10.4.4.4", 4000)) as caller:
        assert caller.get("/api/v1/users/me", headers=headers).status_code == 200
        monkeypatch.setattr(auth_service, "seen_addresses", auth_service.SeenAddresses(10))  # a fresh process
        for _ in range(2):
            assert caller.get("/api/v1/users/me", headers=headers).status_code == 200
    assert [e.ip for e in _events(session, "token.new_address")] == ["10.4.4.4"]


def test_the_least_recently_used_pair_is_forgotten_first():
    seen = auth_service.SeenAddresses(2)
    seen.add(("a", "10.0.0.1"))
    seen.add(("b", "10.0.0.1"))
    assert ("a", "10.0.0.1") in seen  # now the most recent
    seen.add(("c", "10.0.0.1"))
    assert ("b", "10.0.0.1") not in seen
    assert ("a", "10.0.0.1") in seen and ("c", "10.0.0.1") in seen


def test_refusals_of_admin_and_manager_routes_are_recorded_once_per_route(staff_client, session, staff):
    for path in ("/api/v1/audit", "/api/v1/audit", "/admin/users/1", "/admin/users/2", "/onboarding/dashboard.csv"):
        assert staff_client.get(path).status_code == 403
    refused = _events(session, "permission.denied")
    assert [e.detail for e in refused] == [
        {"route": "GET /api/v1/audit", "needed": "admin"},
        {"route": "GET /admin/users/{user_id}", "needed": "admin"},
        {"route": "GET /onboarding/dashboard.csv", "needed": "manager"},
    ]
    assert {(e.actor_id, e.subject, e.ip) for e in refused} == {(staff.id, staff.email, "testclient")}


def test_csv_reports_are_recorded_as_exports(manager_client, session, manager):
    post = make_post(session, manager, kind="announcement", must_read=True)
    assert manager_client.get(f"/posts/{post.id}/reads.csv").status_code == 200
    assert manager_client.get("/onboarding/dashboard.csv").status_code == 200
    exports = _events(session, "report.exported")
    assert [(e.detail["report"], e.target_type, e.target_id) for e in exports] == [
        ("post_reads", "post", post.id),
        ("onboarding", "", None),
    ]
    assert {e.actor_id for e in exports} == {manager.id}


def test_security_events_read_in_ukrainian_on_the_audit_page(admin_page, session, admin):
    for action, detail in (
        ("login.throttled", {"limit": "address"}),
        ("token.new_address", {}),
        ("permission.denied", {"route": "GET /admin", "needed": "admin"}),
        ("report.exported", {"report": "acknowledgements"}),
        ("account.exported", {}),
        ("user.erased", {}),
    ):
        audit.record(session=session, action=action, actor=admin, subject=admin.email, detail=detail)
    session.commit()
    page = admin_page.get("/admin/audit").text
    for words in (
        "Спроби входу призупинено: забагато",
        "Вичерпано ліміт: ця адреса",
        "API-токен використано з нової адреси",
        "Відмовлено: сторінка для керівників або адміністраторів",
        "Потрібна роль: Адміністратор",
        "Звіт: хто прочитав статтю",
        "Завантажено свої персональні дані",
        "Стерто персональні дані працівника, що звільнився",
    ):
        assert words in page
