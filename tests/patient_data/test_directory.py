"""The staff directory the guard reads: kept while the staff stay as they are, and fresh from the very next write
after someone joins or changes their work phone (a colleague's number is not a patient's)."""

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app.services.patient_data import guard

PHONE = "+380 44 765 43 21"
CALL = f"Телефонуйте на {PHONE} щодо графіка чергувань"


def _reads_of_the_staff(session: Session) -> list[str]:
    """The statements that read every user's name, e-mail and work phone while `guard.staff_directory` ran (not
    the version it asks for first)."""
    sent: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        guard.staff_directory(session)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return [s for s in sent if "user.work_phone" in s.replace('"', "") and "length(" not in s]


class TestKept:
    def test_unchanged_staff_are_not_read_again(self, session: Session, staff) -> None:  # type: ignore[no-untyped-def]
        first = guard.staff_directory(session)
        assert guard.staff_directory(session) is first
        assert _reads_of_the_staff(session) == []

    def test_a_change_is_read_at_once(self, session: Session, staff) -> None:  # type: ignore[no-untyped-def]
        guard.staff_directory(session)
        staff.work_phone = "+380447654321"
        session.add(staff)
        session.commit()
        assert len(_reads_of_the_staff(session)) == 1
        assert "+380447654321" in guard.staff_directory(session).phones


class TestNextWrite:
    def test_a_new_colleagues_phone_passes_from_the_next_post(
        self, staff_client: TestClient, admin_client: TestClient
    ) -> None:
        assert staff_client.post("/api/v1/posts", json={"body": CALL}).status_code == 422
        person = {"email": "reception@kolo.test", "name": "Реєстратура", "work_phone": PHONE}
        assert admin_client.post("/api/v1/users", json=person).status_code == 201
        assert staff_client.post("/api/v1/posts", json={"body": CALL}).status_code == 201

    def test_a_changed_work_phone_holds_from_the_next_post(self, staff_client: TestClient) -> None:
        me = staff_client.get("/api/v1/users/me").json()
        profile = {"name": me["name"], "handle": me["handle"], "timezone": me["timezone"]}
        assert staff_client.patch("/api/v1/users/me", json={**profile, "work_phone": PHONE}).status_code == 200
        assert staff_client.post("/api/v1/posts", json={"body": CALL}).status_code == 201
        assert staff_client.patch("/api/v1/users/me", json={**profile, "work_phone": ""}).status_code == 200
        assert staff_client.post("/api/v1/posts", json={"body": CALL}).status_code == 422
