"""Reactions on comments: the post reactions' emoji and rules, through the API and the post page, for whoever may
read the post; counts in one query however many comments there are."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func
from sqlmodel import Session, select

from app.errors import NotFound
from app.models.feed import REACTIONS, Comment, CommentReaction
from app.models.users import User
from app.services import feed as feed_service
from tests.conftest import sign_in, sign_in_page
from tests.factories import make_user
from tests.forms import find_form, send, submit
from tests.queries import count_queries

CSRF = "csrf_token"
CSRF_REFUSED = "ключа безпеки"  # the 403 page's text when a form came without its token


def _thread(author: TestClient, commenter: TestClient, **post) -> tuple[dict, dict]:  # type: ignore[type-arg]
    """A post by `author` and a comment on it by `commenter`."""
    made = author.post("/api/v1/posts", json={"body": "Як швидко знайти вену у дитини?", "kind": "question", **post})
    assert made.status_code == 201, made.text
    comment = commenter.post(f"/api/v1/posts/{made.json()['id']}/comments", json={"body": "Теплий компрес."})
    assert comment.status_code == 201, comment.text
    return made.json(), comment.json()


def _comment(client: TestClient, post_id: int, comment_id: int) -> dict:  # type: ignore[type-arg]
    comments = client.get(f"/api/v1/posts/{post_id}/comments")
    assert comments.status_code == 200, comments.text
    return next(c for c in comments.json() if c["id"] == comment_id)


def _bar(page: str, comment_id: int) -> str:
    """The reaction bar of one comment in a page."""
    match = re.search(rf'<div class="reactions" id="comment-reactions-{comment_id}".*?</div>\n', page, re.S)
    assert match, f"no reaction bar for comment {comment_id}"
    return match.group(0)


@pytest.fixture
def surgeon_client(session: Session, new_client) -> TestClient:  # type: ignore[no-untyped-def]
    """Someone of another department, who cannot read Therapy's posts."""
    make_user(session, email="surgeon@kolo.test", name="Хірург Олег", departments=["Хірургія"])
    return sign_in(new_client(), "surgeon@kolo.test")


