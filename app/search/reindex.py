"""Full rebuilds of the search index from the database, and `kolo reindex`.

An index folder (``settings.index_dir``) holds generations: each rebuild writes a fresh
subfolder, then points the ``CURRENT`` file at it in one atomic rename. Searchers keep
answering from the previous generation until the swap, so search never stops during a
rebuild; the indexer and every worker follow ``CURRENT`` on their next request.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, select
from tqdm import tqdm

from app.config import Settings
from app.db import make_engine
from app.models.search import SearchOutbox
from app.search.index import INDEX_VERSION, add_documents, create_unwritten, write_index_version, writer
from app.search.replicas import record_progress, replica_name
from app.search.sources import SOURCES

logger = logging.getLogger(__name__)

CURRENT_FILE = "CURRENT"
GENERATION_PREFIX = "ix-"
LOAD_CHUNK = 500


def current_generation(index_dir: Path) -> Path | None:
    """The folder the CURRENT file points at, or None when no index was ever published."""
    try:
        name = (index_dir / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return index_dir / name if name.startswith(GENERATION_PREFIX) and "/" not in name else None


def _new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = index_dir / f"{GENERATION_PREFIX}{stamp}-{os.getpid()}"
    path.mkdir()
    return path


def publish_generation(index_dir: Path, path: Path) -> None:
    """Point CURRENT at `path` atomically; drop generations older than the one it replaces."""
    previous = current_generation(index_dir)
    tmp = index_dir / f".{CURRENT_FILE}.{os.getpid()}"
    tmp.write_text(path.name, encoding="utf-8")
    os.replace(tmp, index_dir / CURRENT_FILE)
    # The replaced generation stays one round: other workers may still be reading it.
    keep = {path.name, previous.name if previous else ""}
    floor = min(keep - {""})
    for child in index_dir.iterdir():
        if (
            child.is_dir()
            and child.name.startswith(GENERATION_PREFIX)
            and child.name not in keep
            and child.name < floor
        ):
            shutil.rmtree(child, ignore_errors=True)


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def rebuild(*, engine: Engine, index_dir: Path, progress: bool = False, procs: int = 1) -> Path:
    """Index every searchable row into a new generation (one commit; `procs` worker processes analyse the documents,
    see index.writer) and publish it; return its folder."""
    path = _new_generation(index_dir)
    ix = create_unwritten(path)
    with Session(engine) as session:
        # Rows after this id are replayed by the indexer; replaying is harmless.
        last = int(session.exec(select(func.max(SearchOutbox.id))).one() or 0)
        record_progress(session, replica_name(index_dir), last)  # from now on, later rows are kept for this copy
        plan = [(source, sorted(source.all_ids(session))) for source in SOURCES.values()]
        with (
            tqdm(total=sum(len(ids) for _, ids in plan), unit="doc", disable=not progress, desc="reindex") as bar,
            writer(ix, last_applied=last, procs=procs) as w,
        ):
            for source, ids in plan:
                for chunk in _chunks(ids, LOAD_CHUNK):
                    add_documents(w, source.load(session, chunk))
                    session.expunge_all()
                    bar.update(len(chunk))
    ix.close()
    write_index_version(path)  # before it is published: no process ever sees this generation without it
    publish_generation(index_dir, path)
    logger.info(
        "search index rebuilt in %s (%d sources, outbox id %d, version %d)", path, len(plan), last, INDEX_VERSION
    )
    return path


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild the search index from the database while search keeps answering."""
    engine = make_engine(settings.database_url)
    try:
        path = rebuild(engine=engine, index_dir=settings.index_dir, progress=True, procs=args.procs)
    finally:
        engine.dispose()
    logger.info("search index ready: %s", path)
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add `kolo reindex` to the CLI."""
    parser = subparsers.add_parser("reindex", help="rebuild the search index from the database")
    parser.add_argument(
        "--procs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes that analyse the documents (default: one per core)",
    )
    parser.set_defaults(func=cmd_reindex)
