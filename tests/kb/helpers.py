"""Arrange knowledge-base data through the services, as production does."""

from sqlmodel import Session

from app.models.kb import ArticleCreate, ArticleUpdate, KbArticle, PublishRequest
from app.models.users import User
from app.services.kb import articles, lifecycle


def make_article(
    session: Session, author: User, *, title: str = "Гігієна рук", body: str = "Тридцять секунд.", **fields: object
) -> KbArticle:
    """A draft."""
    return articles.create_article(
        session=session, author=author, data=ArticleCreate.model_validate({"title": title, "body": body, **fields})
    )


def publish(session: Session, article: KbArticle, manager: User, *, major: bool = True) -> KbArticle:
    """Publish the newest revision."""
    return lifecycle.publish(session=session, user=manager, article=article, data=PublishRequest(major=major))


def save(session: Session, article: KbArticle, user: User, body: str, **fields: object) -> KbArticle:
    """Save a new revision on top of the newest one."""
    data = ArticleUpdate.model_validate({"base_revision_id": article.head_revision_id, "body": body, **fields})
    return articles.save_article(session=session, user=user, article=article, data=data)