class TestApi:
    def test_react_see_counts_as_someone_else_and_take_back(
        self, staff_client: TestClient, manager_client: TestClient
    ) -> None:
        post, comment = _thread(manager_client, manager_client)
        url = f"/api/v1/comments/{comment['id']}/reactions"
        assert comment["reactions"] == []  # a new comment comes back with (no) counts too
        reacted = staff_client.post(url, json={"emoji": "👍"})
        assert reacted.status_code == 201
        assert reacted.json()["reactions"] == [{"emoji": "👍", "count": 1, "mine": True}]
        again = staff_client.post(url, json={"emoji": "👍"})  # one of each per person
        assert again.status_code == 201 and again.json()["reactions"][0]["count"] == 1
        assert _comment(manager_client, post["id"], comment["id"])["reactions"] == [
            {"emoji": "👍", "count": 1, "mine": False}
        ]
        manager_client.post(url, json={"emoji": "👍"})
        staff_client.post(url, json={"emoji": "❤️"})
        assert [
            (r["emoji"], r["count"], r["mine"]) for r in _comment(staff_client, post["id"], comment["id"])["reactions"]
        ] == [("👍", 2, True), ("❤️", 1, True)]
        assert [(r["emoji"], r["user"]["name"]) for r in staff_client.get(url).json()] == [
            ("👍", "Шевченко Марія"),
            ("👍", "Бондаренко Ігор"),
            ("❤️", "Шевченко Марія"),
        ]
        taken = staff_client.delete(url, params={"emoji": "👍"})
        assert taken.status_code == 200
        assert taken.json()["reactions"] == [
            {"emoji": "👍", "count": 1, "mine": False},
            {"emoji": "❤️", "count": 1, "mine": True},
        ]
        assert _comment(manager_client, post["id"], comment["id"])["reactions"][0] == {
            "emoji": "👍",
            "count": 1,
            "mine": True,
        }

    def test_only_the_post_reactions_emoji(self, staff_client: TestClient, manager_client: TestClient) -> None:
        post, comment = _thread(manager_client, manager_client)
        for emoji in REACTIONS:
            assert (
                staff_client.post(f"/api/v1/comments/{comment['id']}/reactions", json={"emoji": emoji}).status_code
                == 201
            )
        for target in (f"/api/v1/comments/{comment['id']}", f"/api/v1/posts/{post['id']}"):
            refused = staff_client.post(f"{target}/reactions", json={"emoji": "🔥"})
            assert refused.status_code == 422 and refused.json()["error"] == "InvalidInput"
            assert "👍" in refused.json()["detail"]

    def test_comment_of_a_post_one_cannot_read_is_404(
        self, manager_client: TestClient, surgeon_client: TestClient
    ) -> None:
        therapy = next(
            d["id"] for d in manager_client.get("/api/v1/departments").json()["items"] if d["name"] == "Терапія"
        )
        _post, comment = _thread(manager_client, manager_client, department_ids=[therapy])
        url = f"/api/v1/comments/{comment['id']}/reactions"
        assert surgeon_client.post(url, json={"emoji": "👍"}).status_code == 404
        assert surgeon_client.delete(url, params={"emoji": "👍"}).status_code == 404
        assert surgeon_client.get(url).status_code == 404
        assert surgeon_client.get("/api/v1/comments/999999/reactions").status_code == 404  # the same answer
        assert manager_client.post(url, json={"emoji": "👍"}).status_code == 201

    def test_deleted_comment_is_404(
        self, session: Session, staff_client: TestClient, staff: User, manager_client: TestClient
    ) -> None:
        _post, comment = _thread(manager_client, manager_client)
        url = f"/api/v1/comments/{comment['id']}/reactions"
        assert manager_client.delete(f"/api/v1/comments/{comment['id']}").status_code == 204
        assert staff_client.post(url, json={"emoji": "👍"}).status_code == 404
        assert staff_client.delete(url, params={"emoji": "👍"}).status_code == 404
        row = session.get(Comment, comment["id"])
        with pytest.raises(NotFound):  # the service refuses too, whoever calls it
            feed_service.add_comment_reaction(session=session, user=staff, comment=row, emoji="👍")  # type: ignore[arg-type]

    def test_comment_on_a_deleted_post_is_404(self, staff_client: TestClient, manager_client: TestClient) -> None:
        post, comment = _thread(manager_client, staff_client)
        assert manager_client.delete(f"/api/v1/posts/{post['id']}").status_code == 204
        assert staff_client.post(f"/api/v1/comments/{comment['id']}/reactions", json={"emoji": "👍"}).status_code == 404

    def test_anonymous_gets_401(self, client: TestClient, manager_client: TestClient) -> None:
        _post, comment = _thread(manager_client, manager_client)
        url = f"/api/v1/comments/{comment['id']}/reactions"
        assert client.post(url, json={"emoji": "👍"}).status_code == 401
        assert client.delete(url, params={"emoji": "👍"}).status_code == 401
        assert client.get(url).status_code == 401

    def test_browser_session_without_the_csrf_token_gets_403(
        self, staff_client: TestClient, manager_client: TestClient
    ) -> None:
        _post, comment = _thread(manager_client, manager_client)
        token = staff_client.headers.pop("X-CSRF-Token")
        url = f"/api/v1/comments/{comment['id']}/reactions"
        assert staff_client.post(url, json={"emoji": "👍"}).status_code == 403
        refused = staff_client.post(f"/comments/{comment['id']}/reactions", data={"emoji": "👍"})  # no csrf_token
        assert refused.status_code == 403 and CSRF_REFUSED in refused.text
        staff_client.headers["X-CSRF-Token"] = token
        assert staff_client.get(url).json() == []


