"""What can be searched: each domain registers a Source that turns rows into SearchDocs and
re-checks permissions. Keys are "<kind>:<id>" (e.g. "post:42")."""

from collections.abc import Iterable
from typing import Protocol

from sqlmodel import Session

from app.models.users import User
from app.search.index import SearchDoc


class Source(Protocol):
    kind: str

    def load(self, session: Session, ids: list[int]) -> list[SearchDoc]:
        """Documents for the ids that exist and should be in the index (the rest are removed)."""
        ...

    def all_ids(self, session: Session) -> Iterable[int]:
        """Every id to index on a full rebuild."""
        ...

    def readable_ids(self, session: Session, user: User | None, ids: list[int]) -> set[int]:
        """The ids among `ids` that `user` may read now (the database has the last word)."""
        ...


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Make a kind of content searchable."""
    SOURCES[source.kind] = source
    return source


def visibility_keys(user: User | None, department_ids: Iterable[int]) -> list[str]:
    """The permission keys a reader holds; a document is visible when it shares one with them.

    Documents carry "all" (everyone signed in), "dept:<id>", "user:<id>" (e.g. a draft's author),
    "role:<role>" (e.g. drafts for managers) and "managers:<id>" (a department's managers, e.g. its
    draft guides): computed from the database on every search, so joining a department or becoming
    a manager takes effect at once, without re-indexing."""
    if user is None:
        return []
    keys = ["all", f"user:{user.id}", f"role:{user.role}"]
    if user.role == "admin":
        keys.append("role:manager")
    departments = list(department_ids)
    if user.role in ("manager", "admin"):
        keys += [f"managers:{d}" for d in departments]
    return keys + [f"dept:{d}" for d in departments]
