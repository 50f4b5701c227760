"""The read rule of each domain in all its copies: the Python predicate, its SQL twin, the index-time keys a document
carries (`access.*index_keys`, written by the adapters in app/services/<domain>/search.py) against the reader's keys
(app/services/search/keys.py), and each adapter's `readable_ids`. People and content are drawn by hypothesis and
written to the test's database; every example uses fresh rows, so examples never see each other's."""

import itertools
from collections.abc import Iterable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.models.users import Role, User, UserDepartment
from app.services import users as users_service
from app.services.search import keys

DEPARTMENTS = 3
# Function-scoped fixtures (the test's database) are shared by every example of a test: each example adds rows.
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

roles = st.sampled_from([Role.staff, Role.manager, Role.admin])
department_sets = st.frozensets(st.integers(0, DEPARTMENTS - 1), max_size=DEPARTMENTS)
people = st.lists(st.tuples(roles, department_sets), min_size=1, max_size=4)

_serial = itertools.count(1)


def serial() -> int:
    """A number no other row of this run has used (emails, handles, slugs)."""
    return next(_serial)


def add_people(session: Session, drawn: Iterable[tuple[Role, frozenset[int]]], departments: list[int]) -> list[User]:
    """One user per (role, department indexes), written directly (no password: fast)."""
    made = []
    for role, chosen in drawn:
        n = serial()
        user = User(email=f"p{n}@kolo.test", name=f"Людина {n}", handle=f"p{n}", role=role)
        session.add(user)
        session.flush()
        for i in sorted(chosen):
            session.add(UserDepartment(user_id=user.id, department_id=departments[i]))  # type: ignore[arg-type]
        made.append(user)
    session.flush()
    return made


def finds(session: Session, user: User, document_keys: Iterable[str]) -> bool:
    """Whether search would count the document for this reader: they share a key (totals, facets, did-you-mean)."""
    mine = keys.reader_keys(user, users_service.department_ids_of(session=session, user=user))
    return bool(set(document_keys) & set(mine))
