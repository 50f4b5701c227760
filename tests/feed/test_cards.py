"""A post's card looks the same from the cache as freshly rendered: each reader sees their own reactions, rights and
CSRF token in it, and an edit shows at once."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models.users import User
from tests.factories import make_post
from tests.forms import find_form, send

CSRF = "csrf_token"


def _reaction_form(page: str, post_id: int):  # type: ignore[no-untyped-def]
    return find_form(page, f"/posts/{post_id}/reactions")


def test_each_reader_gets_their_own_card(
    session: Session, staff: User, manager: User, staff_page: TestClient, manager_page: TestClient
) -> None:
    post = make_post(session, manager, body="Нагадування про щеплення від грипу")
    assert post.id is not None
    staff_form = _reaction_form(staff_page.get("/").text, post.id)
    reacted = send(staff_page, staff_form, {"emoji": "👍"}, follow_redirects=False)
    assert reacted.status_code == 303  # the token the nurse's page rendered was hers and was accepted

    nurse_feed, manager_feed = staff_page.get("/").text, manager_page.get("/").text
    assert 'class="reaction mine"' in nurse_feed and 'class="reaction mine"' not in manager_feed
    manager_form = _reaction_form(manager_feed, post.id)
    assert dict(manager_form.fields)[CSRF] != dict(_reaction_form(nurse_feed, post.id).fields)[CSRF]
    assert send(manager_page, manager_form, {"emoji": "👍"}, follow_redirects=False).status_code == 303
    assert "<span>2</span>" in staff_page.get("/").text  # the nurse's card counts the manager's reaction too


def test_an_edited_post_shows_its_new_text(session: Session, staff: User, staff_page: TestClient) -> None:
    post = make_post(session, staff, body="Нарада о 9:00")
    assert "Нарада о 9:00" in staff_page.get("/").text
    edit = find_form(staff_page.get(f"/posts/{post.id}/edit").text, f"/posts/{post.id}/edit", f"/posts/{post.id}/edit")
    assert send(staff_page, edit, {"body": "Нарада о 10:00"}, follow_redirects=False).status_code == 303
    feed = staff_page.get("/").text
    assert "Нарада о 10:00" in feed and "Нарада о 9:00" not in feed
