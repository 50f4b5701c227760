"""The synonym groups search applies: the shipped thesaurus (app/wordlists/thesaurus-uk.txt) as managers have edited
it, and the groups they added. Managers and admins change them (audited); every worker sees a change from its next
query, as `current_thesaurus` re-reads the table's version (one small query) before each search.

A group is addressed by a ref that outlives edits: `local:<row id>` for a group managers added, `shipped:<head>` for
a shipped group (its head is the first term in the shipped file), whether it is as shipped, edited or switched off.
An edit of a shipped group is a row with that `shipped_head`; switching it off sets `disabled`; restoring it deletes
the row."""

import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.models.synonyms import Origin, SynonymGroup
from app.models.types import utcnow
from app.models.users import User
from app.search.thesaurus import Thesaurus, group_key, shipped_groups
from app.services import audit
from app.services.transactions import all_or_nothing
from app.text import printable

TERM_MAX = 80
TERMS_MAX = 30
LOCAL, SHIPPED = "local:", "shipped:"


@dataclass(frozen=True, slots=True)
class Group:
    """One group as the synonyms page and the API show it; `disabled` ones are not applied."""

    ref: str
    head: str
    terms: tuple[str, ...]
    origin: Origin
    disabled: bool = False
    shipped_terms: tuple[str, ...] | None = None
    updated_at: datetime | None = None

    @property
    def row_id(self) -> int | None:
        """The id of a local group's row (None for a shipped one)."""
        return int(self.ref.removeprefix(LOCAL)) if self.ref.startswith(LOCAL) else None


@dataclass(frozen=True, slots=True)
class GroupsFound:
    """A page of groups matching a filter, and how many match in all."""

    items: list[Group]
    total: int


@dataclass(frozen=True, slots=True)
class GroupActions:
    """What the synonyms page offers for a group: every group can be edited; a local one deleted; a shipped one
    switched off, and once edited or switched off, restored as shipped."""

    can_delete: bool
    can_switch_off: bool
    can_restore: bool


def group_actions(group: Group) -> GroupActions:
    """The buttons the page shows for `group`."""
    local = group.row_id is not None
    return GroupActions(
        can_delete=local,
        can_switch_off=not local and not group.disabled,
        can_restore=not local and (group.disabled or group.origin == "edited") and group.shipped_terms is not None,
    )


def _check_manager(actor: User) -> None:
    if not actor.is_manager:
        raise PermissionDenied("Only managers can do this.")


def all_groups(*, session: Session) -> list[Group]:
    """Every group: the shipped ones in the file's order (edited or switched off as managers left them), then the
    local ones in the order they were added."""
    rows = session.exec(select(SynonymGroup).order_by(col(SynonymGroup.id))).all()
    overrides = {row.shipped_head: row for row in rows if row.shipped_head is not None}
    groups = []
    for shipped in shipped_groups():
        row = overrides.pop(shipped[0], None)
        groups.append(_shipped_group(shipped[0], shipped, row))
    for head, row in overrides.items():  # a group a newer thesaurus no longer ships, as edited here
        if head is not None and row.terms and not row.disabled:
            groups.append(_shipped_group(head, None, row))
    groups.extend(
        Group(
            ref=f"{LOCAL}{row.id}",
            head=row.terms[0],
            terms=tuple(row.terms),
            origin="local",
            updated_at=row.updated_at,
        )
        for row in rows
        if row.shipped_head is None
    )
    return groups


def _shipped_group(head: str, shipped: Sequence[str] | None, row: SynonymGroup | None) -> Group:
    if row is None:
        return Group(
            ref=f"{SHIPPED}{head}",
            head=head,
            terms=tuple(shipped or ()),
            origin="shipped",
            shipped_terms=tuple(shipped or ()),
        )
    return Group(
        ref=f"{SHIPPED}{head}",
        head=head,
        terms=tuple(row.terms or shipped or ()),
        origin="edited" if row.terms else "shipped",
        disabled=row.disabled,
        shipped_terms=tuple(shipped) if shipped is not None else None,
        updated_at=row.updated_at,
    )


def effective_groups(*, session: Session) -> list[Group]:
    """The groups search applies (the switched-off ones left out)."""
    return [group for group in all_groups(session=session) if not group.disabled]


def list_groups(*, session: Session, viewer: User, q: str = "", offset: int = 0, limit: int = 25) -> GroupsFound:
    """Managers: the groups with a term that contains what `q` says (as typed, or in any of its word forms)."""
    _check_manager(viewer)
    groups = all_groups(session=session)
    needle = " ".join(_clean(q).casefold().split())
    if needle:
        key = group_key(needle)
        groups = [
            g for g in groups if any(needle in term.casefold() or (key and key in group_key(term)) for term in g.terms)
        ]
    return GroupsFound(items=groups[offset : offset + limit], total=len(groups))


def get_group(*, session: Session, viewer: User, ref: str) -> Group:
    """Managers: one group by its ref, or 404."""
    _check_manager(viewer)
    for group in all_groups(session=session):
        if group.ref == ref:
            return group
    raise NotFound("No such synonym group.")


# --- what search applies ---------------------------------------------------------------------------

_cache: dict[str, tuple[tuple[int, datetime | None], Thesaurus]] = {}
_cache_lock = threading.Lock()


def current_thesaurus(session: Session) -> Thesaurus:
    """The thesaurus for the next query: rebuilt in this process only when the table changed since the last one
    (its row count and latest change, read in one small query), so an edit holds from the next search everywhere."""
    count, latest = session.exec(select(func.count(col(SynonymGroup.id)), func.max(SynonymGroup.updated_at))).one()
    version = (int(count), latest)
    database = str(session.get_bind().engine.url)
    cached = _cache.get(database)
    if cached is not None and cached[0] == version:
        return cached[1]
    thesaurus = Thesaurus.from_groups(g.terms for g in effective_groups(session=session))
    with _cache_lock:
        _cache[database] = (version, thesaurus)
    return thesaurus


