"""The outbox consumer: one per index folder, under a file lock, applying changes in order.

Every worker process starts an Indexer; only the one holding ``<index_dir>/.indexer.lock``
writes. The others keep trying to take the lock, so a dead leader is replaced within a second.
The leader applies ``search_outbox`` rows in id order, in batches; each batch is one Whoosh
commit that also records the last applied id, so a crash loses nothing and applies nothing
twice (replaying a row is harmless anyway: documents are replaced by key, loaded from the
database as they are now). When there is no usable index, the leader rebuilds it first.
The leader records how far its folder (a replica, one per node) got, and deletes, a batch at a
time, the rows every live replica has applied (app.search.replicas); a replica that was away so
long that rows it needed may be gone rebuilds itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from filelock import FileLock, Timeout
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from whoosh.index import Index

from app.models.search import SearchOutbox
from app.search.index import SearchDoc, add_documents, delete_keys, get_last_applied, writer
from app.search.reindex import rebuild
from app.search.replicas import is_stale, prune_applied, record_progress, replica_name
from app.search.sources import SOURCES

logger = logging.getLogger(__name__)

LOCK_FILE = ".indexer.lock"
POLL_SECONDS = 0.1
LOCK_RETRY_SECONDS = 1.0
ERROR_PAUSE_SECONDS = 2.0
BATCH_SIZE = 500
# On PostgreSQL an id can commit after a higher one; wait this long before skipping a hole
# (a rolled-back transaction leaves one for ever).
GAP_GRACE_SECONDS = 1.0
PRUNE_BATCH = 1000
PRUNE_EVERY_SECONDS = 60.0
HEARTBEAT_SECONDS = 60.0  # an idle replica says it is alive this often


def pending_rows(session: Session, after: int, limit: int = BATCH_SIZE) -> Sequence[SearchOutbox]:
    """Outbox rows after the id `after`, oldest first."""
    query = select(SearchOutbox).where(col(SearchOutbox.id) > after).order_by(col(SearchOutbox.id)).limit(limit)
    return session.exec(query).all()


def apply_rows(ix: Index, session: Session, rows: Sequence[SearchOutbox]) -> None:
    """Apply outbox rows in one commit that also records the last row's id."""
    if not rows:
        return
    last_op = {row.key: row.op for row in rows}
    # "purge" (an erased person's documents) also rewrites the index files, so no deleted byte stays on disk
    purge = any(row.op == "purge" for row in rows)
    deletes: list[str] = []
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for key, op in last_op.items():
        kind, _, raw = key.partition(":")
        if op in ("delete", "purge") or kind not in SOURCES or not raw.isdigit():
            if op not in ("delete", "purge"):
                logger.warning("search outbox key %r has no registered source; removing it", key)
            deletes.append(key)
        else:
            ids_by_kind[kind].append(int(raw))
    docs: list[SearchDoc] = []
    for kind, ids in ids_by_kind.items():
        loaded = SOURCES[kind].load(session, ids)
        present = {doc.key for doc in loaded}
        deletes.extend(f"{kind}:{i}" for i in ids if f"{kind}:{i}" not in present)
        docs.extend(loaded)
    with writer(ix, last_applied=int(rows[-1].id or 0), optimize=purge) as w:
        delete_keys(w, deletes)
        add_documents(w, docs)


class IndexHolder(Protocol):
    """What the indexer needs of the search runtime that owns it (`app.search.runtime.SearchRuntime`)."""

    index_dir: Path
    engine: Engine

    def index(self) -> Index | None:
        """The current index, or None when it must be rebuilt."""
        ...

    def refresh(self) -> bool:
        """Follow the CURRENT generation; whether an index is open now."""
        ...


