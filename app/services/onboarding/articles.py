"""The few facts onboarding needs about knowledge-base articles, read without importing the KB domain."""

from sqlalchemy import column, select, table
from sqlmodel import Session

from app.errors import InvalidInput

_article = table("kb_article", column("id"), column("slug"), column("title"), column("status"))


def article_links(*, session: Session, article_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(title, url) of each article, in one query."""
    ids = [i for i in article_ids if i]
    if not ids:
        return {}
    rows = session.execute(select(_article.c.id, _article.c.title, _article.c.slug)
                           .where(_article.c.id.in_(ids))).all()
    return {row.id: (row.title, f"/kb/{row.slug}") for row in rows}


def check_article(*, session: Session, article_id: int | None) -> None:
    """A read task must link an existing article."""
    if article_id is None:
        raise InvalidInput("A reading task must link a guide from the knowledge base.")
    if not article_links(session=session, article_ids={article_id}):
        raise InvalidInput("The guide {id} does not exist.", id=article_id)


def find_article_id(*, session: Session, slug: str) -> int | None:
    """The id of the article with this slug, if any."""
    return session.execute(select(_article.c.id).where(_article.c.slug == slug)).scalar()


def published_articles(*, session: Session) -> list[tuple[int, str]]:
    """(id, title) of every published guide, for choosing what a reading task links."""
    rows = session.execute(select(_article.c.id, _article.c.title).where(_article.c.status == "published")
                           .order_by(_article.c.title)).all()
    return [(row.id, row.title) for row in rows]
