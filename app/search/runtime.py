"""The search index as the running app holds it: the current generation, its shared searchers,
the indexer thread, and whether search is degraded (no usable index yet)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.searching import Searcher

from app.search.index import INDEX_VERSION, IndexUnavailable, Searchers, open_or_create, read_index_version
from app.search.indexer import Indexer
from app.search.query import run_query
from app.search.reindex import current_generation
from app.search.thesaurus import Thesaurus, shipped_groups

logger = logging.getLogger(__name__)

WARM_QUERY = "здоров’я пацієнта health care"


class SearchRuntime:
    """Follows the index folder's CURRENT generation; lends searchers; owns the indexer thread.

    `engine` is the indexer's and rebuild's own database engine (disposed by stop())."""

    def __init__(self, *, index_dir: Path, engine: Engine) -> None:
        self.index_dir = Path(index_dir)
        self.engine = engine
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._ix: Index | None = None
        self._searchers: Searchers | None = None
        self._broken: Path | None = None
        self.indexer: Indexer | None = None

    def start(self, *, start_indexer: bool) -> None:
        """Open the index (or note that it must be rebuilt) and start the indexer thread."""
        if not self.refresh():
            logger.warning(
                "search index in %s is missing, unreadable or of another version: search is degraded until rebuilt",
                self.index_dir,
            )
        if start_indexer:
            self.indexer = Indexer(self)
            self.indexer.start()

    def stop(self) -> None:
        """Stop the indexer and close the searchers."""
        if self.indexer is not None:
            self.indexer.stop()
        with self._lock:
            self._close()
        self.engine.dispose()

    def refresh(self) -> bool:
        """Follow CURRENT to the newest generation; return whether an index is usable."""
        path = current_generation(self.index_dir)
        with self._lock:
            if path == self._path and self._ix is not None:
                return True
            self._close()
            if path is None or path == self._broken:
                return False
            try:
                self._ix = _open_existing(path)
            except IndexUnavailable as exc:
                logger.warning("%s", exc)
                self._broken = path
                return False
            self._path, self._searchers = path, Searchers(self._ix)
            threading.Thread(target=_warm, args=(self._searchers,), name="kolo-search-warm", daemon=True).start()
            return True

    def mark_broken(self) -> None:
        """Stop using the current generation (a search failed inside it); the indexer rebuilds it."""
        with self._lock:
            self._broken = self._path
            self._close()
        if self.indexer is not None:
            self.indexer.wake()

    @property
    def degraded(self) -> bool:
        """True while there is no usable index (search answers 'temporarily degraded')."""
        return not self.refresh()

    def index(self) -> Index | None:
        """The current Whoosh index, for the indexer (None when it must be rebuilt)."""
        self.refresh()
        return self._ix

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """Lend the shared searcher of the current generation; IndexUnavailable when degraded."""
        self.refresh()
        searchers = self._searchers
        if searchers is None:
            raise IndexUnavailable("the search index is being rebuilt")
        with searchers.searcher() as searcher:
            yield searcher

    def _close(self) -> None:
        if self._searchers is not None:
            self._searchers.close()
        if self._ix is not None:
            self._ix.close()
        self._path = self._ix = self._searchers = None


def _warm(searchers: Searchers) -> None:
    """Answer one query in the background, so that the first person to search after a start or a rebuild
    does not wait for the lemmatizer, the document lengths and the visibility postings to load (a second
    at 100k documents; the next queries take tens of milliseconds), nor for the shipped synonym groups' terms to be
    analysed (0.3 s; the thesaurus of the first search is then built from them in milliseconds)."""
    try:
        with searchers.searcher() as searcher:
            thesaurus = Thesaurus.from_groups(shipped_groups())
            run_query(searcher, WARM_QUERY, visibility_keys=["all"], limit=1, thesaurus=thesaurus)
    except Exception:  # a newer generation closed it, or the index is broken: real queries will say so
        logger.debug("search warm-up skipped", exc_info=True)


def _open_existing(path: Path) -> Index:
    """Open the index in `path`; IndexUnavailable when it is missing, unreadable or built by another INDEX_VERSION
    (its documents may carry keys the code no longer hands out), so that the indexer rebuilds it (never create one)."""
    try:
        exists = path.is_dir() and whoosh_index.exists_in(str(path))
    except Exception as exc:  # the TOC itself is damaged
        raise IndexUnavailable(f"cannot read search index in {path}: {exc!r}") from exc
    if not exists:
        raise IndexUnavailable(f"no search index in {path}")
    version = read_index_version(path)
    if version != INDEX_VERSION:
        raise IndexUnavailable(f"search index in {path} was built by version {version}, not {INDEX_VERSION}; rebuild")
    return open_or_create(path)
