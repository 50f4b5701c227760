"""Search source for people: a colleague is found by name, handle, role, departments and the titles of the guides
they own that everyone may read ("хто відповідає за гігієну рук" finds the owner of that guide).

Who may see whom follows the people directory: every active colleague's name and departments are shown to everyone
signed in (as @mention suggestions are); a deactivated or erased person is found by nobody, so their document leaves
the index. Restricted guides (for some departments, drafts) and onboarding templates, which only managers read, are
never in a person's document: a template's hit names the one who made it instead.

The document is re-queued ("person:<id>") with the person's name, role, handle or departments (users service), with
a department's new name, and with any change of an article they own (`owner_keys`, registered for "article" outbox
rows in app/wiring.py; an article's previous owner is re-queued where the owner changes)."""

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.i18n import gettext
from app.models.kb import ArticleStatus, KbArticle, KbRevision
from app.models.users import User
from app.search.index import SearchDoc
from app.services import users as users_service
from app.services.audit import ROLE_LABELS
from app.services.kb import access as kb_access

EVERYONE = ["all"]


def person_key(user_id: int) -> str:
    """The person's document key."""
    return f"person:{user_id}"


def index_keys(person: User) -> list[str]:
    """The search keys of an active person's document (see app/services/search/keys.py): everyone signed in."""
    return EVERYONE


def owner_keys(session: Session, article_id: int) -> list[str]:
    """The person documents an article's change touches: its owner's (who lists its title)."""
    article = session.get(KbArticle, article_id)
    return [person_key(article.owner_id)] if article is not None else []


def _public_guides(session: Session, owner_ids: list[int]) -> dict[int, list[str]]:
    """Titles of the guides each person owns that everyone may read (published, for every department)."""
    articles = session.exec(select(KbArticle).where(col(KbArticle.owner_id).in_(owner_ids))).all()
    audience = kb_access.audience_of(session=session, article_ids=[a.id for a in articles if a.id])
    open_to_all = [
        a
        for a in articles
        if a.status == ArticleStatus.published and kb_access.index_keys(a, audience.get(a.id or 0, [])) == EVERYONE
    ]
    revision_ids = [a.current_revision_id for a in open_to_all if a.current_revision_id]
    titles = dict(
        session.exec(select(KbRevision.id, KbRevision.title).where(col(KbRevision.id).in_(revision_ids))).all()
    )
    guides: dict[int, list[str]] = defaultdict(list)
    for article in open_to_all:
        if article.current_revision_id in titles:
            guides[article.owner_id].append(titles[article.current_revision_id])
    return guides


class PersonSource:
    kind = "person"

    def load(self, session: Session, ids: list[int]) -> list[SearchDoc]:
        """Active people as documents (the deactivated and the erased leave the index)."""
        people = session.exec(select(User).where(col(User.id).in_(ids), col(User.is_active))).all() if ids else []
        user_ids = [u.id for u in people if u.id is not None]
        departments = users_service.department_ids_by_user(session=session, user_ids=user_ids)
        department_names = users_service.department_names_by_user(session=session, user_ids=user_ids)
        guides = _public_guides(session, user_ids)
        docs = []
        for person in people:
            assert person.id is not None  # read from the database
            role = str(person.role)
            about = [
                gettext("uk", ROLE_LABELS.get(role, role)),  # the hospital's language: «Керівник»
                f"@{person.handle}",
                *department_names.get(person.id, []),
                *guides.get(person.id, []),
            ]
            docs.append(
                SearchDoc(
                    key=person_key(person.id),
                    kind="person",
                    title=person.name,
                    body=" · ".join(about),  # one line: a snippet reads "Керівник · @handle · Терапія · …"
                    author=person.name,
                    author_id=person.id,
                    department_ids=departments.get(person.id, []),
                    visibility=index_keys(person),
                    status=role,
                    url=f"/?author={person.handle}",
                )
            )
        return docs

    def all_ids(self, session: Session) -> Iterable[int]:
        """Every active person."""
        rows = session.exec(select(User.id).where(col(User.is_active)).order_by(col(User.id))).all()
        return [i for i in rows if i is not None]

    def readable_ids(self, session: Session, user: User | None, ids: list[int]) -> set[int]:
        """Everyone signed in sees the active people among `ids`, as in the people directory."""
        if user is None or not ids:
            return set()
        rows = session.exec(select(User.id).where(col(User.id).in_(ids), col(User.is_active))).all()
        return {i for i in rows if i is not None}
