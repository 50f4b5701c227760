"""Uploads: check size and real type (magic bytes), store under a generated name, decide who may read."""

import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath

from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from app.config import Settings
from app.errors import InvalidInput, NotFound
from app.models.uploads import Upload, UploadPublic
from app.models.users import User

CHUNK = 1024 * 1024
# type → (extensions a name may honestly carry, the extension we store with)
TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "image/png": ((".png",), ".png"),
    "image/jpeg": ((".jpg", ".jpeg", ".jpe", ".jfif"), ".jpg"),
    "image/gif": ((".gif",), ".gif"),
    "image/webp": ((".webp",), ".webp"),
    "application/pdf": ((".pdf",), ".pdf"),
}
GENERIC_TYPES = {"", "application/octet-stream"}
NAME_MAX = 200  # Upload.filename's length

AccessCheck = Callable[[Session, User, int], bool]
ACCESS_CHECKS: dict[str, AccessCheck] = {}


def register_access_check(kind: str, check: AccessCheck) -> None:
    """Say who may read files attached to `kind` ("post", "article"): check(session, user, target_id)."""
    ACCESS_CHECKS[kind] = check


def sniff_type(head: bytes) -> str | None:
    """The file's real type from its first bytes, or None when it is not one we accept."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def clean_filename(name: str | None, content_type: str) -> str:
    """A display name from the client's file name: no folders, no control or format characters (an RTL override
    would show "gnp.exe" as "exe.png"), at most NAME_MAX characters, ending in an extension of its real type."""
    stem, suffix = _split_name(name)
    if suffix.lower() not in TYPES[content_type][0]:
        stem, suffix = stem + suffix, TYPES[content_type][1]
    stem = stem.strip(" .")[: NAME_MAX - len(suffix)].rstrip(" .")
    return (stem or "file") + suffix


def _split_name(name: str | None) -> tuple[str, str]:
    """The client's file name as (stem, extension), without its folders (`\\` counting as `/`), control and format
    characters, quotes, angle brackets, or trailing dots and spaces (which Windows drops)."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    stem, dot, extension = re.sub(r'["<>]', "", base).rstrip(" .").rpartition(".")
    return (stem, dot + extension) if dot else (extension, "")


def _check_honest(file: UploadFile, real_type: str) -> None:
    declared = (file.content_type or "").split(";")[0].strip().lower()
    suffix = _split_name(file.filename)[1].lower()
    if declared not in GENERIC_TYPES and declared != real_type:
        raise InvalidInput(
            "The file says it is {declared}, but its content is {real}.", declared=declared, real=real_type
        )
    if suffix and suffix not in TYPES[real_type][0]:
        raise InvalidInput("The file name ends in {suffix}, but its content is {real}.", suffix=suffix, real=real_type)


def _read_limited(file: UploadFile, limit: int) -> bytes:
    data = bytearray()
    while chunk := file.file.read(CHUNK):
        data.extend(chunk)
        if len(data) > limit:
            raise InvalidInput("The file is larger than {mb} MB.", status_code=413, mb=limit // (1024 * 1024))
    return bytes(data)


def save_upload(*, session: Session, settings: Settings, owner: User, file: UploadFile) -> Upload:
    """Check the file's size and real type, store it under a generated name and commit its row."""
    data = _read_limited(file, settings.max_upload_bytes)
    if not data:
        raise InvalidInput("The file is empty.")
    real_type = sniff_type(data[:16])
    if real_type is None:
        raise InvalidInput("Only images (PNG, JPEG, GIF, WebP) and PDF files can be attached.")
    _check_honest(file, real_type)
    stored_name = secrets.token_urlsafe(24) + TYPES[real_type][1]
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    path = settings.upload_dir / stored_name
    try:
        path.write_bytes(data)
    except OSError:  # a full disk: leave no half-written file that no row points at
        path.unlink(missing_ok=True)
        raise
    assert owner.id is not None
    upload = Upload(
        owner_id=owner.id,
        stored_name=stored_name,
        content_type=real_type,
        size=len(data),
        filename=clean_filename(file.filename, real_type),
    )
    session.add(upload)
    session.commit()
    session.refresh(upload)
    return upload


def attach_uploads(*, session: Session, owner: User, upload_ids: Iterable[int], target_key: str) -> list[Upload]:
    """Attach the owner's unattached uploads to `target_key` ("post:42"); no commit."""
    ids = sorted(set(upload_ids))
    if not ids:
        return []
    rows = session.exec(select(Upload).where(col(Upload.id).in_(ids))).all()
    usable = [u for u in rows if u.owner_id == owner.id and u.target_key in (None, target_key)]
    if len(usable) != len(ids):
        raise InvalidInput("An attachment does not exist or belongs to something else.")
    for upload in usable:
        upload.target_key = target_key
        session.add(upload)
    return usable


def uploads_for(*, session: Session, target_keys: Iterable[str]) -> dict[str, list[Upload]]:
    """Attachments of many targets in one query, in upload order."""
    keys = list(set(target_keys))
    found: dict[str, list[Upload]] = {key: [] for key in keys}
    if keys:
        for upload in session.exec(select(Upload).where(col(Upload.target_key).in_(keys)).order_by(col(Upload.id))):
            found[upload.target_key or ""].append(upload)
    return found


def can_read(*, session: Session, user: User, upload: Upload) -> bool:
    """Unattached files only for their owner; attached ones for whoever can read the target."""
    if upload.target_key is None:
        return upload.owner_id == user.id
    kind, _, target_id = upload.target_key.partition(":")
    check = ACCESS_CHECKS.get(kind)
    return check is not None and target_id.isdigit() and check(session, user, int(target_id))


def get_readable_upload(*, session: Session, user: User, upload_id: int) -> Upload:
    """An upload the user may read, or 404 (never say whether it exists)."""
    upload = session.get(Upload, upload_id)
    if upload is None or not can_read(session=session, user=user, upload=upload):
        raise NotFound("This file does not exist, or you cannot see it.")
    return upload


def delete_upload(*, session: Session, settings: Settings, upload: Upload) -> None:
    """Delete the upload's row (committing whatever the caller added, e.g. its audit event), then its bytes."""
    path = file_path(settings=settings, upload=upload)
    session.delete(upload)
    session.commit()
    path.unlink(missing_ok=True)


def file_path(*, settings: Settings, upload: Upload) -> Path:
    """Where the upload's bytes are on disk."""
    return settings.upload_dir / upload.stored_name


def to_public(upload: Upload) -> UploadPublic:
    """An upload as the API shows it."""
    assert upload.id is not None
    return UploadPublic(
        id=upload.id,
        url=f"/uploads/{upload.id}",
        filename=upload.filename,
        content_type=upload.content_type,
        size=upload.size,
        is_image=upload.is_image,
        target_key=upload.target_key,
        created_at=upload.created_at,
    )
