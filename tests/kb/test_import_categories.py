"""Import puts guides into the category that already exists under that name, at any level, and says which."""

import json
import unicodedata

from sqlmodel import select

from app.models.kb import KbCategory
from app.services.kb import categories, importing
from tests.factories import make_category
from tests.forms import submit


def _protocols(session, manager) -> KbCategory:  # type: ignore[no-untyped-def]
    """«Клінічні протоколи» with its subcategory «Інфекційний контроль», as the demo has them."""
    parent = make_category(session, manager, name="Клінічні протоколи")
    return make_category(session, manager, name="Інфекційний контроль", parent=parent)


def _jsonl(*entries: dict[str, str]) -> bytes:
    return "\n".join(json.dumps(e, ensure_ascii=False) for e in entries).encode()


class TestMatching:
    def test_a_name_finds_its_category_at_any_level_however_it_is_typed(self, session, manager):
        wanted = _protocols(session, manager)
        for typed in (
            "Інфекційний контроль",
            "  інфекційний   КОНТРОЛЬ ",
            unicodedata.normalize("NFD", wanted.name),
            "Клінічні протоколи / інфекційний контроль",
        ):
            assert categories.find_or_create(session=session, path=typed).id == wanted.id, typed
        assert len(session.exec(select(KbCategory)).all()) == 2

    def test_apostrophe_variants_are_one_name(self, session, manager):
        existing = make_category(session, manager, name="Обов'язкове")
        for apostrophe in "’ʼ`":
            assert categories.find_or_create(session=session, path=f"обов{apostrophe}язкове").id == existing.id

    def test_adding_a_category_by_hand_refuses_the_same_name_typed_otherwise(self, session, manager, manager_page):
        _protocols(session, manager)
        page = submit(manager_page, "/kb/categories", "/kb/categories", {"name": "клінічні  протоколи"})
        assert page.status_code == 409 and "уже є" in page.text


class TestReport:
    def test_the_import_page_names_the_category_used(self, session, manager, manager_page):
        wanted = _protocols(session, manager)
        data = _jsonl(
            {"title": "Маски", "body": "Коли носити маску.", "category": "інфекційний контроль"},
            {"title": "Рукавички", "body": "Коли міняти.", "category": "Інфекційний контроль"},
        )
        result = submit(manager_page, "/kb/import", "/kb/import", files={"file": ("g.jsonl", data, "application/json")})
        assert result.status_code == 200
        assert "Клінічні протоколи / Інфекційний контроль" in result.text and "2 статті" in result.text
        session.expire_all()
        assert len(session.exec(select(KbCategory)).all()) == 2
        assert manager_page.get("/kb", params={"category": wanted.id}).text.count("kb-list-title") == 2

    def test_the_result_tells_existing_from_new_categories(self, session, manager):
        _protocols(session, manager)
        lines = [
            {"title": "А", "body": "а", "category": "Інфекційний контроль"},
            {"title": "Б", "body": "б", "category": "Адаптація"},
            {"title": "В", "body": "в"},
        ]
        items = (importing.parse_jsonl_line(n, json.dumps(line)) for n, line in enumerate(lines, start=1))
        result = importing.import_items(session=session, author=manager, items=items)  # type: ignore[arg-type]
        assert [(c.path, c.created, c.articles) for c in result.categories] == [
            ("Клінічні протоколи/Інфекційний контроль", False, 1),
            ("Адаптація", True, 1),
        ]