class TestNotifications:
    def test_comment_author_is_told_once_per_comment_and_post_author_is_not(
        self, session: Session, staff_client: TestClient, manager_client: TestClient, admin_client: TestClient
    ) -> None:
        post, comment = _thread(staff_client, manager_client)
        before = staff_client.get("/api/v1/notifications").json()["items"]
        url = f"/api/v1/comments/{comment['id']}/reactions"
        staff_client.post(url, json={"emoji": "👍"})
        admin_client.post(url, json={"emoji": "❤️"})
        manager_client.post(url, json={"emoji": "👏"})  # one's own reaction tells nobody
        told = [n for n in manager_client.get("/api/v1/notifications").json()["items"] if n["kind"] == "reaction"]
        assert len(told) == 1 and told[0]["count"] == 2
        assert told[0]["url"] == f"/posts/{post['id']}#comment-{comment['id']}"
        assert told[0]["text"] == "Коваленко Оксана реагує на ваш коментар"
        assert staff_client.get("/api/v1/notifications").json()["items"] == before


class TestData:
    def test_rows_go_with_their_comment_or_person(
        self, session: Session, manager_client: TestClient, staff: User
    ) -> None:
        _post, kept = _thread(manager_client, manager_client)
        _post2, dropped = _thread(manager_client, manager_client)
        passerby = make_user(session, email="passerby@kolo.test", name="Перехожий")
        for user in (staff, passerby):
            for comment_id in (kept["id"], dropped["id"]):
                comment = session.get(Comment, comment_id)
                assert feed_service.add_comment_reaction(
                    session=session,
                    user=user,
                    comment=comment,  # type: ignore[arg-type]
                    emoji="🙏",
                )
        assert not feed_service.add_comment_reaction(
            session=session, user=staff, emoji="🙏", comment=session.get(Comment, kept["id"])
        )  # type: ignore[arg-type]

        def rows() -> list[tuple[int, int]]:
            query = select(CommentReaction.comment_id, CommentReaction.user_id).order_by(CommentReaction.id)
            return [tuple(r) for r in session.exec(query).all()]  # type: ignore[misc]

        assert len(rows()) == 4
        session.exec(delete(Comment).where(Comment.id == dropped["id"]))  # type: ignore[call-overload]
        session.exec(delete(User).where(User.id == passerby.id))  # type: ignore[call-overload]
        session.commit()
        assert rows() == [(kept["id"], staff.id)]
        assert session.exec(select(func.count()).select_from(CommentReaction)).one() == 1


