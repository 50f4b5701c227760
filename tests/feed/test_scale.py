"""The feed at scale: the home page's work does not grow with the number of posts (keyset pages, and the feed's
head — unread must-read, pins, one's own deletions — read through indexes of the few such posts)."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlmodel import Session

from app.models.feed import Post
from app.models.types import utcnow
from app.models.users import User, UserDepartment
from app.services import users as users_service
from tests.factories import make_department, make_post
from tests.queries import count_queries, count_sqlite_steps


def _add_posts(session: Session, author: User, n: int) -> None:
    now = utcnow()
    rows = [
        {"author_id": author.id, "kind": "tip", "body": f"Порада {i}", "html": f"<p>Порада {i}</p>", "created_at": now}
        for i in range(n)
    ]
    session.execute(insert(Post), rows)
    session.commit()


def _home_page_steps(app, client: TestClient) -> int:  # type: ignore[no-untyped-def]
    client.get("/")  # warm: the first request fills caches
    with count_sqlite_steps(app) as steps:
        assert client.get("/").status_code == 200
    return steps[0]


def test_home_page_work_does_not_grow_with_the_posts(
    app, session: Session, staff: User, manager: User, staff_page: TestClient
) -> None:  # type: ignore[no-untyped-def]
    if app.state.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's step counter measures the work; PostgreSQL's plans are in docs/benchmarks.md")
    make_post(session, manager, kind="announcement", body="Прочитайте новий графік", must_read=True)
    _add_posts(session, staff, 1000)
    small = _home_page_steps(app, staff_page)
    _add_posts(session, staff, 9000)
    large = _home_page_steps(app, staff_page)
    assert "Прочитайте новий графік" in staff_page.get("/").text  # the head is still shown
    assert large < small * 3, f"{small} hundred steps at 1,000 posts, {large} hundred at 10,000"


def test_the_home_page_reads_the_readers_departments_once(app, staff: User, staff_page: TestClient) -> None:  # type: ignore[no-untyped-def]
    staff_page.get("/")
    with count_queries(app) as statements:
        assert staff_page.get("/").status_code == 200
    assert sum("FROM user_department" in s for s in statements) == 1, statements


def test_a_department_added_in_the_same_session_is_seen(session: Session, staff: User) -> None:
    before = users_service.department_ids_of(session=session, user=staff)
    ward = make_department(session, name="Приймальне відділення")
    session.add(UserDepartment(user_id=staff.id, department_id=ward.id))  # not flushed yet
    assert users_service.department_ids_of(session=session, user=staff) == [*before, ward.id]
