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
