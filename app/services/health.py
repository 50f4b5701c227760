"""Whether Kolo can serve: the database answers."""

from sqlalchemy import text
from sqlmodel import Session


def database_ok(*, session: Session) -> bool:
    """Whether the database answers a trivial query (any failure means "not ready")."""
    try:
        session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        return False
    return True
