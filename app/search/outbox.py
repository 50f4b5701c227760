"""Writing to the search outbox, in the same transaction as the content change.

A kind may name other documents that show something of it (an article's title in its owner's person document):
`register_related(kind, keys_of)`, called by app/wiring.py, makes every row for that kind queue those keys too."""

from collections.abc import Callable, Iterable

from sqlmodel import Session

from app.models.search import SearchOutbox

RELATED: dict[str, Callable[[Session, int], Iterable[str]]] = {}


def register_related(kind: str, keys_of: Callable[[Session, int], Iterable[str]]) -> None:
    """When a document of `kind` changes, also re-queue the documents `keys_of(session, id)` names."""
    RELATED[kind] = keys_of


def enqueue(session: Session, key: str, op: str = "upsert") -> None:
    """Record that the document `key` ("post:42") changed ("upsert") or went away ("delete"); no commit."""
    session.add(SearchOutbox(key=key, op=op))
    kind, _, raw = key.partition(":")
    if kind in RELATED and raw.isdigit():
        for related in RELATED[kind](session, int(raw)):
            session.add(SearchOutbox(key=related, op="upsert"))
