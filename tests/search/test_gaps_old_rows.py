"""Searches logged before the report grouped word forms keep counting: the migration gives each its group key, and
one that found something counts as shown (so it stays a "found but not opened" gap)."""

from alembic import command
from sqlalchemy import create_engine, text

from app.migrations import alembic_config
from app.services.search.gaps import group_key


def test_the_migration_keys_the_searches_already_logged(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0012")
    engine = create_engine(url)
    logged = [("Пролежні?", 0), ("про пролежнів", 3), ("як", 0)]
    with engine.begin() as conn:
        for query, found in logged:
            conn.execute(
                text(
                    "INSERT INTO search_query_log (text, normalized, result_count, department_ids, clicked, created_at)"
                    " VALUES (:text, lower(:text), :found, '[]', 0, '2026-12-01 10:00:00')"
                ),
                {"text": query, "found": found},
            )
    command.upgrade(alembic_config(url), "0013")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT text, lemma_key, shown FROM search_query_log ORDER BY id")).all()
    engine.dispose()
    assert [(t, key, bool(shown)) for t, key, shown in rows] == [
        ("Пролежні?", "пролежень", False),
        ("про пролежнів", "пролежень", True),
        ("як", "як", False),  # nothing but a question word: grouped by its text
    ]
    assert group_key("Пролежні?") == group_key("про пролежнів") == "пролежень"