class Indexer:
    """The background thread that keeps one index folder in step with the outbox."""

    def __init__(
        self, runtime: IndexHolder, *, poll_seconds: float = POLL_SECONDS, batch_size: int = BATCH_SIZE
    ) -> None:
        self.runtime = runtime
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        runtime.index_dir.mkdir(parents=True, exist_ok=True)
        # thread_local=False: the lock is taken in the thread and released by stop() in another
        self._lock = FileLock(str(runtime.index_dir / LOCK_FILE), thread_local=False)
        self.replica = replica_name(runtime.index_dir)
        self._stale_checked = False
        self._next_heartbeat = 0.0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._gap: tuple[int, float] | None = None
        self._next_prune = 0.0
        # (index, its last applied outbox id): opening a searcher to read it on every poll cost
        # search requests their tail latency; while this process holds the lock, only it writes.
        self._applied: tuple[Index, int] | None = None

    @property
    def is_leader(self) -> bool:
        """Whether this process holds the index folder's lock (and so writes the index)."""
        return self._lock.is_locked

    def start(self) -> None:
        """Start the background thread."""
        self._thread = threading.Thread(target=self._run, name="kolo-indexer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and give the lock up for another process."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._lock.is_locked:
            self._lock.release(force=True)

    def wake(self) -> None:
        """Look at the outbox now rather than at the next poll."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._lock.is_locked and not self._try_lock():
                self._pause(LOCK_RETRY_SECONDS)
                continue
            try:
                busy = self.step()
            except Exception:
                logger.exception("search indexer failed; retrying")
                self._pause(ERROR_PAUSE_SECONDS)
                continue
            if not busy:
                self._pause(self.poll_seconds)

    def _try_lock(self) -> bool:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        logger.info("this process now indexes %s", self.runtime.index_dir)
        self._applied = None  # the previous leader may have applied more since we last looked
        self._stale_checked = False
        return True

    def _pause(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def step(self) -> bool:
        """Rebuild when needed, else apply one batch; return whether more work may be waiting."""
        ix = self.runtime.index()
        if ix is None or (not self._stale_checked and self._away_too_long()):
            rebuild(engine=self.runtime.engine, index_dir=self.runtime.index_dir)
            self._stale_checked = True
            return self.runtime.refresh()
        self._stale_checked = True
        with Session(self.runtime.engine) as session:
            last = self._last_applied(ix)
            fetched = pending_rows(session, last, self.batch_size)
            rows = self._ready(fetched, last)
            apply_rows(ix, session, rows)
            now = time.monotonic()
            if rows:
                self._applied = (ix, int(rows[-1].id or 0))
            if rows or now >= self._next_heartbeat:
                record_progress(session, self.replica, self._applied[1] if self._applied else last)
                self._next_heartbeat = now + HEARTBEAT_SECONDS
            if not rows and now >= self._next_prune:
                self._prune(session)
        return bool(rows) and len(rows) == len(fetched) == self.batch_size

    def _away_too_long(self) -> bool:
        with Session(self.runtime.engine) as session:
            stale = is_stale(session, self.replica)
        if stale:
            logger.warning("the search index in %s was away too long to catch up: rebuilding", self.runtime.index_dir)
        return stale

    def _last_applied(self, ix: Index) -> int:
        if self._applied is None or self._applied[0] is not ix:
            self._applied = (ix, get_last_applied(ix))
        return self._applied[1]

    def _prune(self, session: Session) -> None:
        """One batch of rows every replica has applied; the next batch at once if this one was full, else later."""
        pruned = prune_applied(session, batch=PRUNE_BATCH)
        self._next_prune = time.monotonic() + (0 if pruned == PRUNE_BATCH else PRUNE_EVERY_SECONDS)

    def _ready(self, rows: Sequence[SearchOutbox], last: int) -> Sequence[SearchOutbox]:
        """The leading rows without a hole before them (a hole older than the grace is skipped)."""
        expected = last + 1
        for index, row in enumerate(rows):
            if row.id != expected and not self._hole_expired(expected):
                return rows[:index]
            expected = int(row.id or 0) + 1
        self._gap = None
        return rows

    def _hole_expired(self, missing_id: int) -> bool:
        now = time.monotonic()
        if self._gap is None or self._gap[0] != missing_id:
            self._gap = (missing_id, now)
            return False
        return now - self._gap[1] >= GAP_GRACE_SECONDS
