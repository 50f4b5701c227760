"""`kolo scan` and the scan behind the manager page: existing posts, comments, events and article revisions (current
and earlier) checked with the guard's detector, read rules kept, a page at a time."""

import argparse
import json
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from app.config import Settings
from app.models.feed import Comment, Event, Post
from app.models.kb import KbRevision
from app.models.users import User
from app.services import users as users_service
from app.services.patient_data import command, scan
from tests.factories import (
    make_article,
    make_comment,
    make_event,
    make_post,
    make_user,
    publish_article,
    revise_article,
)

PHONE = "+380501234567"


def _published_before_the_guard(session: Session, row: Post | Comment | Event | KbRevision, **fields: object) -> None:
    """Content written before the guard existed: the services would hold it back now, so it is set directly."""
    for name, value in fields.items():
        setattr(row, name, value)
    session.add(row)
    session.commit()


@pytest.fixture
def content(session: Session, staff: User, manager: User) -> dict[str, int]:
    """One suspect of each kind of content, and clean content beside them."""
    post = make_post(session, staff, body="Тиск у нормі, виписуємо.")
    _published_before_the_guard(session, post, body=f"Пацієнтка просить передзвонити на {PHONE} після обходу.")
    make_post(session, staff, body="Нарада о 9:00 у конференц-залі.")
    comment = make_comment(session, staff, post, body="Передзвоню.")
    _published_before_the_guard(session, comment, body=f"Її син: {PHONE}")
    event = make_event(session, manager, title="Школа діабету")
    _published_before_the_guard(session, event, place=f"Каб. 12, запис за {PHONE}")
    article = make_article(session, manager, title="Виписка", body="Чернетка")
    first = session.get(KbRevision, article.head_revision_id)
    assert first is not None
    _published_before_the_guard(session, first, body=f"Приклад: телефон родини {PHONE}.")
    article = revise_article(session, article, manager, "Приклад без даних.")
    publish_article(session, article, manager)
    deleted = make_post(session, staff, body="Видалений допис.")
    _published_before_the_guard(session, deleted, body=f"Телефон {PHONE}")
    _published_before_the_guard(session, deleted, deleted_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert post.id and comment.id and event.id and first.id
    return {"post": post.id, "comment": comment.id, "event": event.id, "article_revision": first.id}


class TestScan:
    def test_finds_each_kind_of_content_and_earlier_article_revisions(
        self, session: Session, content: dict[str, int]
    ) -> None:
        result = scan.scan(session=session, viewer=None)
        found = {(s.item.source, s.item.id) for s in result.suspects}
        assert found == set(content.items())
        assert all(s.kinds == ["phone"] for s in result.suspects)

    def test_snippet_marks_the_finding_in_its_text(self, session: Session, content: dict[str, int]) -> None:
        post = next(s for s in scan.scan(session=session, viewer=None).suspects if s.item.source == "post")
        assert post.item.link == f"/posts/{content['post']}"
        field, pieces = post.snippets[0]
        assert field == "body" and (PHONE, "phone") in pieces
        assert post.text == f"Пацієнтка просить передзвонити на [{PHONE}] після обходу."

    def test_a_long_text_is_cut_around_the_finding(self) -> None:
        text = "а" * 300 + PHONE + "б" * 300
        pieces = scan.snippet(text, [scan.Finding("phone", 300, 300 + len(PHONE))])
        assert pieces == [("…" + "а" * 40, None), (PHONE, "phone"), ("б" * 40 + "…", None)]

    def test_a_page_checks_its_budget_and_goes_on_from_there(
        self, session: Session, content: dict[str, int], manager: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(scan, "PAGE_BUDGET", 2)
        first = scan.scan_page(session=session, viewer=manager)
        assert first.checked == 2 and first.next_position == ("post", content["post"] + 1)
        seen, start = [], first.next_position
        seen += [(s.item.source, s.item.id) for s in first.suspects]
        while start:
            page = scan.scan_page(session=session, viewer=manager, start=start)
            seen += [(s.item.source, s.item.id) for s in page.suspects]
            start = page.next_position
        assert sorted(seen) == sorted(content.items())

    def test_a_manager_sees_only_what_they_may_read(self, session: Session, content: dict[str, int]) -> None:
        surgery = make_user(session, email="surgeon@kolo.test", name="Лисенко Олег", departments=["Хірургія"])
        departments = users_service.department_ids_of(session=session, user=surgery)
        secret = make_post(session, surgery, body="Для хірургії.", department_ids=departments)
        _published_before_the_guard(session, secret, body=f"Хірургія: {PHONE}")
        other_manager = make_user(session, email="boss@kolo.test", name="Гнатюк Ліна", role="manager")
        found = {(s.item.source, s.item.id) for s in scan.scan_page(session=session, viewer=other_manager).suspects}
        assert ("post", secret.id) not in found and ("post", content["post"]) in found


class TestCommand:
    def test_prints_suspects_with_links_and_the_counts(
        self, settings: Settings, content: dict[str, int], capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert command.cmd_scan(argparse.Namespace(json=False), settings) == 0
        out = capsys.readouterr().out
        assert f"post {content['post']}  /posts/{content['post']}  phone" in out
        assert f"[{PHONE}]" in out
        assert "suspects: 4." in out and "by kind: phone 4" in out

    def test_json(self, settings: Settings, content: dict[str, int], capsys: pytest.CaptureFixture[str]) -> None:
        assert command.cmd_scan(argparse.Namespace(json=True), settings) == 0
        body = json.loads(capsys.readouterr().out)
        assert body["summary"]["suspects"] == 4 and body["summary"]["by_what"]["article_revision"] == 1
        revision = next(s for s in body["suspects"] if s["what"] == "article_revision")
        assert revision["id"] == content["article_revision"] and revision["findings"][0]["text"] == PHONE

    def test_is_a_kolo_command(self) -> None:
        from app.cli import build_parser

        assert build_parser().parse_args(["scan", "--json"]).func is command.cmd_scan
