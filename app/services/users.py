"""People and departments: accounts, roles, invites, profiles and API tokens."""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import phonenumbers
from sqlalchemy import event, or_
from sqlmodel import Session, col, select
from translitua import UkrainianKMU, translit

from app import events
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import LANGUAGES, zone
from app.models.types import utcnow
from app.models.users import (
    ApiToken,
    Department,
    DepartmentCreate,
    DepartmentPublic,
    Invite,
    Language,
    ProfileUpdate,
    Role,
    User,
    UserCreate,
    UserDepartment,
    UserPublic,
    UserSession,
    UserUpdate,
)
from app.search.outbox import enqueue
from app.security import check_new_password, hash_password, new_token, token_hash
from app.services import audit
from app.services.transactions import all_or_nothing
from app.text import APOSTROPHES, name_key, nfc, printable, transliterate, uk_sort_key

HANDLE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
TOKEN_VALID_DAYS = 365  # a new API token's default lifetime
TOKEN_VALIDITY_CHOICES = (30, 90, TOKEN_VALID_DAYS)  # what the account page offers, besides "never"
MENTION_SUGGESTIONS = 8  # how many colleagues the @-list offers at once


def normalize_email(email: str) -> str:
    """E-mail addresses compare case-insensitively."""
    return email.strip().lower()


def normalize_work_phone(phone: str) -> str:
    """A work phone as typed (local Ukrainian forms too) in the one international form, +380441234567; empty stays
    empty; anything that is not a real phone number is refused."""
    typed = " ".join(phone.split())
    if not typed:
        return ""
    try:
        number = phonenumbers.parse(typed, "UA")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            "{phone} is not a phone number; write it as +380 44 123 45 67 or 044 123 45 67.", phone=typed
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def get_user_or_raise(*, session: Session, user_id: int) -> User:
    """The user with this id, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("This person does not exist.")
    return user


def find_user(*, session: Session, user_id: int) -> User | None:
    """The account with this id, or None (for showing a name; `get_user_or_raise` where it must exist)."""
    return session.get(User, user_id)


def get_user_by_email(*, session: Session, email: str) -> User | None:
    """The user with this e-mail, if any."""
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def list_users(
    *,
    session: Session,
    query: str = "",
    role: str | None = None,
    department_id: int | None = None,
    include_inactive: bool = True,
) -> list[User]:
    """People sorted by name in Ukrainian alphabetical order."""
    statement = select(User)
    if role:
        statement = statement.where(User.role == role)
    if department_id:
        statement = statement.join(UserDepartment).where(UserDepartment.department_id == department_id)
    if not include_inactive:
        statement = statement.where(User.is_active)
    users = list(session.exec(statement).all())
    needle = nfc(query).strip().lower()
    if needle:
        users = [u for u in users if needle in u.name.lower() or needle in u.email or needle in u.handle]
    return sorted(users, key=lambda u: uk_sort_key(u.name))


@dataclass(frozen=True)
class MentionSuggestion:
    """A colleague offered after `@`: what the list shows and the handle it inserts."""

    handle: str
    name: str
    departments: list[str]


def _fold(text: str) -> list[str]:
    """Words as people type them: any case, no apostrophes, ґ as г, hyphenated parts apart."""
    folded = name_key(printable(text)).replace("’", "").replace("ґ", "г")
    return [word for word in re.split(r"[\s@-]+", folded) if word]


@lru_cache(maxsize=20_000)  # transliterating every colleague per keystroke would cost ~0.1 ms a person
def _name_words(name: str) -> tuple[list[str], list[str]]:
    """A name's words to match, in Cyrillic and in Latin letters (KMU 2010), so "ткач" and "tkach" both find it."""
    words = [word for word in re.split(r"[\s@-]+", name_key(printable(name)).replace("’", "")) if word]
    latin = [translit(word, UkrainianKMU).lower() for word in words]
    latin += [word.replace("g", "h") for word in latin if "g" in word]  # ґ written as г: "гудзь", "hudz"
    return [word.replace("ґ", "г") for word in words], latin


