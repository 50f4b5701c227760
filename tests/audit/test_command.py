"""Migration 0011 chains the entries written before it; `kolo audit verify` answers 0 for an intact chain and 1,
naming the entry, for a broken one."""

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from app.migrations import alembic_config, upgrade

KOLO = Path(sys.executable).parent / "kolo"
_OLD_ROW = (
    "INSERT INTO audit_event (created_at, action, subject, target_type, ip, detail)"
    " VALUES (:at, 'login.failed', :subject, '', '10.0.0.1', '{\"n\": 1}')"
)


def _kolo(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KOLO_DATA_DIR": str(tmp_path / "data"), "KOLO_DATABASE_URL": database_url}
    return subprocess.run([str(KOLO), *args], capture_output=True, text=True, env=env, timeout=120)


def test_migration_chains_old_entries_and_the_command_names_a_changed_one(database_url, tmp_path):
    command.downgrade(alembic_config(database_url), "0010")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        for n in range(3):
            conn.execute(text(_OLD_ROW), {"at": f"2026-12-0{n + 1} 08:00:00.123456", "subject": f"p{n}@kolo.test"})
    upgrade(database_url)
    intact = _kolo(database_url, tmp_path, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("Verified 3 entries up to 2026-12-03 08:00:00 UTC")
    with engine.begin() as conn:
        second = conn.execute(text("SELECT id FROM audit_event WHERE subject = 'p1@kolo.test'")).scalar_one()
        conn.execute(text("UPDATE audit_event SET subject = 'someone@kolo.test' WHERE id = :id"), {"id": second})
    engine.dispose()
    broken = _kolo(database_url, tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert f"entry #{second} (2026-12-02 08:00:00 UTC, place 2 in the chain) was changed" in broken.stdout
    assert "Before it: verified 1 entries up to 2026-12-01 08:00:00 UTC" in broken.stdout
