"""The `kolo` command, run as a user would run it."""

import os
import subprocess
import sys
from pathlib import Path

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
