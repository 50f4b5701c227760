"""`create_backup`: the database first (a snapshot), then the uploaded files and the secret key, then the manifest,
into a file that gets its final name only once it is complete."""

import logging
import os
import tarfile
from datetime import UTC, datetime
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from tempfile import TemporaryDirectory

from app.config import Settings
from app.errors import Conflict, InvalidInput
from app.services.backup.database import DUMP_NAMES, database_kind, dump_database
from app.services.backup.manifest import (
    DATABASE_DIR,
    MANIFEST_NAME,
    SECRET_KEY_NAME,
    UPLOADS_DIR,
    ArchivedFile,
    HashingReader,
    Manifest,
)

logger = logging.getLogger(__name__)

SUFFIX = ".tar.gz"
COMPRESS_LEVEL = 6  # uploads are mostly JPEG and PDF, already compressed: 9 costs time and saves little


def create_backup(*, settings: Settings, destination: Path) -> tuple[Path, Manifest]:
    """Write a backup archive to `destination` (a new file, or a folder to put `kolo-<UTC time>.tar.gz` in)."""
    created_at = datetime.now(UTC)
    target = destination / f"kolo-{created_at:%Y%m%dT%H%M%SZ}{SUFFIX}" if destination.is_dir() else destination
    if not target.parent.is_dir():
        raise InvalidInput("There is no folder {path} to write the backup into.", path=str(target.parent))
    if target.exists():
        raise Conflict("{path} exists already; a backup never overwrites a file.", path=str(target))
    kind = database_kind(settings.database_url)
    partial = target.with_name(f".{target.name}.partial")
    # The dump sits beside the archive: the database may be larger than /tmp.
    with TemporaryDirectory(dir=target.parent, prefix=".kolo-backup-") as tmp:
        dump = Path(tmp) / DUMP_NAMES[kind]
        revision = dump_database(settings.database_url, dump)
        try:
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=COMPRESS_LEVEL) as tar:
                    files = [_add(tar, dump, f"{DATABASE_DIR}/{dump.name}")]
                    files += _add_uploads(tar, settings.upload_dir)
                    if (secret := settings.data_dir / "secret_key").is_file():
                        files.append(_add(tar, secret, SECRET_KEY_NAME))
                    manifest = Manifest(
                        kolo_version=version("kolo"),
                        schema_revision=revision,
                        database=kind,
                        created_at=created_at,
                        files=files,
                    )
                    _add_manifest(tar, manifest)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    logger.info("backup of %d files (%d bytes) written to %s", len(manifest.files), manifest.total_size, target)
    return target, manifest


def _add_uploads(tar: tarfile.TarFile, upload_dir: Path) -> list[ArchivedFile]:
    """Every uploaded file, taken after the database snapshot: a file deleted since is skipped (its row is gone
    from the database by then or soon), one uploaded since is an orphan nobody links to."""
    files = []
    for path in sorted(p for p in upload_dir.rglob("*") if p.is_file()) if upload_dir.is_dir() else []:
        try:
            files.append(_add(tar, path, f"{UPLOADS_DIR}/{path.relative_to(upload_dir).as_posix()}"))
        except FileNotFoundError:
            logger.info("%s was deleted while the backup ran; left out", path)
    return files


def _add(tar: tarfile.TarFile, path: Path, name: str) -> ArchivedFile:
    with path.open("rb") as source:
        info = tar.gettarinfo(arcname=name, fileobj=source)
        info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
        reader = HashingReader(source)
        tar.addfile(info, reader)
        return reader.entry(name)


def _add_manifest(tar: tarfile.TarFile, manifest: Manifest) -> None:
    data = manifest.model_dump_json(indent=2).encode()
    info = tarfile.TarInfo(MANIFEST_NAME)
    info.size, info.mode, info.mtime = len(data), 0o600, int(manifest.created_at.timestamp())
    tar.addfile(info, BytesIO(data))
