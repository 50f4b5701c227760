"""A hashtag keeps its apostrophe whichever one a keyboard typed; correcting a tag in the text leaves no stray one."""

import pytest
from sqlmodel import select

from app.models.feed import Post, PostTag
from tests.forms import submit


def _tags(session, post_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return sorted(row.tag for row in session.exec(select(PostTag).where(PostTag.post_id == post_id)).all())


@pytest.mark.parametrize("apostrophe", ["'", "’", "ʼ", "`"])
def test_every_apostrophe_stays_inside_the_tag(staff_page, session, apostrophe: str) -> None:
    submit(staff_page, "/", "/posts", {"body": f"Як робити #перев{apostrophe}язка після операції?", "kind": "question"})
    post = session.exec(select(Post)).one()
    assert _tags(session, post.id) == ["перев’язка"]
    feed = staff_page.get("/").text
    assert f">#перев{apostrophe}язка</a>" in feed and ">#перев</a>" not in feed


def test_correcting_a_tag_in_the_text_drops_the_old_one(staff_page, session) -> None:
    submit(staff_page, "/", "/posts", {"body": "Питання про #перев", "kind": "question", "tags": "терапія"})
    post = session.exec(select(Post)).one()
    submit(staff_page, f"/posts/{post.id}/edit", f"/posts/{post.id}/edit", {"body": "Питання про #перев'язка"})
    assert _tags(session, post.id) == ["перев’язка", "терапія"]  # the tag given beside the text stays


def test_an_api_edit_of_the_text_keeps_the_tags_given_beside_it(staff_client, session) -> None:
    post = staff_client.post("/api/v1/posts", json={"body": "Про #перев", "tags": ["терапія"]}).json()
    staff_client.patch(f"/api/v1/posts/{post['id']}", json={"body": "Про #перев'язка"})
    assert _tags(session, post["id"]) == ["перев’язка", "терапія"]
