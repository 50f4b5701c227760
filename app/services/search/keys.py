"""The permission keys a reader holds in the search index; a document is visible when it shares one with them.

Documents carry "all" (everyone signed in), "dept:<id>", "user:<id>" (e.g. a draft's author), "role:<role>" (e.g.
drafts for managers) and "managers:<id>" (a department's managers, e.g. its draft guides). Each domain's `access`
module hands these out to its documents (`index_keys`, `plan_index_keys`, `checklist_index_keys`), beside its read
rule; the properties in `tests/properties/` prove that the two sides meet exactly where the rule says. Changing
either side changes what the index holds: bump INDEX_VERSION (app/search/index.py) so that it is rebuilt.
A reader's keys are computed from the database on every search, so joining a department or becoming a manager
takes effect at once, without re-indexing."""

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
