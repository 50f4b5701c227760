"""How a service write keeps the database whole when it refuses: what it did so far is rolled back before the error
leaves it, so a page that catches the error and shows the form again reads the database as it was."""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlmodel import Session

P = ParamSpec("P")
R = TypeVar("R")


def all_or_nothing(write: Callable[P, R]) -> Callable[P, R]:
    """Wrap a service write (its `session` passed by keyword): when it raises, its session is rolled back first."""

    @functools.wraps(write)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return write(*args, **kwargs)
        except Exception:
            session = kwargs["session"]
            assert isinstance(session, Session)
            session.rollback()
            raise

    return wrapper
