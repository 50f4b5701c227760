"""Files attached to articles: stored by the shared upload service, readable by whoever can read the article."""

from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.config import Settings
from app.models.kb import KbArticle
from app.models.uploads import Upload
from app.models.users import User
from app.search.outbox import enqueue
from app.services import uploads as uploads_service
from app.services.kb import access


def attach_file(*, session: Session, settings: Settings, user: User, article: KbArticle, file: UploadFile) -> Upload:
    """Check and store the file (size, real type) and attach it to the article; editors only."""
    access.check_can_edit(session=session, user=user, article=article)
    upload = uploads_service.save_upload(session=session, settings=settings, owner=user, file=file)
    assert upload.id is not None
    uploads_service.attach_uploads(session=session, owner=user, upload_ids=[upload.id],
                                   target_key=f"article:{article.id}")
    enqueue(session, f"article:{article.id}")
    session.commit()
    session.refresh(upload)
    return upload


def list_attachments(*, session: Session, article: KbArticle) -> list[Upload]:
    """The article's files, in upload order."""
    key = f"article:{article.id}"
    return uploads_service.uploads_for(session=session, target_keys=[key])[key]


def _can_read(session: Session, user: User, article_id: int) -> bool:
    article = session.get(KbArticle, article_id)
    if article is None:
        return False
    audience = access.audience_of(session=session, article_ids=[article_id]).get(article_id, [])
    from app.services import users as users_service

    departments = users_service.department_ids_of(session=session, user=user)
    return access.can_read(user=user, article=article, audience=audience, user_departments=departments)


uploads_service.register_access_check("article", _can_read)
