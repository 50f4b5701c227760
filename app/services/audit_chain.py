"""The audit log's hash chain: each entry carries the hash of the one before it, so an entry changed, removed or
added behind Kolo's back (by SQL, a restored old copy…) shows where the chain breaks.

An entry's place and hashes are given as its transaction commits, under a lock: several server workers writing at
once on PostgreSQL (an advisory lock) or SQLite (its single writer, taken by the entry's INSERT) extend the chain one
after the other and never fork it. The hash format below is fixed: migration 0011 chained the entries written
before it with it, and every later check recomputes it."""

import hashlib
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, event, select, text
from sqlmodel import Session, col

from app.models.audit import AuditEvent

GENESIS = "0" * 64  # what the first entry's `prev_hash` is
# Any fixed number: the advisory lock that PostgreSQL writers of the audit log take in turn.
CHAIN_LOCK = 0x4B6F6C6F
_UNSEALED = "audit_chain.unsealed"
RECHECK_AFTER = 300.0
_recent: dict[str, tuple[float, "Verification"]] = {}  # per database: when it was last checked, and the result
HASHED_FIELDS = ("id", "seq", "created_at", "actor_id", "action", "subject", "target_type", "target_id", "ip", "detail")
_COLUMNS = [
    col(AuditEvent.id),
    col(AuditEvent.seq),
    col(AuditEvent.created_at),
    col(AuditEvent.actor_id),
    col(AuditEvent.action),
    col(AuditEvent.subject),
    col(AuditEvent.target_type),
    col(AuditEvent.target_id),
    col(AuditEvent.ip),
    col(AuditEvent.detail),
    col(AuditEvent.prev_hash),
    col(AuditEvent.entry_hash),
]


def entry_hash(fields: Mapping[Any, Any], prev_hash: str) -> str:
    """SHA-256 of an entry's fields (`HASHED_FIELDS`) and the hash before it, as canonical JSON."""
    created_at = fields["created_at"]
    if created_at.tzinfo is None:  # read by a plain SQLite column: stored in UTC
        created_at = created_at.replace(tzinfo=UTC)
    canonical = {name: fields[name] for name in HASHED_FIELDS} | {
        "created_at": created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "prev_hash": prev_hash,
    }
    payload = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def track(*, session: Session, entry: AuditEvent) -> None:
    """Chain `entry` when its session commits (`app.services.audit.record` calls this)."""
    session.info.setdefault(_UNSEALED, []).append(entry)
    if not event.contains(session, "before_commit", _seal):
        event.listen(session, "before_commit", _seal)


def _seal(session: Session) -> None:
    """Give this transaction's new entries their places and hashes, after the last entry committed before them."""
    entries = [entry for entry in session.info.pop(_UNSEALED, []) if entry in session]
    if not entries:
        return
    session.flush()  # on SQLite the INSERT holds the one write lock from here until the commit
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = session.execute(
        select(col(AuditEvent.seq), col(AuditEvent.entry_hash))
        .where(col(AuditEvent.seq).is_not(None))
        .order_by(col(AuditEvent.seq).desc())
        .limit(1)
    ).first()
    seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
    by_id = {entry.id: entry for entry in entries}
    # The values as stored (read back, not as written), so a later check hashes exactly the same ones.
    for row in session.execute(select(*_COLUMNS).where(col(AuditEvent.id).in_(by_id)).order_by(col(AuditEvent.id))):
        seq += 1
        entry = by_id[row.id]
        entry.seq, entry.prev_hash = seq, prev_hash
        entry.entry_hash = prev_hash = entry_hash({**row._mapping, "seq": seq}, prev_hash)
    session.flush()


class BreakKind(StrEnum):
    """How the chain is broken at an entry."""

    CHANGED = "changed"  # its fields no longer give its hash, or the next entry's link
    REMOVED = "removed"  # one or more entries before it are missing
    UNCHAINED = "unchained"  # it was added without a place in the chain


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the chain is broken: the entry concerned (for REMOVED, the one after the gap) and the
    place in the chain that is missing or wrong."""

    kind: BreakKind
    event_id: int
    seq: int | None
    created_at: datetime


@dataclass(frozen=True)
class Verification:
    """What a check of the whole chain found: how many entries it verified, up to when, and the first break."""

    entries: int
    last_at: datetime | None
    last_hash: str
    broken: ChainBreak | None


def verify(*, session: Session) -> Verification:
    """Recompute the chain from its first entry; stop at the first entry changed, removed or added outside Kolo."""
    state = Verification(entries=0, last_at=None, last_hash=GENESIS, broken=None)
    earlier, previous = state, None  # the state before the last entry verified, and that entry
    for row in _chained_rows(session):
        if row.seq != state.entries + 1:
            return replace(state, broken=ChainBreak(BreakKind.REMOVED, row.id, state.entries + 1, row.created_at))
        if row.prev_hash != state.last_hash and previous is not None:
            # The entry before was rewritten together with its own hash: the chain breaks there.
            return replace(earlier, broken=_changed(previous))
        if row.prev_hash != state.last_hash or entry_hash(row._mapping, row.prev_hash) != row.entry_hash:
            return replace(state, broken=_changed(row))
        earlier, previous = state, row
        state = Verification(entries=state.entries + 1, last_at=row.created_at, last_hash=row.entry_hash, broken=None)
    stray = session.execute(
        select(*_COLUMNS).where(col(AuditEvent.seq).is_(None)).order_by(col(AuditEvent.id)).limit(1)
    ).first()
    return replace(state, broken=ChainBreak(BreakKind.UNCHAINED, stray.id, None, stray.created_at)) if stray else state


def verify_recent(*, session: Session) -> Verification:
    """`verify`, redone at most every `RECHECK_AFTER` seconds per database: a full check reads every entry (100,000
    in about 4 s on a busy 2-core server), too slow for each view of the log's page; `kolo audit verify` checks now."""
    key = session.get_bind().engine.url.render_as_string()
    checked = _recent.get(key)
    if checked is None or time.monotonic() - checked[0] > RECHECK_AFTER:
        checked = _recent[key] = (time.monotonic(), verify(session=session))
    return checked[1]


def _changed(row: Row[Any]) -> ChainBreak:
    return ChainBreak(BreakKind.CHANGED, row.id, row.seq, row.created_at)


def _chained_rows(session: Session) -> Iterator[Row[Any]]:
    """Every chained entry in chain order, read in batches (the log may hold millions)."""
    query = select(*_COLUMNS).where(col(AuditEvent.seq).is_not(None)).order_by(col(AuditEvent.seq))
    yield from session.execute(query.execution_options(yield_per=2000))
