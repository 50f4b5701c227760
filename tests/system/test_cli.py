"""The `kolo` command, run as a user would run it."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from app.db import make_engine
from app.models.onboarding import OnboardingAssignment, RuleCreate
from app.services import users as users_service
from app.services.onboarding import rules
from tests.onboarding.helpers import make_template

KOLO = Path(sys.executable).parent / "kolo"


def _kolo(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "KOLO_DATA_DIR": str(tmp_path / "data"),
        "KOLO_INDEX_DIR": str(tmp_path / "index"),
        "KOLO_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'kolo.db'}",
    }
    return subprocess.run([str(KOLO), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)


def test_user_add_with_piped_password_and_token(tmp_path):
    assert _kolo(tmp_path, "migrate").returncode == 0
    added = _kolo(
        tmp_path,
        "user",
        "add",
        "Chief@Clinic.ua",
        "--name",
        "Іваненко Петро",
        "--role",
        "admin",
        "--department",
        "Хірургія",
        stdin="Long-Password-1\nLong-Password-1\n",
    )
    assert added.returncode == 0, added.stderr
    token = _kolo(tmp_path, "token", "chief@clinic.ua")
    assert token.returncode == 0 and token.stdout.strip().startswith("kolo_") and len(token.stdout.split()) == 1


def test_user_add_refuses_different_passwords_and_short_ones(tmp_path):
    _kolo(tmp_path, "migrate")
    differ = _kolo(tmp_path, "user", "add", "a@b.ua", "--name", "A", stdin="Long-Password-1\nLong-Password-2\n")
    assert differ.returncode == 1 and "differ" in differ.stderr
    short = _kolo(tmp_path, "user", "add", "a@b.ua", "--name", "A", stdin="short\n")
    assert short.returncode == 1 and "10" in short.stderr


def test_demo_is_idempotent(tmp_path):
    first = _kolo(tmp_path, "demo")
    second = _kolo(tmp_path, "demo")
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert "admin@kolo.local" in second.stdout and "kolo-demo-2026" in second.stdout


def test_user_add_into_a_department_with_an_onboarding_rule_assigns_its_plan(tmp_path):
    assert _kolo(tmp_path, "migrate").returncode == 0
    head = _kolo(
        tmp_path,
        "user",
        "add",
        "head@clinic.ua",
        "--name",
        "Бондаренко Ігор",
        "--role",
        "manager",
        "--department",
        "Терапія",
        stdin="Long-Password-1\n",
    )
    assert head.returncode == 0, head.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'kolo.db'}")
    with Session(engine) as session:
        manager = users_service.get_user_by_email(session=session, email="head@clinic.ua")
        template = make_template(session, manager)
        therapy = users_service.department_ids_of(session=session, user=manager)[0]
        rules.create_rule(
            session=session, actor=manager, data=RuleCreate(department_id=therapy, template_id=template.id)
        )
    added = _kolo(
        tmp_path,
        "user",
        "add",
        "new@clinic.ua",
        "--name",
        "Мельник Юлія",
        "--department",
        "Терапія",
        stdin="Long-Password-1\n",
    )
    assert added.returncode == 0, added.stderr
    with Session(engine) as session:
        hire = users_service.get_user_by_email(session=session, email="new@clinic.ua")
        plans = session.exec(select(OnboardingAssignment).where(OnboardingAssignment.user_id == hire.id)).all()
        assert [(plan.name, plan.total_tasks) for plan in plans] == [("Перший тиждень", 2)]
    engine.dispose()


def test_import_puts_guides_into_the_existing_category_and_says_which(tmp_path):
    assert _kolo(tmp_path, "migrate").returncode == 0
    _kolo(
        tmp_path,
        "user",
        "add",
        "chief@clinic.ua",
        "--name",
        "Іваненко Петро",
        "--role",
        "admin",
        stdin="Long-Password-1\n",
    )
    first = tmp_path / "first.jsonl"
    first.write_text(
        '{"title": "Маски", "body": "Коли носити.", "category": "Клінічні протоколи/Інфекційний контроль"}\n'
    )
    assert _kolo(tmp_path, "import", str(first)).returncode == 0
    again = tmp_path / "again.jsonl"
    again.write_text('{"title": "Рукавички", "body": "Коли міняти.", "category": "інфекційний  контроль"}\n')
    imported = _kolo(tmp_path, "import", str(again))
    assert imported.returncode == 0, imported.stderr
    assert "Клінічні протоколи/Інфекційний контроль" in imported.stdout and "existing" in imported.stdout
    with sqlite3.connect(tmp_path / "data" / "kolo.db") as db:
        names = [name for (name,) in db.execute("SELECT name FROM kb_category ORDER BY id")]
    assert names == ["Клінічні протоколи", "Інфекційний контроль"]


def test_import_of_a_guide_with_a_patients_phone_imports_nothing_until_a_reason_is_given(tmp_path):
    assert _kolo(tmp_path, "migrate").returncode == 0
    added = _kolo(tmp_path, "user", "add", "chief@clinic.ua", "--name", "Іваненко Петро", "--role", "admin",
                  stdin="Long-Password-1\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    guides = tmp_path / "guides.jsonl"
    guides.write_text(
        '{"title": "Маски", "body": "Коли носити."}\n'
        '{"title": "Виписка", "body": "Родичам пацієнта дзвонити на +380 67 123 45 67."}\n'
    )
    held = _kolo(tmp_path, "import", str(guides))
    assert held.returncode == 1 and "line 2" in held.stderr.replace("рядок", "line") and "phone" in held.stderr
    with sqlite3.connect(tmp_path / "data" / "kolo.db") as db:
        assert db.execute("SELECT count(*) FROM kb_article").fetchone() == (0,)
    anyway = _kolo(tmp_path, "import", str(guides), "--override-reason", "Номер гарячої лінії відділення")
    assert anyway.returncode == 0, anyway.stderr
    with sqlite3.connect(tmp_path / "data" / "kolo.db") as db:
        assert db.execute("SELECT count(*) FROM kb_article").fetchone() == (2,)
        overrides = "SELECT count(*) FROM audit_event WHERE action = 'patient_data.published_anyway'"
        assert db.execute(overrides).fetchone() == (1,)
