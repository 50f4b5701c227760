"""Whoosh schema, opening, writing and shared searchers for Kolo's search index.

Public API:
    SCHEMA_VERSION, build_schema() -> Schema
    INDEX_VERSION                      what the documents hold (their visibility keys above all); a
                                       generation records it (write_index_version), and one built by
                                       another version is rebuilt like a missing index (runtime.py)
    write_index_version(path) / read_index_version(path) -> int | None
    IndexUnavailable(Exception)        the folder holds an index we cannot open (corrupt,
                                       unreadable or an older schema): run `kolo reindex`
    STORAGE_ERRORS                     what reading a damaged index file raises (nothing else marks it broken)
    open_or_create(index_dir) -> Index creates an empty index when none exists;
                                       raises IndexUnavailable when one exists but is broken
    recreate(index_dir) -> Index       wipes the folder's index files and creates an empty one
    create_unwritten(index_dir) -> Index   an index without a single commit, for a full rebuild
                                       whose one commit also records the last applied id
    SearchDoc                          one searchable thing (post, comment, article, task, event, person)
    thread_number(key) -> int          the `thread_id` of the documents shown under the hit `key`
    writer(ix, *, last_applied=None)   context manager: retrying writer, commit on success,
                                       cancel on error; writes last_applied in the same commit
    add_documents(w, docs) / delete_keys(w, keys) / set_last_applied(w, outbox_id)
    get_last_applied(ix) -> int        0 for a fresh index
    Searchers(ix).searcher()           context manager lending the process's shared searcher,
                                       reopened (never refresh()ed) when the index changed

`add_documents` uses update_document, so replaying an outbox row is harmless.
The "__meta__" document has no visibility keys, so no search can ever return it.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import struct
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index, LockError
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from app.search.analysis import kolo_analyzer, normalize_tag, surface_analyzer
from app.search.pool import use_chunked_pool

__all__ = [
    "INDEX_VERSION",
    "IndexUnavailable",
    "LockError",
    "META_KEY",
    "SearchDoc",
    "Searchers",
    "add_documents",
    "build_schema",
    "delete_keys",
    "get_last_applied",
    "open_or_create",
    "read_index_version",
    "thread_number",
    "recreate",
    "set_last_applied",
    "write_index_version",
    "writer",
]

logger = logging.getLogger(__name__)

META_KEY = "__meta__"
SCHEMA_VERSION = 1
# Bump whenever the documents change for the same rows, above all their visibility keys (each domain's
# `access.*index_keys` and `reader_keys`): an index built by another version is stale, and is rebuilt on start while
# search answers "degraded". tests/search/test_index_version.py fails when the key logic changes without a bump.
#   1: the first generations (no version file)
#   2: an onboarding task carries the keys of everyone who may see its plan (mentor, department managers, admins)
#   3: threads (a comment is found under its post: `thread`, `thread_id`; its title is no longer the post's), people
#      ("person:<id>", visible to everyone signed in) and templates carrying the one who made them as their author
#   4: an event's post is found as the event only (no second hit), its comments under the event; a word typed without
#      its apostrophe also carries the lemmas of the word with it
INDEX_VERSION = 4
INDEX_VERSION_FILE = "INDEX_VERSION"
WRITER_TIMEOUT = 10.0
WRITER_DELAY = 0.05
PARALLEL_LIMIT_MB = 512  # each worker process of a parallel build sorts this much of its postings in memory


class IndexUnavailable(Exception):
    """The index folder holds an index that cannot be used; rebuild it (`kolo reindex`)."""


# What reading a damaged or vanished index file raises. Only these mean the index is broken and must be rebuilt;
# any other error while searching is about the query, and must not take search away from everybody.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    whoosh_index.IndexError,
)


def build_schema() -> Schema:
    """Return Kolo's Whoosh schema."""
    analyzer = kolo_analyzer()
    return Schema(
        key=ID(unique=True, stored=True),
        kind=ID(stored=True, sortable=True),
        title=TEXT(analyzer=analyzer, field_boost=3.0, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        # surface words of title + body: the vocabulary for "did you mean" (see analysis.py)
        words=TEXT(analyzer=surface_analyzer(), phrase=False),
        # No vector=True on keyword fields: Whoosh's overlapping facets then open a .vps file
        # that a segment without vectors never wrote (FileNotFoundError).
        tags=KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        author=ID(stored=True),
        author_id=ID(stored=True, sortable=True),
        department_ids=KEYWORD(commas=True, stored=True),
        visibility=KEYWORD(commas=True),
        status=ID(stored=True),
        created_at=DATETIME(stored=True, sortable=True),
        updated_at=DATETIME(stored=True, sortable=True),
        url=STORED(),
        # The key of the hit a document is shown under (a comment: its post's), and a number for that key that the
        # engine groups matches by at array speed (thread_number; 0, the column's default: a hit of its own). Stored
        # and a column only: indexing them (ID terms, NUMERIC's range tiers) doubled the index at 100k documents.
        thread=STORED(),
        thread_id=COLUMN(NumericColumn("Q")),
        last_applied=NUMERIC(bits=64, stored=True),
        schema_version=STORED(),
    )


def open_or_create(index_dir: Path | str) -> Index:
    """Open the index in index_dir, creating an empty one when none exists."""
    path = Path(index_dir)
    path.mkdir(parents=True, exist_ok=True)
    try:
        exists = whoosh_index.exists_in(str(path))
    except Exception as exc:  # exists_in reads the TOC, which may itself be corrupt
        raise IndexUnavailable(f"cannot read search index in {path}: {exc!r}") from exc
    if not exists:
        logger.info("creating search index in %s", path)
        return _create(path)
    try:
        ix = _storage(path).open_index()
        with ix.reader() as reader:
            reader.doc_count()
    except Exception as exc:  # unpickling, missing segment files, truncated TOC, ...
        raise IndexUnavailable(f"cannot open search index in {path}: {exc!r}") from exc
    if set(ix.schema.names()) != set(build_schema().names()):
        raise IndexUnavailable(f"search index in {path} has an older schema; reindex")
    return ix


def recreate(index_dir: Path | str) -> Index:
    """Delete the index files in index_dir and create an empty index."""
    path = Path(index_dir)
    path.mkdir(parents=True, exist_ok=True)
    for child in path.iterdir():
        # Only Whoosh's own files: the folder may hold a .gitkeep or other tools' files.
        if child.is_file() and child.suffix in {".toc", ".seg", ".pst", ".trm", ".lock"}:
            child.unlink()
    return _create(path)


def create_unwritten(index_dir: Path | str) -> Index:
    """A new index in an empty folder with no segment yet.

    A rebuild writes every document and the last applied id in one commit, so the result is a
    single segment: starting from an empty commit cost a merge that rewrote everything."""
    path = Path(index_dir)
    path.mkdir(parents=True, exist_ok=True)
    return _storage(path).create_index(build_schema())


def _storage(path: Path) -> FileStorage:
    """The index's files, read with plain reads: over mmap, whoosh-reloaded copies every segment file it opens into
    a BytesIO (at 1,000,000 documents a searcher took 0.81 s and 3.1 GB to open; 0.01 s and 29 MB this way)."""
    return FileStorage(str(path), supports_mmap=False)


def write_index_version(path: Path | str) -> None:
    """Record in the generation folder `path` that its documents were built by this INDEX_VERSION."""
    (Path(path) / INDEX_VERSION_FILE).write_text(f"{INDEX_VERSION}\n", encoding="utf-8")


def read_index_version(path: Path | str) -> int | None:
    """The INDEX_VERSION that built the index in `path` (None: unknown, e.g. built before versions were recorded)."""
    try:
        text = (Path(path) / INDEX_VERSION_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _create(path: Path) -> Index:
    ix = create_unwritten(path)
    with writer(ix) as w:
        set_last_applied(w, 0)
    return ix


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One searchable object as the index sees it."""

    key: str  # "<kind>:<id>", e.g. "article:42"
    kind: str
    title: str
    body: str
    tags: list[str] = field(default_factory=list)
    author: str = ""
    author_id: int | str | None = None
    department_ids: Sequence[int | str] = field(default_factory=list)
    visibility: list[str] = field(default_factory=list)  # e.g. ["all"], ["dept:2", "user:7"]
    status: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    url: str = ""
    thread: str = ""  # the key of the hit this document is shown under (a comment: "post:42"); "" for its own


def thread_number(key: str) -> int:
    """The 63-bit number (never 0) a thread's documents share in `thread_id`, stable across processes; two threads
    sharing one is a 1-in-10⁷ chance at a million threads, and would only show them as one hit."""
    return (int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") >> 1) or 1


def _naive_utc(value: datetime | None) -> datetime | None:
    # Whoosh subtracts a naive datetime(1, 1, 1): aware datetimes would raise TypeError.
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _clean(value: str) -> str:
    # KEYWORD(commas=True) splits on commas: a comma inside a tag would make two tags.
    return value.replace(",", " ").strip()


def _fields(doc: SearchDoc) -> dict[str, object]:
    if doc.key == META_KEY:
        raise ValueError(f"{META_KEY!r} is reserved")
    fields: dict[str, object] = {
        "key": doc.key,
        "kind": doc.kind,
        "title": doc.title,
        "body": doc.body,
        "words": f"{doc.title}\n{doc.body}",
        "tags": ",".join(t for t in (normalize_tag(t) for t in doc.tags) if t),
        "author": doc.author,
        "department_ids": ",".join(str(d) for d in doc.department_ids),
        "visibility": ",".join(_clean(v) for v in doc.visibility),
        "status": doc.status,
        "url": doc.url,
        "thread": doc.thread or doc.key,
        "thread_id": thread_number(doc.thread or doc.key),
    }
    if doc.author_id is not None:
        fields["author_id"] = str(doc.author_id)
    for name in ("created_at", "updated_at"):
        value = _naive_utc(getattr(doc, name))
        if value is not None:
            fields[name] = value
    return fields


def add_documents(w: IndexWriter, docs: Iterable[SearchDoc]) -> int:
    """Add or replace documents by key; return how many were written."""
    count = 0
    for doc in docs:
        w.update_document(**_fields(doc))
        count += 1
    return count


def delete_keys(w: IndexWriter, keys: Iterable[str]) -> int:
    """Delete documents by key; return how many keys were requested."""
    count = 0
    for key in keys:
        if key != META_KEY:
            w.delete_by_term("key", key)
            count += 1
    return count


def set_last_applied(w: IndexWriter, outbox_id: int) -> None:
    """Record the last applied outbox id; it is committed with the writer's other changes."""
    w.update_document(key=META_KEY, kind=META_KEY, last_applied=int(outbox_id), schema_version=SCHEMA_VERSION)


def get_last_applied(ix: Index) -> int:
    """Return the last outbox id committed to the index (0 when none)."""
    with ix.searcher() as s:
        stored = s.document(key=META_KEY)
    return int(stored.get("last_applied", 0)) if stored else 0


@contextmanager
def writer(
    ix: Index, *, last_applied: int | None = None, optimize: bool = False, procs: int = 1
) -> Iterator[IndexWriter]:
    """Yield a writer that waits for the lock; commit on success (with `optimize`, merging every segment so that
    deleted documents leave the files), cancel on error. With `procs` > 1, that many worker processes analyse the
    documents, each into its own segment (kept as they are: merging them would write everything again); only a
    process with no other threads may fork them (`kolo reindex`, not the server).

    Raises whoosh.index.LockError (re-exported here) when the lock is still held after
    WRITER_TIMEOUT seconds.
    """
    use_chunked_pool()
    options = {"procs": procs, "multisegment": True, "limitmb": PARALLEL_LIMIT_MB} if procs > 1 else {}
    w = ix.writer(timeout=WRITER_TIMEOUT, delay=WRITER_DELAY, **options)
    try:
        yield w
        if last_applied is not None:
            set_last_applied(w, last_applied)
    except BaseException:
        w.cancel()
        raise
    w.commit(optimize=optimize)


class _Lease:
    __slots__ = ("searcher", "users", "retired")

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.users = 0
        self.retired = False


class Searchers:
    """One shared searcher per process, replaced when the index has a newer generation.

    Never uses Searcher.refresh(): in whoosh-reloaded it can return deleted or outdated
    documents (SEARCH.md). Usage: ``with searchers.searcher() as s: run_query(s, ...)``.
    A replaced searcher is closed once the last thread using it has finished, so a
    long query never has its files closed underneath it. Safe to share across threads: one reads at a time.
    """

    def __init__(self, ix: Index) -> None:
        self._ix = ix
        self._lock = threading.Lock()
        # Whoosh's files keep one read position each (seek, then read): two threads reading through one searcher
        # at once can read each other's bytes (a zlib error in a posting block, 1M documents, 8 clients at once)
        self._reading = threading.RLock()
        self._current: _Lease | None = None

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """Lend a current searcher for one request (opening a fresh one if stale)."""
        with self._lock:
            lease = self._current
            if lease is None or not lease.searcher.up_to_date():
                if lease is not None:
                    self._retire(lease)
                lease = self._current = _Lease(self._ix.searcher())
            lease.users += 1
        try:
            with self._reading:
                yield lease.searcher
        finally:
            with self._lock:
                lease.users -= 1
                if lease.retired and lease.users == 0:
                    lease.searcher.close()

    def close(self) -> None:
        """Close the shared searcher once idle (at shutdown or in tests)."""
        with self._lock:
            if self._current is not None:
                self._retire(self._current)
                self._current = None

    @staticmethod
    def _retire(lease: _Lease) -> None:
        lease.retired = True
        if lease.users == 0:
            lease.searcher.close()
