"""Files attached to articles: stored by the shared upload service, readable by whoever can read the article;
attached and removed by those whose changes show at once (access.check_can_attach)."""

from dataclasses import dataclass

from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from app.config import Settings
from app.errors import NotFound
from app.models.kb import KbArticle
from app.models.uploads import Upload
from app.models.users import User
from app.search.outbox import enqueue
from app.services import audit
from app.services import uploads as uploads_service
from app.services.kb import access
from app.services.patient_data import guard
from app.services.transactions import all_or_nothing


@dataclass(frozen=True)
class Attachment:
    upload: Upload
    uploader_name: str


def _key(article: KbArticle) -> str:
    return f"article:{article.id}"


@all_or_nothing
def attach_file(
    *,
    session: Session,
    settings: Settings,
    user: User,
    article: KbArticle,
    file: UploadFile,
    override_reason: str | None = None,
) -> Upload:
    """Check and store the file (size, real type) and attach it to the article; it shows at once, so only those
    whose changes need no review may. A file name that looks like patient data is refused unless `override_reason`
    says why it may be shown (audited)."""
    access.check_can_attach(session=session, user=user, article=article)
    screening = guard.screen(session=session, texts={"file": file.filename or ""}, override_reason=override_reason)
    upload = uploads_service.save_upload(session=session, settings=settings, owner=user, file=file)
    assert upload.id is not None
    uploads_service.attach_uploads(session=session, owner=user, upload_ids=[upload.id], target_key=_key(article))
    screening.record(session=session, actor=user, target_type="article", target_id=article.id)
    enqueue(session, _key(article))
    session.commit()
    session.refresh(upload)
    return upload


@all_or_nothing
def remove_attachment(*, session: Session, settings: Settings, user: User, article: KbArticle, upload_id: int) -> None:
    """Detach the file and delete it (row and bytes); editors only, audited."""
    access.check_can_attach(session=session, user=user, article=article)
    upload = session.get(Upload, upload_id)
    if upload is None or upload.target_key != _key(article):
        raise NotFound("This file does not exist, or you cannot see it.")
    audit.record(
        session=session,
        action="article.file_removed",
        actor=user,
        subject=article.slug,
        target_type="article",
        target_id=article.id,
        detail={"upload_id": upload_id, "filename": upload.filename, "uploaded_by": upload.owner_id},
    )
    enqueue(session, _key(article))
    uploads_service.delete_upload(session=session, settings=settings, upload=upload)


def list_attachments(*, session: Session, article: KbArticle) -> list[Attachment]:
    """The article's files with who added them, in upload order."""
    files = uploads_service.uploads_for(session=session, target_keys=[_key(article)])[_key(article)]
    ids = {f.owner_id for f in files}
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all()) if ids else {}
    return [Attachment(upload=f, uploader_name=names.get(f.owner_id, "")) for f in files]


def can_read_file(session: Session, user: User, article_id: int) -> bool:
    """Files attached to an article are for whoever may read the article."""
    article = session.get(KbArticle, article_id)
    if article is None:
        return False
    audience = access.audience_of(session=session, article_ids=[article_id]).get(article_id, [])
    from app.services import users as users_service

    departments = users_service.department_ids_of(session=session, user=user)
    return access.can_read(user=user, article=article, audience=audience, user_departments=departments)
