"""Search results that read well: one hit per thread (a post with how many of its comments match and the best one),
each hit's author or owner, date and departments, and colleagues found by name or by a guide they own."""

from datetime import UTC, datetime

from sqlmodel import Session, select

from app.i18n import format_date
from app.models.feed import Comment, Post
from app.models.users import User, UserUpdate
from app.services import users as users_service
from tests.conftest import sign_in
from tests.factories import make_article, make_comment, make_event, make_post, make_user, publish_article
from tests.search.conftest import api_search

TODAY = format_date(datetime.now(UTC), "uk", "Europe/Kyiv")  # e.g. "2 грудня 2026"


def _thread(session: Session, author: User, body: str, *comments: tuple[User, str]) -> int:
    post = make_post(session, author, body=body)
    for who, text in comments:
        make_comment(session, who, post, body=text)
    assert post.id is not None
    return post.id


class TestOneHitPerThread:
    def test_a_post_and_its_matching_comments_are_one_hit(
        self, session, staff, manager, staff_client, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        both = _thread(
            session,
            staff,
            "Нові рукавички вже на складі",
            (manager, "Рукавички розміру S теж привезли?"),
            (staff, "Так, рукавички всіх розмірів"),
            (manager, "Дякую!"),
        )
        only_comments = _thread(session, manager, "Нарада в понеділок о дев'ятій", (staff, "Візьміть рукавички"))
        wait_indexed()
        body = api_search(staff_client, "рукавички")
        assert [(i["type"], i["id"]) for i in body["items"]] == [("post", both), ("post", only_comments)] or [
            (i["type"], i["id"]) for i in body["items"]
        ] == [("post", only_comments), ("post", both)]
        assert body["total"] == 2
        kinds = {v["value"]: v["count"] for v in body["facets"]["kind"]}
        assert kinds == {"post": 1, "comment": 2}  # threads holding a matching post / comment
        first = next(i for i in body["items"] if i["id"] == both)
        assert first["comments"] == 2 and "<mark>" in first["snippet"]
        assert first["comment"]["author"] in ("Шевченко Марія", "Бондаренко Ігор")
        assert "<mark>" in first["comment"]["snippet"] and first["comment"]["url"].startswith(f"/posts/{both}#comment-")
        second = next(i for i in body["items"] if i["id"] == only_comments)
        assert second["title"] == "Нарада в понеділок о дев'ятій" and second["snippet"] == ""
        assert second["comments"] == 1 and second["comment"]["author"] == "Шевченко Марія"

    def test_the_page_shows_the_count_of_matching_comments_under_the_post(
        self, session, staff, manager, staff_page, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        _thread(
            session,
            staff,
            "Стерилізатор у процедурній",
            (manager, "Стерилізатор знову гріється"),
            (staff, "Стерилізатор перевірили"),
        )
        wait_indexed()
        page = staff_page.get("/search", params={"q": "стерилізатор"}).text
        assert "2 коментарі збігаються" in page and "1 результат" in page
        assert page.count('class="search-hit"') == 1

    def test_a_comment_the_reader_may_no_longer_read_is_not_shown(
        self, session, staff, manager, staff_client, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        post_id = _thread(session, staff, "Кисневі балони на посту", (manager, "Балони замінили вчора"))
        wait_indexed()
        comment = session.exec(select(Comment).where(Comment.post_id == post_id)).one()
        comment.deleted_at = datetime.now(UTC)  # the index still holds it: the database has the last word
        session.add(comment)
        session.commit()
        item = api_search(staff_client, "балони")["items"][0]
        assert item["id"] == post_id and item["comment"] is None and item["comments"] == 0

    def test_an_event_is_one_hit_with_its_matching_comments_under_it(
        self, session, staff, manager, staff_client, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        event = make_event(
            session, manager, title="Тренінг з дефібриляції", body="Відпрацюємо дефібриляцію на манекені"
        )
        make_comment(session, staff, session.get(Post, event.post_id), body="А дефібриляція дітям теж буде?")
        wait_indexed()
        body = api_search(staff_client, "дефібриляція")
        assert [(i["type"], i["id"]) for i in body["items"]] == [("event", event.id)]
        assert body["items"][0]["url"] == f"/events/{event.id}" and body["items"][0]["comments"] == 1
        assert body["items"][0]["comment"]["author"] == "Шевченко Марія"

    def test_pages_over_threads_never_repeat_or_skip_one(
        self, session, staff, manager, staff_client, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        threads = {
            _thread(session, staff, f"Порада {n} про маски", (manager, f"Маски {n} в шафі"), (staff, "Маски є"))
            for n in range(5)
        }
        wait_indexed()
        seen, cursor = [], None
        for _ in range(5):
            body = api_search(staff_client, "маски", limit=2, **({"cursor": cursor} if cursor else {}))
            assert body["total"] == 5
            seen += [i["id"] for i in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(threads) and len(seen) == 5


class TestWhoWhenWhere:
    def test_hits_carry_their_author_date_and_department(
        self, session, staff, manager, staff_client, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        therapy = users_service.ensure_department(session=session, name="Терапія")
        make_post(session, staff, body="Термометри повірено", department_ids=[therapy.id])
        article = make_article(session, manager, title="Повірка термометрів", body="Щороку.")
        publish_article(session, article, manager)
        wait_indexed()
        items = {i["type"]: i for i in api_search(staff_client, "термометр")["items"]}
        assert items["post"]["author"] == "Шевченко Марія" and items["post"]["author_id"] == staff.id
        assert items["post"]["department_ids"] == [therapy.id] and items["post"]["departments"] == ["Терапія"]
        assert items["post"]["date"] is not None
        assert items["article"]["author"] == "Бондаренко Ігор"  # an article shows its owner
        page = staff_client.get("/search", params={"q": "термометр"}).text
        assert 'class="search-meta muted"' in page and TODAY in page
        assert "Шевченко Марія" in page and "Бондаренко Ігор" in page


class TestPeople:
    def test_a_colleague_is_found_by_name_and_by_a_guide_they_own(
        self, session, staff, manager, staff_client, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        article = make_article(session, manager, title="Гігієна рук", body="Тридцять секунд антисептику.")
        publish_article(session, article, manager)
        wait_indexed()
        by_name = api_search(staff_client, "Бондаренко")["items"]
        assert [(i["type"], i["id"]) for i in by_name] == [("person", manager.id)]
        assert by_name[0]["departments"] == ["Терапія"] and by_name[0]["date"] is None
        by_guide = api_search(staff_client, "хто відповідає за гігієну рук")["items"]
        assert ("person", manager.id) in [(i["type"], i["id"]) for i in by_guide]
        page = staff_client.get("/search", params={"q": "Бондаренко"}).text
        assert ">Люди</a>" in page and "Колега" in page

    def test_a_renamed_colleague_is_found_by_the_new_name(
        self, session, staff, admin, staff_client, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        colleague = make_user(session, email="lab@kolo.test", name="Ткаченко Ольга", departments=["Лабораторія"])
        users_service.update_user(session=session, user=colleague, data=UserUpdate(name="Мельник Ольга"), actor=admin)
        wait_indexed()
        assert [i["id"] for i in api_search(staff_client, "Мельник")["items"]] == [colleague.id]
        assert api_search(staff_client, "Ткаченко")["items"] == []

    def test_a_deactivated_colleague_is_found_by_nobody(
        self, session, staff, admin, staff_client, admin_client, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        gone = make_user(session, email="gone@kolo.test", name="Руденко Павло", departments=["Терапія"])
        wait_indexed()
        assert [i["type"] for i in api_search(staff_client, "Руденко")["items"]] == ["person"]
        users_service.update_user(session=session, user=gone, data=UserUpdate(is_active=False), actor=admin)
        wait_indexed()
        assert api_search(staff_client, "Руденко")["items"] == []
        assert api_search(admin_client, "Руденко")["items"] == []

    def test_the_database_hides_a_person_the_index_still_holds(
        self, session, staff, staff_client, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        gone = make_user(session, email="left@kolo.test", name="Гнатюк Семен", departments=["Терапія"])
        wait_indexed()
        assert [i["id"] for i in api_search(staff_client, "Гнатюк")["items"]] == [gone.id]
        gone.is_active = False  # not through the service: no outbox row, the index still has the person
        session.add(gone)
        session.commit()
        assert api_search(staff_client, "Гнатюк")["items"] == []

    def test_a_guide_for_other_departments_never_names_its_owner_to_outsiders(
        self, session, client, new_client, manager, manager_client, wait_indexed
    ) -> None:  # type: ignore[no-untyped-def]
        surgery = users_service.ensure_department(session=session, name="Хірургія")
        make_user(session, email="outsider@kolo.test", name="Лисенко Іван", departments=["Кардіологія"])
        outsider = sign_in(new_client(), "outsider@kolo.test")
        article = make_article(
            session, manager, title="Протокол зебровакцинації", body="Лише для хірургії.", department_ids=[surgery.id]
        )
        publish_article(session, article, manager)
        wait_indexed()
        assert [i["type"] for i in api_search(outsider, "Бондаренко")["items"]] == ["person"]  # the owner is found...
        body = api_search(outsider, "зебровакцинації")
        assert body["items"] == [] and body["total"] == 0  # ...but not by the title of a guide they may not read
        insider = api_search(manager_client, "зебровакцинації")["items"]
        assert [i["type"] for i in insider] == ["article"]
