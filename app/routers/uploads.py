"""Uploads: send a file (multipart field `file`), read its details, download it."""

from urllib.parse import quote

from fastapi import APIRouter, UploadFile
from fastapi.responses import FileResponse, Response

from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import NotFound
from app.models.uploads import UploadPublic
from app.services import uploads as uploads_service

api = APIRouter(prefix="/api/v1/uploads", tags=["uploads"])
pages = APIRouter(include_in_schema=False)


@api.post("", response_model=UploadPublic, status_code=201)
def create_upload(session: SessionDep, settings: SettingsDep, user: CurrentUser, file: UploadFile) -> UploadPublic:
    """Upload an image (PNG, JPEG, GIF, WebP) or a PDF to attach to a post or a guide."""
    upload = uploads_service.save_upload(session=session, settings=settings, owner=user, file=file)
    return uploads_service.to_public(upload)


@api.get("/{upload_id}", response_model=UploadPublic)
def read_upload(session: SessionDep, user: CurrentUser, upload_id: int) -> UploadPublic:
    """An upload's details, if the caller may read what it is attached to."""
    return uploads_service.to_public(
        uploads_service.get_readable_upload(session=session, user=user, upload_id=upload_id)
    )


@pages.get("/uploads/{upload_id}")
def download_upload(session: SessionDep, settings: SettingsDep, user: CurrentUser, upload_id: int) -> Response:
    """The file itself, with its checked type; images inline, everything else as a download."""
    upload = uploads_service.get_readable_upload(session=session, user=user, upload_id=upload_id)
    path = uploads_service.file_path(settings=settings, upload=upload)
    if not path.is_file():
        raise NotFound("This file does not exist, or you cannot see it.")
    disposition = "inline" if upload.is_image else "attachment"
    ascii_name = upload.filename.encode("ascii", "replace").decode().replace("?", "_")
    headers = {
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(upload.filename)}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return FileResponse(path, media_type=upload.content_type, headers=headers)