# --- checking what a manager typed -------------------------------------------------------------------


def _clean(term: str) -> str:
    return " ".join(unicodedata.normalize("NFC", printable(term)).split())


def split_terms(text: str) -> list[str]:
    """The terms typed in the form: one a line, or separated by commas."""
    return [part for line in text.splitlines() for part in line.split(",")]


def check_terms(*, session: Session, terms: Sequence[str], ref: str | None = None) -> tuple[str, ...]:
    """The terms as they are kept (trimmed, NFC, each once), or why they cannot be a group: fewer than two different
    terms, too many or too long, only words search ignores, or a term already in another group (`ref`: this one)."""
    cleaned: dict[str, str] = {}
    for raw in terms:
        term = _clean(raw)
        if not term:
            continue
        if len(term) > TERM_MAX:
            raise InvalidInput("«{term}…» is longer than {max} characters.", term=term[:30], max=TERM_MAX)
        key = group_key(term)
        if not key:
            raise InvalidInput(
                "Search ignores every word of «{term}» (words like «і», «та», «з»); write a word that means something.",
                term=term,
            )
        cleaned.setdefault(key, term)
    if len(cleaned) < 2:
        raise InvalidInput("A group needs at least two different terms, each on its own line.")
    if len(cleaned) > TERMS_MAX:
        raise InvalidInput("A group has at most {max} terms.", max=TERMS_MAX)
    for other in effective_groups(session=session):
        if other.ref == ref:
            continue
        taken = {group_key(term) for term in other.terms}
        for key, term in cleaned.items():
            if key in taken:
                raise Conflict("«{term}» is already in the group «{group}».", term=term, group=other.head)
    return tuple(cleaned.values())


# --- changes -----------------------------------------------------------------------------------------


@all_or_nothing
def create_group(*, session: Session, actor: User, terms: Sequence[str]) -> Group:
    """Managers: add a group of their own; search applies it from the next query."""
    _check_manager(actor)
    kept = check_terms(session=session, terms=terms)
    row = SynonymGroup(terms=list(kept), created_by_id=actor.id, updated_by_id=actor.id)
    session.add(row)
    session.flush()
    _record(session, actor, "synonyms.group_created", row, kept[0], {"terms": list(kept)})
    session.commit()
    return get_group(session=session, viewer=actor, ref=f"{LOCAL}{row.id}")


@all_or_nothing
def update_group(*, session: Session, actor: User, ref: str, terms: Sequence[str]) -> Group:
    """Managers: new terms for a group (for a shipped one, kept as its edit; it is switched on again)."""
    group = get_group(session=session, viewer=actor, ref=ref)
    kept = check_terms(session=session, terms=terms, ref=ref)
    row = _row(session, group) or SynonymGroup(shipped_head=group.head, created_by_id=actor.id)
    row.terms, row.disabled = list(kept), False
    row.updated_by_id, row.updated_at = actor.id, utcnow()
    session.add(row)
    session.flush()
    _record(session, actor, "synonyms.group_updated", row, group.head, {"from": list(group.terms), "to": list(kept)})
    session.commit()
    return get_group(session=session, viewer=actor, ref=ref)


@all_or_nothing
def remove_group(*, session: Session, actor: User, ref: str) -> Group | None:
    """Managers: delete a local group, or switch a shipped one off (it stays listed, to restore); the switched-off
    group is returned, None for a deleted one."""
    group = get_group(session=session, viewer=actor, ref=ref)
    row = _row(session, group)
    if group.row_id is not None and row is not None:
        _record(session, actor, "synonyms.group_deleted", row, group.head, {"terms": list(group.terms)})
        session.delete(row)
        session.commit()
        return None
    row = row or SynonymGroup(shipped_head=group.head, created_by_id=actor.id)
    row.disabled, row.updated_by_id, row.updated_at = True, actor.id, utcnow()
    session.add(row)
    session.flush()
    _record(session, actor, "synonyms.group_disabled", row, group.head, {"terms": list(group.terms)})
    session.commit()
    return get_group(session=session, viewer=actor, ref=ref)


@all_or_nothing
def restore_group(*, session: Session, actor: User, ref: str) -> Group:
    """Managers: put a shipped group back as Kolo ships it, switched on (its edit is deleted); refused when one of
    its terms has since gone into another group."""
    group = get_group(session=session, viewer=actor, ref=ref)
    if group.row_id is not None:
        raise InvalidInput("Only a group of the shipped thesaurus can be restored.")
    row = _row(session, group)
    if row is None:
        return group
    if group.shipped_terms:
        check_terms(session=session, terms=group.shipped_terms, ref=ref)
    _record(session, actor, "synonyms.group_restored", row, group.head, {"terms": list(group.shipped_terms or ())})
    session.delete(row)
    session.commit()
    return get_group(session=session, viewer=actor, ref=ref) if group.shipped_terms is not None else group


def _row(session: Session, group: Group) -> SynonymGroup | None:
    """The row behind a group: a local group's own, or a shipped group's edit (None when it is as shipped)."""
    if group.row_id is not None:
        return session.get(SynonymGroup, group.row_id)
    return session.exec(select(SynonymGroup).where(SynonymGroup.shipped_head == group.head)).first()


def _record(
    session: Session, actor: User, action: str, row: SynonymGroup, head: str, detail: dict[str, object]
) -> None:
    audit.record(
        session=session,
        action=action,
        actor=actor,
        subject=head,
        target_type="synonym_group",
        target_id=row.id,
        detail=detail,
    )
