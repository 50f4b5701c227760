"""Pydantic's validation messages reach people in their language, fields named as the forms label them; the API's 422
body too. English keeps pydantic's own words."""

import typing
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError
from pydantic_core import core_schema

from app.models.types import InputDateTime, StrictId
from app.models.users import Role
from app.validation_messages import COUNTED, MESSAGES, describe, error_message
from tests.forms import submit


class Sample(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    handle: str = Field(default="ab", min_length=2, max_length=3)
    capacity: int = Field(default=1, ge=1, le=100_000)
    role: Role = Role.staff
    department_ids: list[StrictId] = []
    starts_at: InputDateTime | None = None


def errors_of(**data: object) -> list[dict[str, typing.Any]]:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate(data)
    return [dict(e) for e in caught.value.errors()]


def uk(**data: object) -> list[str]:
    return describe(errors_of(**data), "uk")


class TestTheTable:
    def test_every_translated_type_is_one_pydantic_raises(self) -> None:
        known = set(typing.get_args(core_schema.ErrorType)) | {"datetime_range"}  # Kolo's own (app/models/types.py)
        assert set(MESSAGES) - known == set()
        assert set(COUNTED) - known == set()

    def test_lengths_are_counted_in_ukrainian_plural_forms(self) -> None:
        assert uk(title="x" * 201) == ["Назва — не більше ніж 200 символів"]
        assert uk(title="x", handle="abcd") == ["Псевдонім (для @згадок) — не більше ніж 3 символи"]
        assert uk(title="x", handle="a") == ["Псевдонім (для @згадок) — щонайменше 2 символи"]
        assert error_message({"type": "string_too_long", "ctx": {"max_length": 1}}, "uk") == "не більше ніж 1 символ"
        assert (
            error_message({"type": "string_too_long", "ctx": {"max_length": 11}}, "uk") == "не більше ніж 11 символів"
        )

    def test_an_empty_required_text_asks_to_fill_it(self) -> None:
        assert uk(title="") == ["Назва — заповніть це поле"]
        assert uk() == ["Назва — заповніть це поле"]

    def test_numbers_choices_and_dates(self) -> None:
        assert uk(title="x", capacity="багато") == ["Кількість місць — введіть ціле число"]
        assert uk(title="x", capacity=0) == ["Кількість місць — має бути не менше за 1"]
        assert uk(title="x", capacity=200_000) == ["Кількість місць — має бути не більше за 100\xa0000"]
        assert uk(title="x", role="boss") == ["Роль — оберіть один із запропонованих варіантів"]
        assert uk(title="x", department_ids=["a"]) == ["Відділення — введіть ціле число"]
        assert uk(title="x", starts_at="завтра") == ["Початок — введіть дату й час"]
        assert uk(title="x", starts_at=datetime(3100, 1, 1)) == ["Початок — рік має бути від 1900 до 2999"]

    def test_an_unknown_type_or_field_still_reads_as_ukrainian(self) -> None:
        assert describe([{"type": "something_new", "loc": ("body", "x_y"), "msg": "Bad"}], "uk") == [
            "Недійсне значення"
        ]

    def test_english_keeps_pydantics_words_with_the_forms_labels(self) -> None:
        assert describe(errors_of(title="x" * 201), "en") == ["Title — String should have at most 200 characters"]

    def test_a_persons_name_is_their_full_name(self) -> None:
        errors = [{"type": "missing", "loc": ("name",), "msg": "Field required"}]
        assert describe(errors, "uk", model="UserCreate") == ["Прізвище, ім’я, по батькові — заповніть це поле"]


class TestPagesAndApi:
    def test_the_api_answers_422_in_ukrainian_naming_each_field(self, staff_client: TestClient) -> None:
        response = staff_client.post("/api/v1/posts", json={"body": "Нарада", "kind": "poem", "must_read": "може"})
        assert response.status_code == 422
        detail = response.json()["detail"]
        assert "Обов’язково до прочитання (must_read) — відповідь має бути «так» або «ні»" in detail, detail
        assert "Тип (kind) — оберіть один із запропонованих варіантів" in detail, detail
        assert "Field required" not in detail and "Input should" not in detail

    def test_the_api_answers_in_english_to_an_english_reader(self, staff_client: TestClient) -> None:
        response = staff_client.post(
            "/api/v1/posts", json={"body": "x", "kind": "poem"}, headers={"Accept-Language": "en"}
        )
        assert "Kind (kind) — Input should be" in response.json()["detail"]

    def test_the_invite_form_names_the_field_by_its_label(self, admin_page: TestClient) -> None:
        response = submit(admin_page, "/admin/users/new", "/admin/users/new", {"email": "o@kolo.test", "name": ""})
        assert response.status_code == 422
        assert "Прізвище, ім’я, по батькові — заповніть це поле" in response.text
        assert "name." not in response.text

    def test_a_page_refusing_a_request_says_why_in_ukrainian(self, staff_page: TestClient) -> None:
        response = staff_page.get("/kb/hihiiena-ruk/diff")  # a comparison without its two versions
        assert response.status_code == 422
        assert "Заповніть це поле" in response.text
        assert "Field required" not in response.text
