"""The "please read and acknowledge" notices of an article: only the newest major version's are kept.

A notice for version 1.0 means nothing once version 2.0 is published, and nothing once its reader has acknowledged;
both make it disappear from the bell, so a person never opens an old call to read."""

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, delete, or_

from app.models.kb import KbArticle
from app.models.notifications import Notification

ACKNOWLEDGE = "kb.acknowledge"
REMIND = "kb.remind"


def batch_key(kind: str, article: KbArticle) -> str:
    """The notice key of the article's current major version (one row per reader, counted up when repeated)."""
    return f"{kind}:{article.id}:{article.current_major}"


def _of_article(article: KbArticle) -> list[ColumnElement[bool]]:
    return [col(Notification.batch_key).startswith(f"{kind}:{article.id}:") for kind in (ACKNOWLEDGE, REMIND)]


def forget_superseded(*, session: Session, article: KbArticle) -> None:
    """Remove every earlier version's calls to read the article (a new major version is being published)."""
    session.exec(delete(Notification).where(or_(*_of_article(article))))


def forget_for(*, session: Session, user_id: int, article: KbArticle) -> None:
    """Remove one reader's calls to read the article (they have just acknowledged its current version)."""
    session.exec(delete(Notification).where(col(Notification.recipient_id) == user_id, or_(*_of_article(article))))
