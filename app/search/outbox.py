"""Writing to the search outbox, in the same transaction as the content change."""

from sqlmodel import Session

from app.models.search import SearchOutbox


def enqueue(session: Session, key: str, op: str = "upsert") -> None:
    """Record that the document `key` ("post:42") changed ("upsert") or went away ("delete"); no commit."""
    session.add(SearchOutbox(key=key, op=op))
