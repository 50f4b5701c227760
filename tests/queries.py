"""Count the SQL statements a piece of code sends, to show that a page's queries do not grow with its data."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def count_queries(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """The statements sent on the app's engine while the block runs."""
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(app.state.engine, "before_cursor_execute", listener)


@contextmanager
def count_sqlite_steps(app) -> Iterator[list[int]]:  # type: ignore[no-untyped-def]
    """The work SQLite does while the block runs, in hundreds of virtual-machine steps: a query that reads every row
    of a table costs steps in proportion to it, a query through an index does not."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0  # go on

    def watch(dbapi_connection, *_):  # type: ignore[no-untyped-def]
        dbapi_connection.set_progress_handler(tick, 100)

    def unwatch(dbapi_connection, *_):  # type: ignore[no-untyped-def]
        dbapi_connection.set_progress_handler(None, 0)

    event.listen(app.state.engine, "checkout", watch)
    event.listen(app.state.engine, "checkin", unwatch)
    try:
        yield steps
    finally:
        event.remove(app.state.engine, "checkout", watch)
        event.remove(app.state.engine, "checkin", unwatch)
