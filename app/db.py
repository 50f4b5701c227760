"""Database engine and sessions."""

from collections.abc import Iterator
from typing import Any

from fastapi import Request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor, ExecutionContext
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

from app.errors import InvalidInput

# The largest value an INTEGER column holds on PostgreSQL (SQLite holds more); no id or count is bigger.
MAX_INT = 2**31 - 1


def make_engine(url: str) -> Engine:
    """An engine for SQLite (WAL, foreign keys on) or PostgreSQL; values neither can store are bad input.

    PostgreSQL's JIT is off for Kolo's connections: its planner overestimates the permission filters' hashed subplans
    (the to-read list's, at 20,000 articles, costed 665,000) and then spent 683 ms compiling a query that runs in 20."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"options": "-c jit=off"}
        )
    event.listen(engine, "before_cursor_execute", _reject_unstorable)
    return engine


def _reject_unstorable(
    _conn: Connection,
    _cursor: DBAPICursor,
    _statement: str,
    parameters: Any,
    _context: ExecutionContext | None,
    executemany: bool,
) -> None:
    """Any id, filter or field reaches SQL here, whatever route or form it came from; a number past
    INTEGER or a NUL in text would otherwise crash the driver (a 500) or differ between the backends."""
    for row in parameters if executemany else [parameters]:
        # A row is a dict or tuple of values, or (batched multi-row INSERT) a single value.
        values = row.values() if isinstance(row, dict) else row if isinstance(row, list | tuple) else [row]
        for value in values:
            _check_storable(value)


def _check_storable(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and not -MAX_INT <= value <= MAX_INT:
        raise InvalidInput("The number {number} is out of range.", number=value)
    if isinstance(value, str) and "\x00" in value:
        raise InvalidInput("Text must not contain the NUL character.")


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def get_session(request: Request) -> Iterator[Session]:
    """One database session per request."""
    with Session(request.app.state.engine) as session:
        try:
            yield session
        except Exception:
            # A failed write expires every loaded row; reload the caller so the error page can still use them.
            session.rollback()
            if (user := getattr(request.state, "user", None)) is not None:
                try:
                    session.refresh(user)
                except OperationalError:  # the database is gone: the error page is shown without the person
                    request.state.user = None
            raise
