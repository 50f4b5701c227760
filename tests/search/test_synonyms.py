"""Synonym groups managers curate: the shipped thesaurus as edited, switched off and restored, their own groups,
what a group may hold, who may change them, and that search applies a change from the very next query."""

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models.audit import AuditEvent
from app.models.synonyms import SynonymGroup
from app.models.types import utcnow
from app.search.thesaurus import read_groups
from app.services.search import synonyms
from tests.conftest import sign_in_page
from tests.forms import submit
from tests.search.conftest import api_search, post

SHIPPED = read_groups(
    """# a small shipped thesaurus for these tests
ШВЛ | штучна вентиляція легень
декрет | відпустка у зв'язку з вагітністю та пологами
"""
)
API = "/api/v1/search/synonyms"


@pytest.fixture(autouse=True)
def shipped(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """These tests' own shipped thesaurus, so they hold whatever the real one holds."""
    monkeypatch.setattr(synonyms, "shipped_groups", lambda: SHIPPED)
    yield


def _create(client: TestClient, *terms: str) -> Any:
    return client.post(API, json={"terms": list(terms)})


def _titles(client: TestClient, q: str) -> list[str]:
    return [item["title"] for item in api_search(client, q)["items"]]


class TestWhatAGroupMayHold:
    def test_a_group_is_kept_trimmed_in_nfc_with_each_term_once(self, manager_client) -> None:  # type: ignore[no-untyped-def]
        decomposed = unicodedata.normalize("NFD", "гайморит")
        created = _create(manager_client, "  синусит  ", decomposed, "Гайморит", "запалення   пазух")
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["terms"] == ["синусит", "гайморит", "запалення пазух"]
        assert body["origin"] == "local" and body["id"] == f"local:{body['id'].split(':')[1]}"
        assert body["head"] == "синусит" and body["shipped_terms"] is None

    def test_one_term_or_the_same_one_twice_is_refused(self, manager_client) -> None:  # type: ignore[no-untyped-def]
        for terms in (["лікарняний"], ["лікарняний", "Лікарняний "], ["лікарняний", "  "]):
            refused = _create(manager_client, *terms)
            assert refused.status_code == 422
            assert "щонайменше два різні терміни" in refused.json()["detail"]

    def test_a_term_longer_than_80_characters_is_refused(self, manager_client) -> None:  # type: ignore[no-untyped-def]
        refused = _create(manager_client, "довідка", "д" * 81)
        assert refused.status_code == 422 and "довше за 80 символів" in refused.json()["detail"]
        assert _create(manager_client, "довідка", "д" * 80).status_code == 201

    def test_more_than_30_terms_are_refused(self, manager_client) -> None:  # type: ignore[no-untyped-def]
        refused = _create(manager_client, *(f"слово{i}" for i in range(31)))
        assert refused.status_code == 422 and "щонайбільше 30 термінів" in refused.json()["detail"]

    def test_a_term_of_stop_words_only_is_refused(self, manager_client) -> None:  # type: ignore[no-untyped-def]
        refused = _create(manager_client, "аналіз крові", "і та з")
        assert refused.status_code == 422
        assert "Пошук пропускає всі слова «і та з»" in refused.json()["detail"]

    def test_a_term_of_another_group_is_refused_naming_that_group(self, manager_client) -> None:  # type: ignore[no-untyped-def]
        assert _create(manager_client, "тиск", "гіпертензія").status_code == 201
        refused = _create(manager_client, "апарат ШВЛ", "Штучної вентиляції легень")  # the shipped group's, inflected
        assert refused.status_code == 409
        assert refused.json()["detail"] == "«Штучної вентиляції легень» уже є в групі «ШВЛ»."
        refused = _create(manager_client, "гіпертонія", "тиску")
        assert refused.status_code == 409 and "уже є в групі «тиск»" in refused.json()["detail"]


class TestShippedGroups:
    def test_every_shipped_group_is_listed_by_its_head(self, manager_client) -> None:  # type: ignore[no-untyped-def]
        listed = manager_client.get(API).json()["items"]
        assert [(g["id"], g["origin"], g["terms"]) for g in listed] == [
            ("shipped:ШВЛ", "shipped", ["ШВЛ", "штучна вентиляція легень"]),
            ("shipped:декрет", "shipped", ["декрет", "відпустка у зв'язку з вагітністю та пологами"]),
        ]
        assert manager_client.get(f"{API}/shipped:ШВЛ").json()["head"] == "ШВЛ"
        assert manager_client.get(f"{API}/shipped:немає").status_code == 404
        assert manager_client.get(f"{API}/local:999").status_code == 404

    def test_edit_switch_off_and_restore_keep_the_id_and_are_audited(  # type: ignore[no-untyped-def]
        self, manager_client, session: Session
    ) -> None:
        edited = manager_client.patch(f"{API}/shipped:декрет", json={"terms": ["декрет", "декретна відпустка"]})
        assert edited.status_code == 200, edited.text
        assert edited.json()["origin"] == "edited" and edited.json()["id"] == "shipped:декрет"
        assert edited.json()["shipped_terms"] == ["декрет", "відпустка у зв'язку з вагітністю та пологами"]
        assert manager_client.delete(f"{API}/shipped:декрет").status_code == 204
        off = manager_client.get(f"{API}/shipped:декрет").json()
        assert off["disabled"] is True and off["terms"] == ["декрет", "декретна відпустка"]
        restored = manager_client.patch(f"{API}/shipped:декрет", json={"restore": True})
        assert restored.status_code == 200
        assert restored.json()["origin"] == "shipped" and restored.json()["disabled"] is False
        assert session.exec(select(SynonymGroup)).all() == []  # restoring deleted the override
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.target_type == "synonym_group")).all()
        assert actions == ["synonyms.group_updated", "synonyms.group_disabled", "synonyms.group_restored"]

    def test_a_local_group_is_deleted_and_cannot_be_restored(self, manager_client) -> None:  # type: ignore[no-untyped-def]
        ref = _create(manager_client, "лікарняний", "листок непрацездатності").json()["id"]
        assert manager_client.patch(f"{API}/{ref}", json={"restore": True}).status_code == 422
        assert manager_client.patch(f"{API}/{ref}", json={}).status_code == 422
        assert manager_client.delete(f"{API}/{ref}").status_code == 204
        assert manager_client.get(f"{API}/{ref}").status_code == 404

    def test_a_switched_off_group_frees_its_terms_and_restoring_then_says_where_they_went(  # type: ignore[no-untyped-def]
        self, manager_client
    ) -> None:
        manager_client.delete(f"{API}/shipped:ШВЛ")
        assert _create(manager_client, "ШВЛ", "апарат дихання").status_code == 201
        refused = manager_client.patch(f"{API}/shipped:ШВЛ", json={"restore": True})
        assert refused.status_code == 409 and "«ШВЛ» уже є в групі «ШВЛ»" in refused.json()["detail"]

    def test_the_filter_finds_a_group_by_any_word_form(self, manager_client) -> None:  # type: ignore[no-untyped-def]
        found = manager_client.get(API, params={"q": "вентиляції"}).json()["items"]
        assert [g["id"] for g in found] == ["shipped:ШВЛ"]
        assert manager_client.get(API, params={"q": "шв"}).json()["items"][0]["id"] == "shipped:ШВЛ"
        assert manager_client.get(API, params={"q": "пролежні"}).json()["items"] == []


