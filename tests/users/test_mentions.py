"""Mentioning colleagues by name: default handles in KMU 2010 Latin, the @-suggestions and the check for @words that
match nobody."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models.users import UserUpdate
from app.services import users as users_service
from app.services.feed import text
from tests.conftest import sign_in
from tests.factories import make_post, make_user

SUGGESTIONS = "/api/v1/users/mention-suggestions"
CHECK = "/api/v1/users/mention-check"


class TestDefaultHandle:
    @pytest.mark.parametrize(
        ("name", "handle"),
        [
            ("Шевченко Марія Іванівна", "shevchenko.mariia"),  # the patronymic is left out
            ("Ґудзь Євгенія Миколаївна", "gudz.yevheniia"),  # ґ is g, є at a word's start is ye
            ("Їжакевич Йосип", "yizhakevych.yosyp"),  # ї and й at the start: yi, y
            ("Ковальчук Андрій", "kovalchuk.andrii"),  # ь is dropped, й inside a word is i
            ("Зінчук Згода", "zinchuk.zghoda"),  # зг is zgh
            ("Мар’янчук Ольга", "marianchuk.olha"),  # the typographic apostrophe is dropped
            ("Д'якова Дар`я", "diakova.daria"),  # so are ASCII and backtick ones
            ("Косач-Квітка Лариса", "kosach-kvitka.larysa"),  # a double surname keeps its hyphen
            ("Сковорода", "skovoroda"),
        ],
    )
    def test_a_name_becomes_surname_dot_given_name(self, session: Session, name: str, handle: str) -> None:
        user = make_user(session, email="person@kolo.test", name=name)
        assert user.handle == handle

    def test_a_taken_handle_gets_a_number(self, session: Session) -> None:
        first = make_user(session, email="m1@kolo.test", name="Шевченко Марія Іванівна")
        second = make_user(session, email="m2@kolo.test", name="Шевченко Марія Петрівна")
        third = make_user(session, email="m3@kolo.test", name="ШЕВЧЕНКО марія")
        assert [first.handle, second.handle, third.handle] == [
            "shevchenko.mariia",
            "shevchenko.mariia2",
            "shevchenko.mariia3",
        ]

    def test_a_name_without_letters_falls_back_to_the_email(self, session: Session) -> None:
        assert make_user(session, email="ward7@kolo.test", name="—").handle == "ward7"

    def test_a_chosen_handle_is_kept(self, session: Session) -> None:
        assert make_user(session, email="x@kolo.test", name="Шевченко Марія", handle="masha").handle == "masha"

    def test_the_new_handle_is_what_a_mention_notifies(
        self, session: Session, staff_client: TestClient, manager
    ) -> None:  # type: ignore[no-untyped-def]
        make_post(session, manager, body="@bondarenko.ihor та @shevchenko.mariia, перевірте графік")
        assert staff_client.get("/api/v1/notifications/unread-count").json()["unread"] == 1


@pytest.fixture
def colleagues(session: Session) -> None:
    make_user(session, email="surgeon@kolo.test", name="Ткаченко Андрій Олегович", departments=["Хірургія"])
    make_user(session, email="tkach@kolo.test", name="Ткач Олена", departments=["Терапія", "Педіатрія"])
    make_user(session, email="peds@kolo.test", name="Ґудзь Євгенія", departments=["Педіатрія"])
    make_user(session, email="nurse2@kolo.test", name="Мар’яненко Оксана", departments=["Терапія"])
    make_user(session, email="andrii@kolo.test", name="Андрієнко Тарас", departments=["Хірургія"])


def _names(client: TestClient, query: str) -> list[str]:
    response = client.get(SUGGESTIONS, params={"q": query})
    assert response.status_code == 200, response.text
    return [s["name"] for s in response.json()]


@pytest.mark.usefixtures("colleagues")
class TestMentionSuggestions:
    def test_anonymous_gets_401(self, client: TestClient) -> None:
        assert client.get(SUGGESTIONS, params={"q": "Ткач"}).status_code == 401

    def test_cyrillic_prefix_of_any_name_word_offers_name_handle_and_department(self, staff_client: TestClient) -> None:
        found = staff_client.get(SUGGESTIONS, params={"q": "Ткач"}).json()
        assert found == [
            {"handle": "tkach.olena", "name": "Ткач Олена", "departments": ["Педіатрія", "Терапія"]},
            {"handle": "tkachenko.andrii", "name": "Ткаченко Андрій Олегович", "departments": ["Хірургія"]},
        ]
        assert _names(staff_client, "андр") == ["Андрієнко Тарас", "Ткаченко Андрій Олегович"]  # surname first
        assert _names(staff_client, "Олегович") == ["Ткаченко Андрій Олегович"]

    def test_case_apostrophes_and_the_g_letter_do_not_matter(self, staff_client: TestClient) -> None:
        assert _names(staff_client, "ТКАЧЕН") == ["Ткаченко Андрій Олегович"]
        assert _names(staff_client, "марян") == ["Мар’яненко Оксана"]
        assert _names(staff_client, "мар'ян") == ["Мар’яненко Оксана"]
        assert _names(staff_client, "гудз") == ["Ґудзь Євгенія"]

    def test_latin_letters_find_by_transliteration_and_handle(self, staff_client: TestClient) -> None:
        assert _names(staff_client, "tkachenko") == ["Ткаченко Андрій Олегович"]
        assert _names(staff_client, "yevh") == ["Ґудзь Євгенія"]
        assert _names(staff_client, "@gudz.y") == ["Ґудзь Євгенія"]

    def test_two_words_narrow_the_list(self, staff_client: TestClient) -> None:
        assert _names(staff_client, "Ткач Ол") == ["Ткач Олена", "Ткаченко Андрій Олегович"]
        assert _names(staff_client, "Ткач Олен") == ["Ткач Олена"]

    def test_deactivated_people_and_oneself_are_not_offered(
        self, session: Session, staff_client: TestClient, staff, admin
    ) -> None:  # type: ignore[no-untyped-def]
        surgeon = users_service.get_user_by_email(session=session, email="surgeon@kolo.test")
        assert surgeon is not None
        users_service.update_user(session=session, user=surgeon, data=UserUpdate(is_active=False), actor=admin)
        assert _names(staff_client, "Ткач") == ["Ткач Олена"]
        assert _names(staff_client, "Шевч") == []

    def test_a_bare_at_offers_the_own_departments(self, staff_client: TestClient) -> None:
        assert _names(staff_client, "") == ["Мар’яненко Оксана", "Ткач Олена"]

    def test_at_most_eight(self, session: Session, staff_client: TestClient) -> None:
        for n in range(12):
            make_user(session, email=f"p{n}@kolo.test", name=f"Петренко Особа{n}")
        assert len(_names(staff_client, "Петр")) == 8


class TestMentionCheck:
    def test_anonymous_gets_401(self, client: TestClient) -> None:
        assert client.get(CHECK, params={"handle": "nurse"}).status_code == 401

    def test_lists_the_words_that_are_nobodys_handle(
        self, session: Session, staff_client: TestClient, manager, admin
    ) -> None:  # type: ignore[no-untyped-def]
        gone = make_user(session, email="gone@kolo.test", name="Вибула Ганна")
        users_service.update_user(session=session, user=gone, data=UserUpdate(is_active=False), actor=admin)
        params = [("handle", h) for h in ("bondarenko.ihor", "Ткач", "xyz", "vybula.hanna", "Bondarenko.Ihor.")]
        assert staff_client.get(CHECK, params=params).json() == {"unknown": ["ткач", "xyz", "vybula.hanna"]}


def test_an_unknown_at_word_reads_differently_from_a_mention(new_client, session: Session, staff, manager) -> None:  # type: ignore[no-untyped-def]
    post = make_post(session, manager, body="@shevchenko.mariia, @Ткач і @xyz: нарада о @15 год.")
    html = sign_in(new_client(), staff.email).get(f"/api/v1/posts/{post.id}").json()["html"]
    assert '<a href="/?author=shevchenko.mariia" class="mention"' in html
    assert '<span class="mention-unknown">@Ткач</span>' in html
    assert '<span class="mention-unknown">@xyz</span>' in html
    assert "о @15 год" in html
    assert html == text.render(post.body, ["shevchenko.mariia"])