class TestPage:
    def test_htmx_swaps_just_the_comments_bar(self, staff_page: TestClient, manager_client: TestClient) -> None:
        post, comment = _thread(manager_client, manager_client)
        action = f"/comments/{comment['id']}/reactions"
        htmx = {"HX-Request": "true"}
        on = submit(staff_page, post["url"], action, {"emoji": "👍"}, headers=htmx)
        assert on.status_code == 200 and "<html" not in on.text
        assert on.text.count('class="reactions"') == 1
        assert f'id="comment-reactions-{comment["id"]}"' in on.text
        assert f'hx-post="/comments/{comment["id"]}/reactions"' in on.text
        assert 'aria-pressed="true"' in on.text and "👍 <span>1</span>" in on.text
        # The second press comes from the bar htmx swapped in, whose forms carry the page's token too.
        off = send(staff_page, find_form(on.text, action, post["url"]), {"emoji": "👍"}, headers=htmx)
        assert off.status_code == 200
        assert 'aria-pressed="true"' not in off.text and "<span>" not in off.text
        assert _comment(staff_page, post["id"], comment["id"])["reactions"] == []

    def test_without_javascript_back_to_the_comment_and_others_see_it(
        self, staff_page: TestClient, manager_client: TestClient
    ) -> None:
        post, comment = _thread(manager_client, manager_client)
        reply = manager_client.post(
            f"/api/v1/posts/{post['id']}/comments", json={"body": "І гумовий джгут.", "parent_id": comment["id"]}
        ).json()
        back = submit(
            staff_page,
            post["url"],
            f"/comments/{reply['id']}/reactions",
            {"emoji": "💡"},
            follow_redirects=False,
            headers={"Referer": f"http://testserver{post['url']}"},
        )
        assert back.status_code == 303
        assert back.headers["location"] == f"http://testserver{post['url']}#comment-{reply['id']}"
        mine = staff_page.get(post["url"]).text
        assert 'aria-pressed="true"' in _bar(mine, reply["id"]) and "💡 <span>1</span>" in _bar(mine, reply["id"])
        assert "<span>" not in _bar(mine, comment["id"])  # the reply's reaction stays on the reply
        theirs = _bar(manager_client.get(post["url"]).text, reply["id"])
        assert "💡 <span>1</span>" in theirs and 'aria-pressed="true"' not in theirs
        # The "+" menu offers only what the bar does not show already.
        assert theirs.count('value="💡"') == 1

    def test_hidden_deleted_and_anonymous(
        self,
        client: TestClient,
        manager_client: TestClient,  # type: ignore[no-untyped-def]
        manager_page: TestClient,
        session: Session,
        new_client,
    ) -> None:
        therapy = next(
            d["id"] for d in manager_client.get("/api/v1/departments").json()["items"] if d["name"] == "Терапія"
        )
        hidden_post, hidden = _thread(manager_client, manager_client, department_ids=[therapy])
        make_user(session, email="surgeon@kolo.test", name="Хірург Олег", departments=["Хірургія"])
        surgeon = sign_in_page(new_client(), "surgeon@kolo.test")
        assert surgeon.get(hidden_post["url"]).status_code == 404  # no page, so no form to react with
        # Deliberately forged: the reaction sent with the token of the surgeon's own feed form.
        token = dict(find_form(surgeon.get("/").text, "/posts", "/").fields)[CSRF]
        forged = surgeon.post(f"/comments/{hidden['id']}/reactions", data={CSRF: token, "emoji": "👍"})
        assert forged.status_code == 404
        post, gone = _thread(manager_client, manager_client)
        stale = find_form(manager_page.get(post["url"]).text, f"/comments/{gone['id']}/reactions", post["url"])
        manager_client.delete(f"/api/v1/comments/{gone['id']}")  # while the post's page is still open
        assert send(manager_page, stale, {"emoji": "👍"}).status_code == 404
        client.cookies.clear()
        # Deliberately forged: signed out, with the token of the login page's own form.
        token = dict(find_form(client.get("/login").text, "/login", "/login").fields)[CSRF]
        anonymous = client.post(
            f"/comments/{hidden['id']}/reactions", data={CSRF: token, "emoji": "👍"}, follow_redirects=False
        )
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")

    def test_post_page_statements_do_not_grow_with_comments(
        self,
        app,
        staff_client: TestClient,  # type: ignore[no-untyped-def]
        manager_client: TestClient,
    ) -> None:
        post = staff_client.post("/api/v1/posts", json={"body": "Обговорення чергувань"}).json()

        def add(n: int) -> None:
            for i in range(n):
                comment = manager_client.post(
                    f"/api/v1/posts/{post['id']}/comments", json={"body": f"Думка {i}"}
                ).json()
                for client, emoji in ((staff_client, "👍"), (manager_client, "👍"), (staff_client, "💡")):
                    client.post(f"/api/v1/comments/{comment['id']}/reactions", json={"emoji": emoji})

        add(2)
        with count_queries(app) as few:
            assert staff_client.get(post["url"]).status_code == 200
        add(8)
        with count_queries(app) as many:
            page = staff_client.get(post["url"]).text
        assert page.count("👍 <span>2</span>") == 10 and page.count("💡 <span>1</span>") == 10
        assert len(many) == len(few), many
        assert sum("comment_reaction" in s for s in many) == 1  # every comment's counts in one batched query
