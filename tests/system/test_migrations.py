"""Alembic owns the schema: an empty database of this run's kind migrates to the models exactly."""

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.migrations import alembic_config, upgrade
from tests.conftest import PG_URL


def test_upgrade_on_an_empty_database_matches_the_models_and_downgrades_cleanly(tmp_path):
    if PG_URL:
        name = "kolo_migration_check"
        admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    command.check(alembic_config(url))  # raises when models and migrations disagree
    command.downgrade(alembic_config(url), "base")
    upgrade(url)
    if PG_URL:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
