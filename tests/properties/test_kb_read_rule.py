"""Knowledge base: who reads an article is the same in every copy of the rule: `can_read`, its SQL twin
`readable_clause`, the index keys `index_keys` against `reader_keys`, and the adapter's `readable_ids`. Archived
articles stay readable by their link but are not in the index at all (and only managers list them)."""

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from app.models.kb import ArticleStatus, KbArticle, KbArticleDepartment, KbRevision
from app.models.users import User
from app.services import users as users_service
from app.services.kb import access
from app.services.kb.search import ArticleSource
from tests.properties.world import PROPERTY, add_people, department_sets, finds, people, serial

articles = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(list(ArticleStatus)),
            "audience": department_sets,
            "author": st.integers(0, 4),  # an index into the people and the outsider (modulo)
            "owner": st.integers(0, 4),
        }
    ),
    min_size=1,
    max_size=3,
)


def _write(session: Session, drawn: dict, writers: list[User], departments: list[int]) -> KbArticle:
    author, owner = writers[drawn["author"] % len(writers)], writers[drawn["owner"] % len(writers)]
    article = KbArticle(
        slug=f"stattia-{serial()}",
        title="Гігієна рук",
        status=drawn["status"],
        author_id=author.id,  # type: ignore[arg-type]
        owner_id=owner.id,  # type: ignore[arg-type]
    )
    session.add(article)
    session.flush()
    revision = KbRevision(article_id=article.id, number=1, title="Гігієна рук", body="Мийте руки.", author_id=author.id)  # type: ignore[arg-type]
    session.add(revision)
    session.flush()
    article.head_revision_id = revision.id
    if drawn["status"] in access.PUBLIC_STATUSES:
        article.current_revision_id = revision.id
    for i in sorted(drawn["audience"]):
        session.add(KbArticleDepartment(article_id=article.id, department_id=departments[i]))  # type: ignore[arg-type]
    session.add(article)
    return article


@PROPERTY
@given(readers=people, content=articles)
def test_every_copy_of_the_article_read_rule_agrees(session, departments, readers, content) -> None:  # type: ignore[no-untyped-def]
    users = add_people(session, readers, departments)
    writers = users + add_people(session, [readers[0]], departments)  # the last one reads nothing here
    written = [(drawn, _write(session, drawn, writers, departments)) for drawn in content]
    session.flush()
    ids: list[int] = [a.id for _d, a in written]  # type: ignore[misc]
    audiences = access.audience_of(session=session, article_ids=ids)
    loaded = {doc.key: doc for doc in ArticleSource().load(session, ids)}
    for user in users:
        mine = users_service.department_ids_of(session=session, user=user)
        clause = access.readable_clause(user=user, user_departments=mine)
        by_sql = set(session.exec(select(KbArticle.id).where(col(KbArticle.id).in_(ids), clause)).all())
        listing = access.listed_clause(user=user, user_departments=mine)
        listed = set(session.exec(select(KbArticle.id).where(col(KbArticle.id).in_(ids), listing)).all())
        found = ArticleSource().readable_ids(session, user, ids)
        for drawn, article in written:
            audience = audiences.get(article.id, [])  # type: ignore[arg-type]
            rule = access.can_read(user=user, article=article, audience=audience, user_departments=mine)
            why = (
                f"{user.role} of {sorted(mine)}, author={article.author_id == user.id}, "
                f"owner={article.owner_id == user.id}, {drawn}"
            )
            assert (article.id in by_sql) == rule, f"SQL clause disagrees: {why}"
            in_list = rule and (user.is_manager or article.status != ArticleStatus.archived)
            assert (article.id in listed) == in_list, f"the listing disagrees: {why}"
            doc = loaded.get(f"article:{article.id}")
            if article.status == ArticleStatus.archived:
                assert doc is None, f"an archived article is loaded into the index: {why}"
                assert article.id not in found, f"readable_ids finds an archived article: {why}"
                continue
            assert (article.id in found) == rule, f"readable_ids disagrees: {why}"
            assert doc is not None and doc.visibility == access.index_keys(article, audience)
            assert finds(session, user, doc.visibility) == rule, f"index keys disagree: {why}"
