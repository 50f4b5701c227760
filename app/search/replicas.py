"""Copies of the search index, one per node: each index folder is a replica with a name kept in the folder, and its
indexer records in `search_replica` how far it has applied the outbox.

Outbox rows that every live replica has applied are deleted once they are `KEEP_FOR` old (what changed in the last
minutes stays to be looked at). A replica not seen for `STALE_AFTER` (a node taken
away) no longer holds rows back; when it comes back, rows it needed may be gone, so it rebuilds its index (searches
keep answering from its old one meanwhile). A new node starts with no index, rebuilds, and is counted from the
moment its rebuild begins, so nothing written during the rebuild is deleted before it has applied it."""

from __future__ import annotations

import secrets
import socket
from datetime import timedelta
from pathlib import Path

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, delete, func, select

from app.models.search import SearchOutbox, SearchReplica
from app.models.types import utcnow

REPLICA_FILE = "REPLICA"
STALE_AFTER = timedelta(days=1)
KEEP_FOR = timedelta(minutes=10)


def replica_name(index_dir: Path) -> str:
    """The name of the replica in `index_dir`, made up (host name and a random part) the first time it is asked."""
    path = index_dir / REPLICA_FILE
    index_dir.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as new:  # of several workers starting at once, one writes it
            new.write(f"{socket.gethostname()[:40]}-{secrets.token_hex(6)}\n")
    except FileExistsError:
        pass
    return path.read_text(encoding="utf-8").strip()


def record_progress(session: Session, name: str, applied_id: int) -> None:
    """The replica `name` has applied the outbox up to `applied_id` and is alive now; commits."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    statement = (
        insert(SearchReplica)
        .values(name=name, applied_id=applied_id, seen_at=now)
        .on_conflict_do_update(index_elements=["name"], set_={"applied_id": applied_id, "seen_at": now})
    )
    session.execute(statement)
    session.commit()


def is_stale(session: Session, name: str) -> bool:
    """Whether the replica was away so long that outbox rows it had not applied may have been deleted."""
    row = session.get(SearchReplica, name)
    return row is not None and row.seen_at < utcnow() - STALE_AFTER


def prune_applied(session: Session, *, batch: int, keep_for: timedelta = KEEP_FOR) -> int:
    """Delete up to `batch` outbox rows older than `keep_for` that every live replica has applied; how many went."""
    floor = session.exec(
        select(func.min(SearchReplica.applied_id)).where(col(SearchReplica.seen_at) >= utcnow() - STALE_AFTER)
    ).one()
    if floor is None:
        return 0
    ids = session.exec(
        select(SearchOutbox.id)
        .where(col(SearchOutbox.id) <= floor, col(SearchOutbox.created_at) < utcnow() - keep_for)
        .order_by(col(SearchOutbox.id))
        .limit(batch)
    ).all()
    if ids:
        session.exec(delete(SearchOutbox).where(col(SearchOutbox.id).in_(ids)))
        session.commit()
    return len(ids)
