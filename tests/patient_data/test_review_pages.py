"""The manager page «Дані пацієнтів»: suspects in published content with the findings marked, the report of
overrides filterable by period, the institution's rules (admins change them); staff get 403 on pages and API."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models.audit import AuditEvent
from app.models.users import User
from tests.conftest import sign_in_page
from tests.factories import make_post
from tests.forms import submit

PHONE = "+380501234567"
REASON = "Це телефон реєстратури лікарні"


@pytest.fixture
def suspect_post(session: Session, staff: User) -> int:
    """A post published before the guard existed, with a phone in it."""
    post = make_post(session, staff, body="Чисто.")
    post.body = f"Пацієнт просив передзвонити: {PHONE}"
    session.add(post)
    session.commit()
    assert post.id is not None
    return post.id


class TestAccess:
    @pytest.mark.parametrize("path", ["/patient-data", "/patient-data/overrides", "/patient-data/rules"])
    def test_staff_get_403_on_the_pages(self, new_client, staff: User, path: str) -> None:  # type: ignore[no-untyped-def]
        assert sign_in_page(new_client(), staff.email).get(path).status_code == 403

    @pytest.mark.parametrize("path", ["suspects", "overrides", "rules"])
    def test_staff_get_403_on_the_api(self, staff_client: TestClient, path: str) -> None:
        assert staff_client.get(f"/api/v1/patient-data/{path}").status_code == 403

    def test_managers_find_the_page_in_the_menu_and_staff_do_not(
        self,
        new_client,
        staff: User,
        manager: User,  # type: ignore[no-untyped-def]
    ) -> None:
        assert 'href="/patient-data"' in sign_in_page(new_client(), manager.email).get("/").text
        assert 'href="/patient-data"' not in sign_in_page(new_client(), staff.email).get("/").text


class TestSuspects:
    def test_the_page_links_the_item_and_marks_the_finding(self, new_client, manager: User, suspect_post: int) -> None:  # type: ignore[no-untyped-def]
        page = sign_in_page(new_client(), manager.email).get("/patient-data")
        assert page.status_code == 200
        assert f'href="/posts/{suspect_post}"' in page.text
        assert f">{PHONE}</mark>" in page.text and "Це все." in page.text
        assert "Шевченко Марія · " in page.text  # who to ask to remove it

    def test_the_api_gives_the_same_suspects(self, manager_client: TestClient, suspect_post: int) -> None:
        body = manager_client.get("/api/v1/patient-data/suspects").json()
        assert body["next_cursor"] is None and body["checked"] == 1
        [item] = body["items"]
        assert (item["what"], item["id"], item["kinds"]) == ("post", suspect_post, ["phone"])
        assert item["author_name"] == "Шевченко Марія"
        assert item["snippets"][0]["findings"] == [{"kind": "phone", "text": PHONE}]

    def test_a_bad_cursor_is_a_422(self, manager_client: TestClient) -> None:
        assert manager_client.get("/api/v1/patient-data/suspects", params={"cursor": "nope"}).status_code == 422


class TestOverrides:
    def test_who_published_anyway_why_and_where(
        self,
        staff_client: TestClient,
        new_client,
        manager: User,
        session: Session,  # type: ignore[no-untyped-def]
    ) -> None:
        post = staff_client.post("/api/v1/posts", json={"body": f"Реєстратура: {PHONE}", "override_reason": REASON})
        assert post.status_code == 201
        page = sign_in_page(new_client(), manager.email).get("/patient-data/overrides")
        assert REASON in page.text and "Шевченко Марія" in page.text
        assert f'href="/posts/{post.json()["id"]}"' in page.text
        assert "номер телефону" in page.text

    def test_the_period_filter(self, staff_client: TestClient, manager_client: TestClient, session: Session) -> None:
        staff_client.post("/api/v1/posts", json={"body": f"Реєстратура: {PHONE}", "override_reason": REASON})
        old = session.exec(select(AuditEvent).where(AuditEvent.action == "patient_data.published_anyway")).one()
        old.created_at = datetime.now(UTC) - timedelta(days=40)
        session.add(old)
        session.commit()
        staff_client.post("/api/v1/posts", json={"body": f"Довідкова: {PHONE}", "override_reason": REASON})
        since = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
        recent = manager_client.get("/api/v1/patient-data/overrides", params={"since": since}).json()["items"]
        assert len(recent) == 1 and recent[0]["reason"] == REASON and recent[0]["kinds"] == ["phone"]
        until = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
        earlier = manager_client.get("/api/v1/patient-data/overrides", params={"until": until}).json()["items"]
        assert [e["id"] for e in earlier] == [old.id]


class TestRulesPage:
    def test_admin_adds_a_rule_and_a_bad_one_comes_back_with_the_reason(self, new_client, admin: User) -> None:  # type: ignore[no-untyped-def]
        page = sign_in_page(new_client(), admin.email)
        refused = submit(page, "/patient-data/rules", "/patient-data/rules", {"name": "код", "pattern": "(a+)+"})
        assert refused.status_code == 422 and "повторення всередині повторення" in refused.text
        assert 'value="(a+)+"' in refused.text
        added = submit(
            page, "/patient-data/rules", "/patient-data/rules", {"name": "код ліжка", "pattern": "ЛК-[0-9]{4}"}
        )
        assert added.status_code == 200 and "ЛК-[0-9]{4}" in added.text and "код ліжка" in added.text

    def test_admin_removes_a_rule(self, new_client, admin: User, admin_client: TestClient) -> None:  # type: ignore[no-untyped-def]
        rule_id = admin_client.post("/api/v1/patient-data/rules", json={"name": "код", "pattern": "ЛК-\\d{4}"}).json()[
            "id"
        ]
        page = sign_in_page(new_client(), admin.email)
        removed = submit(page, "/patient-data/rules", f"/patient-data/rules/{rule_id}/delete")
        assert removed.status_code == 200 and "Правило видалено." in removed.text and "<code>ЛК-" not in removed.text

    def test_managers_see_the_rules_without_the_form(self, new_client, manager: User, admin_client: TestClient) -> None:  # type: ignore[no-untyped-def]
        admin_client.post("/api/v1/patient-data/rules", json={"name": "код", "pattern": "ЛК-\\d{4}"})
        page = sign_in_page(new_client(), manager.email).get("/patient-data/rules")
        assert "ЛК-\\d{4}" in page.text and 'action="/patient-data/rules"' not in page.text
