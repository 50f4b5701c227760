"""The manifest of a backup archive: what made it, the schema revision and kind of its database, and every file with
its size and SHA-256. It is the archive's last member, written once every file's checksum is known."""

import hashlib
from datetime import datetime
from pathlib import PurePosixPath
from typing import IO, Literal

from pydantic import BaseModel, ValidationError

from app.errors import InvalidInput

FORMAT = 1
MANIFEST_NAME = "manifest.json"
DATABASE_DIR = "database"
UPLOADS_DIR = "uploads"
SECRET_KEY_NAME = "settings/secret_key"

DatabaseKind = Literal["sqlite", "postgresql"]


class ArchivedFile(BaseModel):
    """One file of the archive, by its path inside it."""

    path: str
    size: int
    sha256: str


class Manifest(BaseModel):
    """What an archive holds and what made it."""

    format: int = FORMAT
    kolo_version: str
    schema_revision: str
    database: DatabaseKind
    created_at: datetime
    files: list[ArchivedFile]

    @property
    def database_file(self) -> str:
        """The archive path of the database dump."""
        return next(f.path for f in self.files if PurePosixPath(f.path).parent.name == DATABASE_DIR)

    @property
    def total_size(self) -> int:
        """The bytes of every file, before compression."""
        return sum(f.size for f in self.files)


def read_manifest(data: bytes) -> Manifest:
    """Parse a manifest; an unreadable one, or one of another format, is refused."""
    try:
        manifest = Manifest.model_validate_json(data)
    except ValidationError as exc:
        raise InvalidInput("The archive's manifest is unreadable: {error}", error=str(exc).splitlines()[0]) from exc
    if manifest.format != FORMAT:
        raise InvalidInput(
            "The archive is of format {found}; this Kolo reads format {known}.", found=manifest.format, known=FORMAT
        )
    if sum(PurePosixPath(f.path).parent.name == DATABASE_DIR for f in manifest.files) != 1:
        raise InvalidInput("The archive's manifest lists no database, or more than one.")
    return manifest


class HashingReader:
    """Reads a file through, counting its bytes and hashing them (tarfile reads from it when archiving; extraction
    copies from it)."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._digest = hashlib.sha256()
        self._size = 0

    def read(self, size: int = -1) -> bytes:
        """Read as the wrapped file does."""
        data = self._source.read(size)
        self._digest.update(data)
        self._size += len(data)
        return data

    def entry(self, path: str) -> ArchivedFile:
        """The manifest entry of what was read, under archive path `path`."""
        return ArchivedFile(path=path, size=self._size, sha256=self._digest.hexdigest())


def check_files(manifest: Manifest, found: dict[str, ArchivedFile]) -> None:
    """Refuse an archive whose files differ from its manifest: changed, missing or unlisted."""
    listed = {f.path: f for f in manifest.files}
    for path, entry in listed.items():
        actual = found.get(path)
        if actual is None:
            raise InvalidInput(
                "The archive is incomplete: {path} is in its manifest but not in the archive.", path=path
            )
        if (actual.size, actual.sha256) != (entry.size, entry.sha256):
            raise InvalidInput("The archive is damaged: {path} does not match its checksum in the manifest.", path=path)
    if unlisted := sorted(found.keys() - listed.keys()):
        raise InvalidInput("The archive holds {path}, which its manifest does not list.", path=unlisted[0])
