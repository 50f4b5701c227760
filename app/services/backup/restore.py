"""`restore_backup`: into an empty data folder and an empty database (or, with `force`, in place of what is there).
Everything is unpacked beside the target and checked (checksums, the kind of database, the schema revision) before
anything is placed; the database is then brought to this Kolo's schema and the search index rebuilt from it."""

import logging
import os
import shutil
import tarfile
import zlib
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

from filelock import FileLock, Timeout
from sqlalchemy import Engine
from sqlmodel import Session, delete

from app.config import Settings
from app.db import make_engine
from app.errors import Conflict, InvalidInput
from app.migrations import upgrade
from app.models.search import SearchReplica
from app.search.indexer import LOCK_FILE
from app.search.reindex import rebuild
from app.services.backup.database import database_kind, knows_revision, load_database, tables_with_rows
from app.services.backup.manifest import (
    MANIFEST_NAME,
    SECRET_KEY_NAME,
    UPLOADS_DIR,
    ArchivedFile,
    HashingReader,
    Manifest,
    check_files,
    read_manifest,
)

logger = logging.getLogger(__name__)


def restore_backup(*, settings: Settings, archive: Path, force: bool = False) -> Manifest:
    """Restore the archive into the configured database, uploads folder and search index; return its manifest."""
    _refuse_while_running(settings.index_dir)
    if (occupied := target_contents(settings)) and not force:
        raise Conflict(
            "The target is not empty ({what}): restore into an empty data folder and database, or pass --force to "
            "replace what is there.",
            what="; ".join(occupied),
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Unpacked inside the data folder, so that placing the files is a rename on the same file system.
    with TemporaryDirectory(dir=settings.data_dir, prefix=".kolo-restore-") as tmp:
        staged = Path(tmp)
        manifest = _unpack_checked(archive, staged, target_url=settings.database_url)
        load_database(settings.database_url, staged / manifest.database_file)
        upgrade(settings.database_url)  # an archive of an older Kolo is brought to this one's schema
        _place_uploads(staged / UPLOADS_DIR, settings.upload_dir)
        _place_secret_key(staged / SECRET_KEY_NAME, settings.data_dir / "secret_key")
    _rebuild_index(make_engine(settings.database_url), settings.index_dir)
    logger.info("restored %s (made at %s by Kolo %s)", archive, manifest.created_at, manifest.kolo_version)
    return manifest


def target_contents(settings: Settings) -> list[str]:
    """What the target already holds: tables with rows, uploaded files (nothing: it is empty)."""
    held = []
    if tables := tables_with_rows(settings.database_url):
        held.append(f"the database has rows in {len(tables)} tables: {', '.join(tables[:3])}{'…' * (len(tables) > 3)}")
    if settings.upload_dir.is_dir() and (count := sum(p.is_file() for p in settings.upload_dir.rglob("*"))):
        held.append(f"{count} files in {settings.upload_dir}")
    return held


def _refuse_while_running(index_dir: Path) -> None:
    """A running Kolo's indexer holds the index folder's lock; restoring under it would mix two databases."""
    if not index_dir.is_dir():
        return
    lock = FileLock(str(index_dir / LOCK_FILE), thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise Conflict(
            "Kolo is running on this search index ({path}): stop it before restoring.", path=str(index_dir)
        ) from None
    lock.release()


def _unpack_checked(archive: Path, staged: Path, *, target_url: str) -> Manifest:
    found = _unpack(archive, staged)
    if MANIFEST_NAME not in found:
        raise InvalidInput("{path} holds no manifest: it is not a Kolo backup.", path=str(archive))
    manifest = read_manifest((staged / MANIFEST_NAME).read_bytes())
    check_files(manifest, {path: entry for path, entry in found.items() if path != MANIFEST_NAME})
    if manifest.database != (target := database_kind(target_url)):
        raise InvalidInput(
            "The archive holds a {archived} database, but KOLO_DATABASE_URL points at {target}.",
            archived=manifest.database,
            target=target,
        )
    if not knows_revision(manifest.schema_revision):
        raise InvalidInput(
            "The archive's database is at schema revision {revision}, which this Kolo does not know: it was made by "
            "a newer Kolo. Upgrade Kolo, then restore.",
            revision=manifest.schema_revision,
        )
    return manifest


def _unpack(archive: Path, staged: Path) -> dict[str, ArchivedFile]:
    """Unpack the archive's regular files (nothing else, nowhere else) and hash them on the way."""
    found: dict[str, ArchivedFile] = {}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                name = _checked_name(member, seen=found)
                source = tar.extractfile(member)
                assert source is not None  # a regular file, checked above
                target = staged / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with source, target.open("xb") as sink:
                    reader = HashingReader(source)
                    shutil.copyfileobj(reader, sink)
                found[name] = reader.entry(name)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise InvalidInput(
            "{path} is not a readable backup archive: {error}", path=str(archive), error=str(exc)
        ) from exc
    return found


def _checked_name(member: tarfile.TarInfo, *, seen: dict[str, ArchivedFile]) -> str:
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts or "\\" in member.name or member.name in seen:
        raise InvalidInput("The archive holds an unexpected entry: {name}.", name=member.name)
    return path.as_posix()


def _place_uploads(staged: Path, upload_dir: Path) -> None:
    """The archive's files take the uploads folder's place (with --force, what was there goes)."""
    shutil.rmtree(upload_dir, ignore_errors=True)
    upload_dir.parent.mkdir(parents=True, exist_ok=True)
    if staged.is_dir():
        os.replace(staged, upload_dir)
    else:
        upload_dir.mkdir()


def _place_secret_key(staged: Path, target: Path) -> None:
    """The signing key of the archive's Kolo, so that its sessions' forms keep working (absent when that Kolo took
    KOLO_SECRET_KEY from its environment: then set the same one here)."""
    if not staged.is_file():
        logger.warning(
            "the archive holds no secret key (the backed-up Kolo had none yet, or took KOLO_SECRET_KEY from its "
            "environment: then set the same one here)"
        )
        return
    if target.exists() and target.read_bytes() != staged.read_bytes():
        logger.info("%s replaced by the archive's secret key", target)
    staged.chmod(0o600)
    os.replace(staged, target)


def _rebuild_index(engine: Engine, index_dir: Path) -> None:
    """The index is derived data, never archived: rebuilt now, so search answers from the first request. The archive's
    record of the backed-up Kolo's index copies goes too: they are not this one's, and would hold the outbox back."""
    try:
        with Session(engine) as session:
            session.exec(delete(SearchReplica))
            session.commit()
        rebuild(engine=engine, index_dir=index_dir)
    finally:
        engine.dispose()
