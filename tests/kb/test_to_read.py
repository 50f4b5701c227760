""" "What I still have to read": unacknowledged protocols and unread must-read announcements on the home page and in
the knowledge base, and the manager's reminder to those who have not read."""

from datetime import timedelta

import pytest
from sqlmodel import select

from app.errors import TooManyRequests
from app.models.kb import ChangeKind, PublishRequest
from app.models.notifications import Notification
from app.models.types import utcnow
from app.services.kb import acknowledgements, lifecycle, to_read
from tests.factories import make_post
from tests.forms import find_form, send, submit
from tests.kb.helpers import make_article, publish, save


def _protocol(session, manager, title="Гігієна рук"):  # type: ignore[no-untyped-def]
    article = make_article(session, manager, title=title, body="Тридцять секунд.", requires_acknowledgement=True)
    return publish(session, article, manager)


class TestList:
    def test_unacknowledged_protocols_and_must_read_posts_newest_first(self, session, manager, staff):
        _protocol(session, manager)
        body = "**Новий порядок обробки рук**\n\nДеталі."
        make_post(session, manager, body=body, kind="announcement", must_read=True)
        items = to_read.list_to_read(session=session, user=staff).items
        assert [(i.kind, i.title) for i in items] == [("post", "Новий порядок обробки рук"), ("article", "Гігієна рук")]

    def test_an_acknowledged_protocol_leaves_and_a_new_major_version_brings_it_back(self, session, manager, staff):
        article = _protocol(session, manager)
        acknowledgements.acknowledge(session=session, user=staff, article=article)
        assert to_read.list_to_read(session=session, user=staff).total == 0
        save(session, article, manager, "Сорок секунд.")
        data = PublishRequest(kind=ChangeKind.major, change_note="Довше")
        lifecycle.publish(session=session, user=manager, article=article, data=data)
        (item,) = to_read.list_to_read(session=session, user=staff).items
        assert item.again and item.version == 2

    def test_a_must_read_post_links_to_its_protocol(self, session, manager, staff):
        _protocol(session, manager)
        make_post(
            session,
            manager,
            body="Оновлено протокол, див. [повний текст](/kb/hihiiena-ruk).",
            kind="announcement",
            must_read=True,
        )
        post = next(i for i in to_read.list_to_read(session=session, user=staff).items if i.kind == "post")
        assert post.protocol_url == "/kb/hihiiena-ruk"


class TestPages:
    def test_the_home_page_shows_what_is_left_and_it_leaves_once_acknowledged(self, staff_page, session, manager):
        _protocol(session, manager)
        home = staff_page.get("/").text
        assert "Ще треба прочитати" in home and 'href="/kb/hihiiena-ruk"' in home
        assert submit(staff_page, "/kb/hihiiena-ruk", "/kb/hihiiena-ruk/acknowledge").status_code == 200
        assert "Ще треба прочитати" not in staff_page.get("/").text

    def test_the_home_page_shows_five_and_links_to_all(self, staff_page, session, manager):
        for n in range(7):
            _protocol(session, manager, title=f"Протокол номер {n}")
        home = staff_page.get("/").text
        assert home.count('class="to-read-item"') == 5 and "Усе, що треба прочитати (7)" in home
        everything = staff_page.get("/kb?show=to-read").text
        assert everything.count('class="to-read-item"') == 7

    def test_the_must_read_post_offers_its_protocol(self, staff_page, session, manager):
        _protocol(session, manager)
        body = "Оновлено протокол: [[hihiiena-ruk]] і /kb/hihiiena-ruk"
        make_post(session, manager, body=f"{body}\n\n[текст](/kb/hihiiena-ruk)", kind="announcement", must_read=True)
        assert "Відкрити протокол" in staff_page.get("/").text


class TestRemind:
    def test_the_manager_reminds_those_who_have_not_read_once_a_day(self, manager_page, session, manager, staff):
        _protocol(session, manager)
        done = submit(manager_page, "/kb/hihiiena-ruk/acknowledgements", "/kb/hihiiena-ruk/acknowledgements/remind")
        assert done.status_code == 200 and "Нагадування надіслано (отримувачів: 1)." in done.text
        kinds = session.exec(select(Notification.kind).where(Notification.recipient_id == staff.id)).all()
        assert "kb.remind" in kinds
        page = manager_page.get("/kb/hihiiena-ruk/acknowledgements").text
        assert "Нагадати знову можна завтра" in page and "disabled>Нагадати" in page
        remind = find_form(page, "/kb/hihiiena-ruk/acknowledgements/remind", "/kb/hihiiena-ruk/acknowledgements")
        again = send(manager_page, remind)  # a page left open from before
        assert again.status_code == 429

    def test_the_next_day_a_reminder_can_be_sent_again(self, session, manager, staff):
        article = _protocol(session, manager)
        assert acknowledgements.remind_missing(session=session, user=manager, article=article) == 1
        with pytest.raises(TooManyRequests):
            acknowledgements.remind_missing(session=session, user=manager, article=article)
        tomorrow = utcnow() + timedelta(days=1)
        assert acknowledgements.remind_missing(session=session, user=manager, article=article, now=tomorrow) == 1