class TestSearchApplies:
    def test_an_edit_changes_the_very_next_search(self, staff_client, manager_client, wait_indexed) -> None:  # type: ignore[no-untyped-def]
        post(staff_client, "Графік чергувань на грудень у терапії")
        wait_indexed()
        assert _titles(staff_client, "розклад") == []
        ref = _create(manager_client, "розклад", "графік").json()["id"]
        assert len(_titles(staff_client, "розклад")) == 1
        manager_client.delete(f"{API}/{ref}")
        assert _titles(staff_client, "розклад") == []

    def test_a_shipped_group_applies_until_switched_off(self, staff_client, manager_client, wait_indexed) -> None:  # type: ignore[no-untyped-def]
        post(staff_client, "Пацієнт на штучній вентиляції легень: догляд за ротовою порожниною")
        wait_indexed()
        assert len(_titles(staff_client, "ШВЛ")) == 1
        manager_client.delete(f"{API}/shipped:ШВЛ")
        assert _titles(staff_client, "ШВЛ") == []
        manager_client.patch(f"{API}/shipped:ШВЛ", json={"restore": True})
        assert len(_titles(staff_client, "ШВЛ")) == 1

    def test_a_change_another_worker_wrote_applies_from_the_next_search(  # type: ignore[no-untyped-def]
        self, app, staff_client, wait_indexed
    ) -> None:
        post(staff_client, "Графік чергувань на грудень у терапії")
        wait_indexed()
        assert _titles(staff_client, "розклад") == []  # this process has now built and kept its thesaurus
        with Session(app.state.engine) as other_worker:
            other_worker.add(SynonymGroup(terms=["розклад", "графік"], updated_at=utcnow()))
            other_worker.commit()
        assert len(_titles(staff_client, "розклад")) == 1


