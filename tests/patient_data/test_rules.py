"""The institution's own rules: admins add and remove them (audited), a pattern that is invalid or could backtrack
for minutes is refused with its reason, and a change holds from the next write."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.errors import AppError
from app.models.audit import AuditEvent
from app.services.patient_data import rules

RULE = {"name": "код ліжка", "pattern": r"ЛК-[0-9]{4}"}


class TestCheckPattern:
    @pytest.mark.parametrize(
        ("pattern", "says"),
        [
            ("ЛК-[0-9", "not a valid regular expression"),
            ("a" * 301, "at most 300 characters"),
            ("[0-9]*", "matches empty text"),
            (r"([0-9]+)+x", "repeats a repetition"),
            (r"(\w+\s?)+$", "repeats a repetition"),
            (r"(a)\1", "refers back to a group"),
            (r"(a|aa)*c", "took longer than"),
            (r"[0-9]+[0-9]+[0-9]+x", "took longer than"),
        ],
    )
    def test_refuses_with_the_reason(self, pattern: str, says: str) -> None:
        with pytest.raises(AppError) as refused:
            rules.check_pattern(pattern)
        assert says in refused.value.detail("en")

    @pytest.mark.parametrize("pattern", [r"ЛК-[0-9]{4}", r"\bбокс\s?№?\s?\d{1,3}\b", r"(?:MR|КТ)-\d{6}"])
    def test_accepts_ordinary_patterns(self, pattern: str) -> None:
        assert rules.check_pattern(pattern).search("див. ЛК-1234, бокс №12, КТ-123456")


class TestApi:
    def test_admin_adds_a_rule_that_holds_from_the_next_post(
        self, admin_client: TestClient, staff_client: TestClient, session: Session
    ) -> None:
        assert staff_client.post("/api/v1/posts", json={"body": "Ліжко ЛК-1234 вільне"}).status_code == 201
        created = admin_client.post("/api/v1/patient-data/rules", json=RULE)
        assert created.status_code == 201 and created.json()["name"] == "код ліжка"
        refused = staff_client.post("/api/v1/posts", json={"body": "Ліжко лк-1234 вільне"})
        assert refused.status_code == 422 and refused.json()["findings"][0]["kind"] == "код ліжка"
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "patient_data.rule_created")).one()
        assert event.detail == {"name": "код ліжка", "pattern": RULE["pattern"]}

    def test_removing_a_rule_lets_the_text_through_and_is_audited(
        self, admin_client: TestClient, staff_client: TestClient, session: Session
    ) -> None:
        rule_id = admin_client.post("/api/v1/patient-data/rules", json=RULE).json()["id"]
        assert admin_client.delete(f"/api/v1/patient-data/rules/{rule_id}").status_code == 204
        assert staff_client.post("/api/v1/posts", json={"body": "Ліжко ЛК-1234 вільне"}).status_code == 201
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "patient_data.rule_deleted")).one()
        assert admin_client.get("/api/v1/patient-data/rules").json() == []

    def test_a_catastrophic_pattern_is_refused_and_not_saved(self, admin_client: TestClient) -> None:
        refused = admin_client.post("/api/v1/patient-data/rules", json={"name": "x", "pattern": "(a+)+$"})
        assert refused.status_code == 422 and "повторення" in refused.json()["detail"]
        assert admin_client.get("/api/v1/patient-data/rules").json() == []

    def test_a_name_taken_by_a_built_in_kind_or_another_rule_is_refused(self, admin_client: TestClient) -> None:
        assert (
            admin_client.post("/api/v1/patient-data/rules", json={"name": "phone", "pattern": "x"}).status_code == 409
        )
        assert admin_client.post("/api/v1/patient-data/rules", json=RULE).status_code == 201
        assert admin_client.post("/api/v1/patient-data/rules", json=RULE).status_code == 409

    def test_managers_read_the_rules_but_only_admins_change_them(
        self, manager_client: TestClient, staff_client: TestClient, admin_client: TestClient
    ) -> None:
        rule_id = admin_client.post("/api/v1/patient-data/rules", json=RULE).json()["id"]
        assert [r["name"] for r in manager_client.get("/api/v1/patient-data/rules").json()] == ["код ліжка"]
        assert manager_client.post("/api/v1/patient-data/rules", json=RULE).status_code == 403
        assert manager_client.delete(f"/api/v1/patient-data/rules/{rule_id}").status_code == 403
        assert staff_client.get("/api/v1/patient-data/rules").status_code == 403
