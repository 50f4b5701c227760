"""Spreadsheets and the audit log read in the reader's language: headings, yes/no, roles and actions in words, times
in the reader's zone in a spreadsheet's format, names and titles instead of ids."""

import csv
import io
import re

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.demo import DEMO_PASSWORD, load_demo
from app.models.kb import KbAcknowledgement, KbArticle
from app.models.users import User
from tests.forms import submit

SHEET_TIME = re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$")


def _signed_in_demo(client: TestClient, email: str) -> Session:
    db = Session(client.app.state.engine)  # type: ignore[attr-defined]
    load_demo(db)
    submit(client, "/login", "/login", {"email": email, "password": DEMO_PASSWORD})
    return db


def _rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv"), response.text[:200]
    return list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))


def test_the_acknowledgement_sheet_is_in_ukrainian(client: TestClient) -> None:
    db = _signed_in_demo(client, "manager@kolo.local")
    acked = db.exec(select(KbAcknowledgement.article_id).order_by(col(KbAcknowledgement.id))).first()
    article = db.get(KbArticle, acked)
    assert article is not None
    rows = _rows(client.get(f"/kb/{article.slug}/acknowledgements.csv"))
    assert rows[0] == ["Працівник", "Електронна пошта", "Відділення", "Версія", "Дата ознайомлення", rows[0][5]]
    assert all(row[5] in ("так", "ні") for row in rows[1:]), rows
    times = [row[4] for row in rows[1:] if row[4]]
    assert times and all(SHEET_TIME.match(t) for t in times), times


def test_the_onboarding_sheet_writes_dates_as_spreadsheets_read_them(client: TestClient) -> None:
    _signed_in_demo(client, "manager@kolo.local")
    rows = _rows(client.get("/onboarding/dashboard.csv"))
    assert rows[0][1] == "Новий працівник" and not any(re.search("[A-Za-z]", heading) for heading in rows[0]), rows[0]
    start = rows[0].index("Дата початку")
    assert len(rows) > 1 and all(re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", row[start]) for row in rows[1:]), rows


def test_the_audit_log_says_what_happened_in_words_with_names(client: TestClient) -> None:
    db = _signed_in_demo(client, "admin@kolo.local")
    nurse = db.exec(select(User).where(User.email == "nurse@kolo.local")).one()
    page = f"/admin/users/{nurse.id}"
    answer = submit(client, page, page, {"role": "manager"})
    assert answer.status_code == 200, answer.text[:300]
    log = client.get("/admin/audit", params={"action": "user.updated"})
    assert "Змінив(-ла) дані людини" in log.text
    assert f'href="/admin/users/{nurse.id}">{nurse.name}</a>' in log.text
    assert "Роль: Працівник, Керівник" in log.text
    assert "staff" not in re.sub(r"<code>.*?</code>", "", log.text)
