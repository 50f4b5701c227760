"""Search source for knowledge-base articles: the published text (or a draft's text for its author and
managers), with tags, category and attachment names. Archived articles are not searched: search answers with
what is in force; readers open an archived article by its link, managers list it under "Archived".

The visibility keys are `access.index_keys`, beside the read rule they follow; readable_ids checks the rule again at
query time."""

from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.markdown import plain_text, render_markdown
from app.models.kb import ArticleStatus, KbArticle, KbCategory, KbRevision
from app.models.users import User
from app.search.index import SearchDoc
from app.services import uploads as uploads_service
from app.services import users as users_service
from app.services.kb import access
from app.services.kb.rendering import WIKILINK

SEARCHED = col(KbArticle.status) != ArticleStatus.archived  # what search finds: what is in force


class ArticleSource:
    kind = "article"

    def load(self, session: Session, ids: list[int]) -> list[SearchDoc]:
        """Articles as documents (archived ones are left out, so they leave the index): the visible revision's
        text, tags, category and attachment names."""
        articles = session.exec(select(KbArticle).where(col(KbArticle.id).in_(ids), SEARCHED)).all() if ids else []
        if not articles:
            return []
        revision_ids = [a.current_revision_id or a.head_revision_id for a in articles]
        revisions = {r.id: r for r in session.exec(select(KbRevision).where(col(KbRevision.id).in_(revision_ids)))}
        categories = {c.id: c.name for c in session.exec(select(KbCategory))}
        audience = access.audience_of(session=session, article_ids=[a.id for a in articles if a.id])
        owner_ids = {a.owner_id for a in articles}
        owners = {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(owner_ids)))}
        files = uploads_service.uploads_for(session=session, target_keys=[f"article:{a.id}" for a in articles])
        docs = []
        for article in articles:
            revision = revisions.get(article.current_revision_id or article.head_revision_id)
            if revision is None:
                continue
            extra = [categories.get(article.category_id, "")] + [u.filename for u in files[f"article:{article.id}"]]
            # [[slug|text]] reads as its text, [[slug]] as the slug's words: never raw link syntax in a snippet
            text = WIKILINK.sub(lambda m: m.group(2) or m.group(1).replace("-", " "), revision.body)
            body = plain_text(render_markdown(text)) + "\n" + "\n".join(e for e in extra if e)
            docs.append(
                SearchDoc(
                    key=f"article:{article.id}",
                    kind="article",
                    title=revision.title,
                    body=body,
                    tags=list(revision.tags),
                    author=owners.get(article.owner_id, ""),
                    author_id=article.owner_id,
                    department_ids=list(audience.get(article.id or 0, [])),
                    visibility=access.index_keys(article, audience.get(article.id or 0, [])),
                    status=str(article.status),
                    created_at=article.created_at,
                    updated_at=article.updated_at,
                    url=f"/kb/{article.slug}",
                )
            )
        return docs

    def all_ids(self, session: Session) -> Iterable[int]:
        """Every article that is not archived."""
        rows = session.exec(select(KbArticle.id).where(SEARCHED).order_by(col(KbArticle.id))).all()
        return [i for i in rows if i is not None]

    def readable_ids(self, session: Session, user: User | None, ids: list[int]) -> set[int]:
        """The articles among `ids` the user may read now."""
        if user is None or not ids:
            return set()
        departments = users_service.department_ids_of(session=session, user=user)
        query = select(KbArticle.id).where(
            col(KbArticle.id).in_(ids), SEARCHED, access.readable_clause(user=user, user_departments=departments)
        )
        return {i for i in session.exec(query).all() if i is not None}