def _mention_rank(name: str, handle: str, needles: list[str]) -> int | None:
    """0 when the first typed word starts the surname or the handle, 1 for another word of the name, None: no match."""
    cyrillic, latin = _name_words(name)
    words = cyrillic + latin
    if not all(handle.startswith(n) or any(w.startswith(n) for w in words) for n in needles):
        return None
    first = needles[0] if needles else ""
    leading = handle.startswith(first) or any(bool(ws) and ws[0].startswith(first) for ws in (cyrillic, latin))
    return 0 if leading else 1


def suggest_mentions(
    *, session: Session, viewer: User, query: str, limit: int = MENTION_SUGGESTIONS
) -> list[MentionSuggestion]:
    """Active colleagues for `@query`, the viewer left out: every typed word starts a word of the name (Cyrillic or
    its transliteration) or the handle; surname and handle matches first, then in alphabetical order. An empty
    query offers the viewer's own departments."""
    needles = _fold(query)[:4]
    rows = list(session.exec(select(User.id, User.name, User.handle).where(User.is_active, User.id != viewer.id)))
    if not needles:
        own = set(department_ids_of(session=session, user=viewer))
        departments = department_ids_by_user(session=session, user_ids=[r[0] for r in rows if r[0] is not None])
        rows = [r for r in rows if own & set(departments.get(r[0] or 0, []))]
    ranked = []
    for user_id, name, handle in rows:
        rank = _mention_rank(name, handle, needles)
        if rank is not None and user_id is not None:
            ranked.append((rank, uk_sort_key(name), user_id, name, handle))
    ranked.sort(key=lambda item: (item[0], item[1]))
    chosen = ranked[:limit]
    names = department_names_by_user(session=session, user_ids=[item[2] for item in chosen])
    return [MentionSuggestion(handle=h, name=n, departments=names.get(i, [])) for _, _, i, n, h in chosen]


def unknown_handles(*, session: Session, handles: Iterable[str]) -> list[str]:
    """Those of the @words (without `@`) that are nobody's handle among active people, in the order given."""
    wanted = list(dict.fromkeys(h.strip().lstrip("@").rstrip(".").lower() for h in handles if h.strip()))[:50]
    if not wanted:
        return []
    known = set(session.exec(select(User.handle).where(col(User.handle).in_(wanted), User.is_active)).all())
    return [h for h in wanted if h not in known]


def list_users_by_id(*, session: Session, after_id: int | None = None, limit: int) -> list[User]:
    """Every account in the order of its id, from after `after_id`, at most `limit` of them (the API's pages)."""
    statement = select(User).order_by(col(User.id)).limit(limit)
    if after_id is not None:
        statement = statement.where(col(User.id) > after_id)
    return list(session.exec(statement).all())