class TestWhoMay:
    def test_staff_get_403_and_visitors_401_from_the_api(self, staff_client, client) -> None:  # type: ignore[no-untyped-def]
        for method, path, body in (
            ("GET", API, None),
            ("POST", API, {"terms": ["розклад", "графік"]}),
            ("GET", f"{API}/shipped:ШВЛ", None),
            ("PATCH", f"{API}/shipped:ШВЛ", {"terms": ["ШВЛ", "вентиляція"]}),
            ("DELETE", f"{API}/shipped:ШВЛ", None),
        ):
            assert staff_client.request(method, path, json=body).status_code == 403, (method, path)
        staff_client.cookies.clear()
        staff_client.headers.pop("X-CSRF-Token")
        assert client.get(API).status_code == 401

    def test_staff_get_403_from_the_pages(self, new_client, staff) -> None:  # type: ignore[no-untyped-def]
        nurse = sign_in_page(new_client(), staff.email)
        for path in ("/search/synonyms", "/search/synonyms/new", "/search/synonyms/edit?group=shipped:ШВЛ"):
            assert nurse.get(path).status_code == 403, path
        assert "/search/synonyms" not in nurse.get("/").text

    def test_an_admin_may_edit_too(self, admin_client) -> None:  # type: ignore[no-untyped-def]
        assert _create(admin_client, "розклад", "графік").status_code == 201


class TestPages:
    @pytest.fixture
    def head(self, new_client, manager) -> TestClient:  # type: ignore[no-untyped-def]
        return sign_in_page(new_client(), manager.email)

    def test_the_menu_and_the_gap_report_link_here(self, head) -> None:  # type: ignore[no-untyped-def]
        assert 'href="/search/synonyms"' in head.get("/").text
        assert 'href="/search/synonyms"' in head.get("/search/gaps").text

    def test_adding_a_group_from_the_gap_report_link(self, head) -> None:  # type: ignore[no-untyped-def]
        page = head.get("/search/synonyms/new", params={"term": "розклад"})
        assert ">розклад\n</textarea>" in page.text
        added = submit(head, "/search/synonyms/new?term=розклад", "/search/synonyms/new", {"terms": "розклад\nграфік"})
        assert added.status_code == 200 and str(added.url).endswith("/search/synonyms")
        assert "Групу «розклад» додано; пошук застосовує її з наступного запиту." in added.text
        assert "додано тут" in added.text and "розклад</strong> · графік" in added.text

    def test_bad_input_comes_back_with_the_terms_and_the_message(self, head) -> None:  # type: ignore[no-untyped-def]
        refused = submit(
            head, "/search/synonyms/new", "/search/synonyms/new", {"terms": "апарат ШВЛ\nштучна вентиляція легень"}
        )
        assert refused.status_code == 409
        assert "«штучна вентиляція легень» уже є в групі «ШВЛ»." in refused.text
        assert "апарат ШВЛ\nштучна вентиляція легень</textarea>" in refused.text
        refused = submit(head, "/search/synonyms/new", "/search/synonyms/new", {"terms": "лише одне"})
        assert refused.status_code == 422 and "лише одне</textarea>" in refused.text

    def test_edit_switch_off_and_restore_a_shipped_group(self, head) -> None:  # type: ignore[no-untyped-def]
        edit = "/search/synonyms/edit?group=shipped:декрет"
        saved = submit(head, edit, "/search/synonyms/edit", {"terms": "декрет\nдекретна відпустка"})
        assert "Групу «декрет» збережено" in saved.text and "з Коло, змінено" in saved.text
        off = submit(head, "/search/synonyms?q=декрет", "/search/synonyms/remove")
        assert str(off.url).endswith("/search/synonyms?q=%D0%B4%D0%B5%D0%BA%D1%80%D0%B5%D1%82")
        assert "Групу «декрет» вимкнено" in off.text and "вимкнено</span>" in off.text
        back = submit(head, "/search/synonyms?q=декрет", "/search/synonyms/restore")
        assert "Групу «декрет» відновлено" in back.text and "Відновити як у Коло" not in back.text

    def test_a_local_group_is_deleted_from_the_list(self, head, manager_client) -> None:  # type: ignore[no-untyped-def]
        _create(manager_client, "розклад", "графік")
        gone = submit(head, "/search/synonyms?q=розклад", "/search/synonyms/remove")
        assert "Групу «розклад» видалено." in gone.text and "Немає групи зі словом «розклад»." in gone.text

    def test_the_list_pages_and_a_missing_group_is_404(self, head, manager_client) -> None:  # type: ignore[no-untyped-def]
        for i in range(30):
            _create(manager_client, f"термін{i}", f"синонім{i}")
        first = head.get("/search/synonyms")
        assert "32 групи" in first.text and 'href="/search/synonyms?page=2"' in first.text
        second = head.get("/search/synonyms", params={"page": "2"})
        assert "термін29" in second.text and "термін0<" not in second.text
        assert head.get("/search/synonyms", params={"page": "x"}).status_code == 200
        assert head.get("/search/synonyms/edit").status_code == 404
        assert head.get("/search/synonyms/edit", params={"group": "shipped:немає"}).status_code == 404
