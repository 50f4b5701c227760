"""The database's part of a backup: a consistent copy while the server writes (SQLite's online backup API,
`pg_dump --format=custom` in one snapshot), its Alembic revision, whether a target holds anything, and loading a
copy back (`pg_restore` for PostgreSQL)."""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, MetaData, create_engine, inspect, select, table, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from app.errors import AppError, InvalidInput
from app.migrations import alembic_config
from app.services.backup.manifest import DatabaseKind

DUMP_NAMES: dict[DatabaseKind, str] = {"sqlite": "kolo.sqlite3", "postgresql": "kolo.pgdump"}
SQLITE_BUSY_SECONDS = 30


def database_kind(url: str) -> DatabaseKind:
    """SQLite or PostgreSQL, from a database URL."""
    backend = make_url(url).get_backend_name()
    if backend not in DUMP_NAMES:
        raise InvalidInput("Backups support SQLite and PostgreSQL databases, not {backend}.", backend=backend)
    return "sqlite" if backend == "sqlite" else "postgresql"


def dump_database(url: str, target: Path) -> str:
    """Write a consistent copy of the database to `target` and return the schema revision it is at."""
    if database_kind(url) == "sqlite":
        source = _sqlite_path(url)
        if not source.is_file():
            raise InvalidInput("There is no database at {path}.", path=str(source))
        # One step (pages=-1) under one read transaction: a snapshot, however much the server writes meanwhile.
        with closing(_sqlite(source)) as reading, closing(_sqlite(target)) as writing:
            reading.backup(writing)
            writing.execute("PRAGMA journal_mode=DELETE")  # the copy is one file, with no -wal beside it
        return current_revision(f"sqlite:///{target}")
    revision = current_revision(url)
    _run("pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={target}", url=url)
    return revision


def load_database(url: str, dump: Path) -> None:
    """Replace whatever the database at `url` holds with the copy in `dump`."""
    if database_kind(url) == "sqlite":
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Through the backup API rather than a file copy: it writes through SQLite, WAL and all.
        with closing(_sqlite(dump)) as reading, closing(_sqlite(path)) as writing:
            reading.backup(writing)
        return
    _drop_tables(url)
    _run("pg_restore", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error", str(dump), url=url)


def current_revision(url: str) -> str:
    """The Alembic revision the database at `url` is at."""
    with _connect(url) as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    if len(heads) != 1:
        raise InvalidInput("The database has no schema yet: run `kolo migrate` first.")
    return heads[0]


def knows_revision(revision: str) -> bool:
    """Whether this Kolo's migrations include `revision` (an unknown one was made by a newer Kolo)."""
    try:
        return ScriptDirectory.from_config(alembic_config("")).get_revision(revision) is not None
    except CommandError:
        return False


def tables_with_rows(url: str) -> list[str]:
    """The tables of the database at `url` that hold a row (a migrated, unused database holds none)."""
    if database_kind(url) == "sqlite" and not _sqlite_path(url).exists():
        return []
    with _connect(url) as conn:
        names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
        return [n for n in names if conn.execute(select(text("1")).select_from(table(n)).limit(1)).first()]


def _drop_tables(url: str) -> None:
    with _connect(url) as conn:
        metadata = MetaData()
        metadata.reflect(conn)
        metadata.drop_all(conn)
        conn.commit()


@contextmanager
def _connect(url: str) -> Iterator[Connection]:
    """A connection of its own, without the app's pragmas (WAL would give a backup's copy a -wal file)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    except OperationalError as exc:
        raise AppError(
            "Cannot open the database {url}: {error}",
            url=make_url(url).render_as_string(hide_password=True),
            error=str(exc.orig),
        ) from exc
    finally:
        engine.dispose()


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def _sqlite(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=SQLITE_BUSY_SECONDS)


def _run(program: str, *args: str, url: str) -> None:
    """Run a PostgreSQL client tool on the database at `url` (the password goes through the environment, never
    the command line that `ps` shows)."""
    if shutil.which(program) is None:
        raise AppError(
            "{program} was not found: install the PostgreSQL client tools (Debian: apt install postgresql-client).",
            program=program,
        )
    parsed = make_url(url)
    env = {**os.environ, **({"PGPASSWORD": parsed.password} if parsed.password else {})}
    done = subprocess.run(
        [program, f"--dbname={_libpq_url(parsed)}", *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise AppError("{program} failed: {error}", program=program, error=done.stderr.strip())


def _libpq_url(url: URL) -> str:
    """The SQLAlchemy URL as libpq reads it: no driver name, no password."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