def department_ids_by_user(*, session: Session, user_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each user's department ids, in one query."""
    ids = list(user_ids)
    result: dict[int, list[int]] = defaultdict(list)
    if ids:
        rows = session.exec(select(UserDepartment).where(col(UserDepartment.user_id).in_(ids))).all()
        for row in rows:
            result[row.user_id].append(row.department_id)
    return result


def department_names_by_user(*, session: Session, user_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each user's department names in alphabetical order, in one query."""
    ids = list(user_ids)
    result: dict[int, list[str]] = defaultdict(list)
    if ids:
        rows = session.exec(
            select(UserDepartment.user_id, Department.name)
            .join(Department, col(Department.id) == col(UserDepartment.department_id))
            .where(col(UserDepartment.user_id).in_(ids))
        ).all()
        for user_id, name in rows:
            result[user_id].append(name)
    return {user_id: sorted(names, key=uk_sort_key) for user_id, names in result.items()}


_MEMO = "department_ids"  # session.info: each user's department ids read in this session, until its next flush


def department_ids_of(*, session: Session, user: User) -> list[int]:
    """The ids of the departments the user belongs to (read once per session: a page asks for them several times)."""
    assert user.id is not None
    memo: dict[int, list[int]] = session.info.get(_MEMO, {})
    if user.id in memo and not (session.new or session.dirty or session.deleted):  # unflushed changes: ask again
        return list(memo[user.id])
    found = department_ids_by_user(session=session, user_ids=[user.id]).get(user.id, [])  # flushes what is pending
    session.info.setdefault(_MEMO, {})[user.id] = found
    return list(found)


@event.listens_for(Session, "after_flush")
def _forget_department_ids(session: Session, _context: object) -> None:
    """A write may have changed someone's departments: read them again."""
    session.info.pop(_MEMO, None)


def to_public(user: User, department_ids: list[int]) -> UserPublic:
    """What the API shows of a user."""
    assert user.id is not None
    return UserPublic(
        id=user.id,
        email=user.email,
        name=user.name,
        handle=user.handle,
        work_phone=user.work_phone,
        role=user.role,
        is_active=user.is_active,
        language=user.language,
        timezone=user.timezone,
        department_ids=sorted(department_ids),
        url=f"/people/{user.handle}",
    )


def unique_handle(*, session: Session, wanted: str) -> str:
    """A free handle close to `wanted` (Latin letters, digits, dots, hyphens)."""
    base = re.sub(r"[^a-z0-9._-]+", "", transliterate(wanted).lower()).strip("._-")[:32] or "user"
    if len(base) < 2:
        base = f"{base}user"
    candidate, n = base, 1
    while session.exec(select(User.id).where(User.handle == candidate)).first() is not None:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def default_handle(name: str) -> str:
    """The handle a new person gets unless one is given: `surname.givenname` in the KMU 2010 transliteration.

    Names in Kolo are written as in Ukrainian documents, surname first, so the first two words are the surname and
    the given name; the patronymic is left out, a double name keeps its hyphen and apostrophes are dropped:
    "Шевченко Марія Іванівна" → `shevchenko.mariia`, "Ґудзь Євгенія" → `gudz.yevheniia`. An empty result ("" for a
    name with no letters) leaves the choice to the caller; `unique_handle` adds a number when the handle is taken."""
    words = nfc(name).translate({ord(c): None for c in APOSTROPHES}).split()[:2]
    latin = [re.sub(r"[^a-z0-9-]+", "", translit(word, UkrainianKMU).lower()).strip("-") for word in words]
    return ".".join(word for word in latin if word)[:32].strip(".-")


def _check_handle_free(*, session: Session, handle: str, user_id: int | None) -> str:
    handle = handle.strip().lstrip("@").lower()
    if not HANDLE_PATTERN.match(handle):
        raise InvalidInput("A handle has 2–40 Latin letters, digits, dots, hyphens or underscores.")
    taken = session.exec(select(User.id).where(User.handle == handle)).first()
    if taken is not None and taken != user_id:
        raise Conflict("The handle @{handle} is already taken.", handle=handle)
    return handle


def _set_departments(*, session: Session, user: User, department_ids: list[int]) -> None:
    assert user.id is not None  # stored (flushed) before its departments are set
    rows = session.exec(select(Department.id).where(col(Department.id).in_(department_ids))).all()
    known = {i for i in rows if i is not None}
    missing = set(department_ids) - known
    if missing:
        raise InvalidInput("Unknown department: {ids}.", ids=", ".join(map(str, sorted(missing))))
    current = session.exec(select(UserDepartment).where(UserDepartment.user_id == user.id)).all()
    before = {row.department_id for row in current}
    for row in current:
        session.delete(row)
    session.flush()
    for department_id in sorted(known):
        session.add(UserDepartment(user_id=user.id, department_id=department_id))
    session.flush()
    if known - before:
        events.emit("user.departments_changed", session=session, user=user, added_department_ids=sorted(known - before))


def create_user(
    *, session: Session, data: UserCreate, actor: User | None, password: str | None = None, ip: str = ""
) -> User:
    """Create an account (active once it has a password or an accepted invite)."""
    email = normalize_email(data.email)
    if get_user_by_email(session=session, email=email) is not None:
        raise Conflict("A person with the e-mail {email} already exists.", email=email)
    handle = (
        _check_handle_free(session=session, handle=data.handle, user_id=None)
        if data.handle
        else unique_handle(session=session, wanted=default_handle(data.name) or email.split("@")[0])
    )
    user = User(
        email=email,
        name=nfc(data.name.strip()),
        handle=handle,
        role=data.role,
        work_phone=normalize_work_phone(data.work_phone),
    )
    if password:
        user.password_hash = hash_password(check_new_password(password, name=user.name, email=email))
    session.add(user)
    session.flush()
    _set_departments(session=session, user=user, department_ids=data.department_ids)
    audit.record(
        session=session,
        action="user.created",
        actor=actor,
        subject=email,
        target_type="user",
        target_id=user.id,
        ip=ip,
        detail={"role": str(data.role), "departments": data.department_ids},
    )
    enqueue(session, f"person:{user.id}")  # found by name in search
    session.commit()
    session.refresh(user)
    return user


def set_from_directory(*, session: Session, user: User, role: Role | None, department_ids: list[int] | None) -> None:
    """The role and departments the identity provider's groups give a person as they sign in (None: not mapped)."""
    detail: dict[str, object] = {}
    if role is not None and role != user.role:
        detail["role"] = [str(user.role), str(role)]
        user.role = role
    if department_ids is not None and set(department_ids) != set(department_ids_of(session=session, user=user)):
        _set_departments(session=session, user=user, department_ids=department_ids)
        detail["departments"] = department_ids
    if detail:
        audit.record(
            session=session,
            action="user.updated",
            subject=user.email,
            target_type="user",
            target_id=user.id,
            detail={**detail, "by": "identity provider"},
        )


@all_or_nothing
def update_user(*, session: Session, user: User, data: UserUpdate, actor: User, ip: str = "") -> User:
    """Change a person's name, role, handle, departments or active state (admins only)."""
    changes = data.model_dump(exclude_unset=True)
    detail: dict[str, object] = {}
    if "handle" in changes and changes["handle"] is not None:
        changes["handle"] = _check_handle_free(session=session, handle=changes["handle"], user_id=user.id)
    if changes.get("role") is not None and changes["role"] != user.role:
        if user.id == actor.id:
            raise InvalidInput("You cannot change your own role.")
        detail["role"] = [str(user.role), str(changes["role"])]
    department_ids = changes.pop("department_ids", None)
    if department_ids is not None:
        _set_departments(session=session, user=user, department_ids=department_ids)
        detail["departments"] = department_ids
    active = changes.pop("is_active", None)
    if changes.get("work_phone") is not None:
        changes["work_phone"] = normalize_work_phone(changes["work_phone"])
    for field in ("name", "role", "handle", "work_phone"):
        if changes.get(field) is not None:
            setattr(user, field, nfc(changes[field]) if field == "name" else changes[field])
    if active is not None and active != user.is_active:
        _set_active(session=session, user=user, active=active, actor=actor)
        detail["active"] = active
    audit.record(
        session=session,
        action="user.updated",
        actor=actor,
        subject=user.email,
        target_type="user",
        target_id=user.id,
        ip=ip,
        detail=detail,
    )
    session.add(user)
    enqueue(session, f"person:{user.id}")  # name, role, handle, departments or active state: what search shows
    session.commit()
    session.refresh(user)
    return user


def _set_active(*, session: Session, user: User, active: bool, actor: User) -> None:
    if not active and user.id == actor.id:
        raise InvalidInput("You cannot deactivate yourself.")
    user.is_active = active
    user.deactivated_at = None if active else utcnow()
    if not active:  # sessions, tokens and invite links end for good: re-activation brings none of them back
        revoke_credentials(session=session, user=user)
        _close_open_invites(session=session, user=user)
    events.emit("user.reactivated" if active else "user.deactivated", session=session, user=user)


def revoke_credentials(
    *, session: Session, user: User, keep_session_id: int | None = None, tokens: bool = True
) -> None:
    """End the user's sessions except `keep_session_id` and, with `tokens`, their API tokens (no commit)."""
    now = utcnow()
    for user_session in session.exec(
        select(UserSession).where(UserSession.user_id == user.id, col(UserSession.revoked_at).is_(None))
    ):
        if user_session.id != keep_session_id:
            user_session.revoked_at = now
            session.add(user_session)
    if tokens:
        for token in session.exec(
            select(ApiToken).where(ApiToken.user_id == user.id, col(ApiToken.revoked_at).is_(None))
        ):
            token.revoked_at = now
            session.add(token)


def _close_open_invites(*, session: Session, user: User) -> None:
    now = utcnow()
    for earlier in session.exec(select(Invite).where(Invite.user_id == user.id, col(Invite.used_at).is_(None))):
        earlier.used_at = now
        session.add(earlier)


def create_invite(*, session: Session, user: User, actor: User, valid_days: int, ip: str = "") -> str:
    """A one-time link token to set a password: an invitation, or a reset once the person has a password.

    Earlier links stop working; a deactivated person gets none."""
    if not user.is_active:
        raise Conflict("{name} is deactivated. Activate the account before sending a link.", name=user.name)
    _close_open_invites(session=session, user=user)
    assert user.id is not None  # read from the database
    token = new_token()
    session.add(
        Invite(
            token_hash=token_hash(token),
            user_id=user.id,
            created_by_id=actor.id,
            expires_at=utcnow() + timedelta(days=valid_days),
        )
    )
    audit.record(
        session=session,
        action="user.reset_link_created" if user.password_hash else "user.invited",
        actor=actor,
        subject=user.email,
        target_type="user",
        target_id=user.id,
        ip=ip,
    )
    session.commit()
    return token


def get_open_invite(*, session: Session, token: str) -> Invite:
    """The unused, unexpired invite of an active person for this token, or NotFound."""
    invite = session.exec(select(Invite).where(Invite.token_hash == token_hash(token))).first()
    user = session.get(User, invite.user_id) if invite is not None else None
    if invite is None or invite.used_at is not None or invite.expires_at < utcnow() or not (user and user.is_active):
        raise NotFound("This invitation link is not valid any more. Ask an administrator for a new one.")
    return invite


def accept_invite(*, session: Session, token: str, password: str, ip: str = "") -> User:
    """Set the invited person's password and use up the invite; every session and API token of theirs ends."""
    invite = get_open_invite(session=session, token=token)
    user = get_user_or_raise(session=session, user_id=invite.user_id)
    user.password_hash = hash_password(check_new_password(password, name=user.name, email=user.email))
    invite.used_at = utcnow()
    revoke_credentials(session=session, user=user)
    session.add_all([user, invite])
    audit.record(
        session=session,
        action="user.invite_accepted",
        actor=user,
        subject=user.email,
        target_type="user",
        target_id=user.id,
        ip=ip,
    )
    session.commit()
    session.refresh(user)
    return user


def update_profile(*, session: Session, user: User, data: ProfileUpdate) -> User:
    """Change one's own name, handle, language and time zone."""
    if zone(data.timezone).key != data.timezone:
        raise InvalidInput("Unknown time zone: {tz}.", tz=data.timezone)
    user.handle = _check_handle_free(session=session, handle=data.handle, user_id=user.id)
    user.name = nfc(data.name.strip())
    user.work_phone = normalize_work_phone(data.work_phone)
    user.language = data.language
    user.timezone = data.timezone
    session.add(user)
    enqueue(session, f"person:{user.id}")
    session.commit()
    session.refresh(user)
    return user


def choose_language(*, session: Session, user: User | None, language: str) -> str:
    """The interface language chosen from the switch (an unknown one means Ukrainian); kept on the user's account
    when someone is signed in (the caller keeps it in a cookie too)."""
    chosen = language if language in LANGUAGES else "uk"
    if user is not None:
        user.language = Language(chosen)
        session.add(user)
        session.commit()
    return chosen


def token_valid_days(*, choice: str) -> int | None:
    """The account page's expiry choice: one of the offered numbers of days, or "never" (None)."""
    if choice == "never":
        return None
    if choice not in {str(days) for days in TOKEN_VALIDITY_CHOICES}:
        raise InvalidInput("Choose how long the token stays valid.")
    return int(choice)


def create_token(
    *, session: Session, user: User, name: str, valid_days: int | None = TOKEN_VALID_DAYS, ip: str = ""
) -> str:
    """A new personal API token valid for `valid_days` (None: no expiry); only its hash is kept, so it is shown once."""
    token = new_token("kolo_")
    expires_at = utcnow() + timedelta(days=valid_days) if valid_days is not None else None
    assert user.id is not None  # read from the database
    row = ApiToken(
        token_hash=token_hash(token),
        prefix=token[:12],
        name=nfc(name.strip())[:100] or "API",
        user_id=user.id,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        action="token.created",
        actor=user,
        subject=user.email,
        target_type="api_token",
        target_id=row.id,
        ip=ip,
        detail={"name": row.name, "days": valid_days},
    )
    session.commit()
    return token


def list_tokens(*, session: Session, user: User) -> Sequence[ApiToken]:
    """The user's tokens that still work (not revoked, not expired), newest first."""
    return session.exec(
        select(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            col(ApiToken.revoked_at).is_(None),
            or_(col(ApiToken.expires_at).is_(None), col(ApiToken.expires_at) > utcnow()),
        )
        .order_by(col(ApiToken.id).desc())
    ).all()


def revoke_token(*, session: Session, user: User, token_id: int, ip: str = "") -> None:
    """Revoke one of the user's own tokens."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise NotFound("This token does not exist.")
    row.revoked_at = utcnow()
    session.add(row)
    audit.record(
        session=session,
        action="token.revoked",
        actor=user,
        subject=user.email,
        target_type="api_token",
        target_id=row.id,
        ip=ip,
    )
    session.commit()


def list_departments(*, session: Session) -> list[Department]:
    """Departments in Ukrainian alphabetical order."""
    return sorted(session.exec(select(Department)).all(), key=lambda d: uk_sort_key(d.name))


def get_department_or_raise(*, session: Session, department_id: int) -> Department:
    """The department with this id, or NotFound."""
    department = session.get(Department, department_id)
    if department is None:
        raise NotFound("This department does not exist.")
    return department


def ensure_department(*, session: Session, name: str) -> Department:
    """The department with this name, created if it is new (no commit)."""
    name = nfc(name.strip())
    department = session.exec(select(Department).where(Department.name == name)).first()
    if department is None:
        department = Department(name=name)
        session.add(department)
        session.flush()
    return department


def create_department(*, session: Session, data: DepartmentCreate, actor: User) -> Department:
    """Create a department with a unique name."""
    name = nfc(data.name.strip())
    if not name:
        raise InvalidInput("The name must not be empty.")
    if session.exec(select(Department).where(Department.name == name)).first() is not None:
        raise Conflict("A department named {name} already exists.", name=name)
    department = Department(name=name)
    session.add(department)
    session.flush()
    audit.record(
        session=session,
        action="department.created",
        actor=actor,
        subject=name,
        target_type="department",
        target_id=department.id,
    )
    session.commit()
    session.refresh(department)
    return department


def rename_department(*, session: Session, department: Department, data: DepartmentCreate, actor: User) -> Department:
    """Rename a department (to a name that is not empty and not another department's)."""
    if not data.name.strip():
        raise InvalidInput("The name must not be empty.")
    name = nfc(data.name.strip())
    other = session.exec(select(Department).where(Department.name == name)).first()
    if other is not None and other.id != department.id:
        raise Conflict("A department named {name} already exists.", name=name)
    audit.record(
        session=session,
        action="department.renamed",
        actor=actor,
        subject=name,
        target_type="department",
        target_id=department.id,
        detail={"from": department.name},
    )
    department.name = name
    session.add(department)
    for member_id in session.exec(select(UserDepartment.user_id).where(UserDepartment.department_id == department.id)):
        enqueue(session, f"person:{member_id}")  # their person documents name the department
    session.commit()
    session.refresh(department)
    return department


def save_department(*, session: Session, department_id: int | None, data: DepartmentCreate, actor: User) -> Department:
    """Rename the department `department_id`, or create one when it is None (or 0)."""
    if department_id:
        department = get_department_or_raise(session=session, department_id=department_id)
        return rename_department(session=session, department=department, data=data, actor=actor)
    return create_department(session=session, data=data, actor=actor)


def department_public(department: Department) -> DepartmentPublic:
    """What the API shows of a department."""
    return DepartmentPublic.model_validate(department)


def is_privileged(user: User) -> bool:
    """Admins and managers."""
    return user.role in (Role.admin, Role.manager)


def department_member_counts(*, session: Session) -> dict[int, int]:
    """How many people each department has."""
    from sqlalchemy import func

    rows = session.exec(select(UserDepartment.department_id, func.count()).group_by(col(UserDepartment.department_id)))
    return {department_id: count for department_id, count in rows.all()}
