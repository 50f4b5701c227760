"""The permission keys a reader holds in the search index; a document is visible when it shares one with them.

Documents carry "all" (everyone signed in), "dept:<id>", "user:<id>" (e.g. a draft's author), "role:<role>" (e.g.
drafts for managers) and "managers:<id>" (a department's managers, e.g. its draft guides). Each domain's
`access.index_keys` hands these out to its documents; the properties in `tests/properties/` prove that the two
sides meet exactly where the domain's read rule says. Computed from the database on every search, so joining a
department or becoming a manager takes effect at once, without re-indexing."""

from collections.abc import Iterable

from app.models.users import User


def reader_keys(user: User | None, department_ids: Iterable[int]) -> list[str]:
    """The keys `user`, a member of `department_ids`, holds (none for nobody)."""
    if user is None:
        return []
    keys = ["all", f"user:{user.id}", f"role:{user.role}"]
    if user.role == "admin":
        keys.append("role:manager")
    departments = list(department_ids)
    if user.role in ("manager", "admin"):
        keys += [f"managers:{d}" for d in departments]
    return keys + [f"dept:{d}" for d in departments]
