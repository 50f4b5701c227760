"""What can be searched, as the engine sees it: a Source per kind of document turns rows into SearchDocs and says
which of them a reader may see now. Each domain's adapter (`app/services/<domain>/search.py`) is one; `app.wiring`
registers them. Keys are "<kind>:<id>" (e.g. "post:42")."""

from collections.abc import Iterable
from typing import Any, Protocol

from sqlmodel import Session

from app.search.index import SearchDoc


class Source(Protocol):
    kind: str

    def load(self, session: Session, ids: list[int]) -> list[SearchDoc]:
        """Documents for the ids that exist and should be in the index (the rest are removed)."""
        ...

    def all_ids(self, session: Session) -> Iterable[int]:
        """Every id to index on a full rebuild."""
        ...

    def readable_ids(self, session: Session, user: Any, ids: list[int]) -> set[int]:
        """The ids among `ids` that `user` (a person, or None) may read now: the database has the last word.

        The engine never looks at `user`; only the adapter knows what a person is."""
        ...


SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Make a kind of content searchable (again: the same kind replaces the earlier source)."""
    SOURCES[source.kind] = source
