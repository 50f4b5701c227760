"""People and departments: the JSON API (admins manage; everyone reads themselves and departments)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from app.deps import AdminUser, CurrentUser, SessionDep, SettingsDep, client_ip
from app.models.users import DepartmentCreate, DepartmentPublic, ProfileUpdate, User, UserCreate, UserPublic, UserUpdate
from app.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from app.services import users as users_service

api = APIRouter(prefix="/api/v1", tags=["users"])


class UserCreated(UserPublic):
    invite_url: str


def _public(session: SessionDep, user: User) -> UserPublic:
    return users_service.to_public(user, users_service.department_ids_of(session=session, user=user))


@api.get("/users/me", response_model=UserPublic)
def read_me(session: SessionDep, user: CurrentUser) -> UserPublic:
    """The caller's own account."""
    return _public(session, user)


@api.patch("/users/me", response_model=UserPublic)
def update_me(session: SessionDep, user: CurrentUser, data: ProfileUpdate) -> UserPublic:
    """Change one's own name, handle, language and time zone."""
    return _public(session, users_service.update_profile(session=session, user=user, data=data))


class MentionSuggestionPublic(BaseModel):
    handle: str
    name: str
    departments: list[str]


class MentionCheck(BaseModel):
    unknown: list[str]


@api.get("/users/mention-suggestions", response_model=list[MentionSuggestionPublic])
def read_mention_suggestions(
    session: SessionDep, user: CurrentUser, q: Annotated[str, Query(max_length=100)] = ""
) -> list[MentionSuggestionPublic]:
    """Active colleagues whose name (in Cyrillic or Latin letters) or handle starts as typed after `@`, at most 8."""
    found = users_service.suggest_mentions(session=session, viewer=user, query=q)
    return [MentionSuggestionPublic(handle=s.handle, name=s.name, departments=s.departments) for s in found]


@api.get("/users/mention-check", response_model=MentionCheck)
def check_mentions(
    session: SessionDep, _user: CurrentUser, handle: Annotated[list[str] | None, Query()] = None
) -> MentionCheck:
    """Which of the @words written in a text (`?handle=a&handle=b`, without `@`) match no active colleague."""
    return MentionCheck(unknown=users_service.unknown_handles(session=session, handles=handle or []))


@api.get("/users", response_model=Page[UserPublic])
def read_users(
    session: SessionDep, _admin: AdminUser, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> Page[UserPublic]:
    """All accounts, by id (admins)."""
    after = decode_cursor(cursor, int)
    users = users_service.list_users_by_id(
        session=session, after_id=after[0] if after else None, limit=clamp_limit(limit) + 1
    )
    more = len(users) > limit
    users = users[:limit]
    departments = users_service.department_ids_by_user(session=session, user_ids=[u.id for u in users if u.id])
    return Page(
        items=[users_service.to_public(u, departments.get(u.id or 0, [])) for u in users],
        next_cursor=encode_cursor(users[-1].id) if more and users else None,
    )


@api.post("/users", response_model=UserCreated, status_code=201)
def create_user(
    request: Request, session: SessionDep, settings: SettingsDep, admin: AdminUser, data: UserCreate
) -> UserCreated:
    """Create an account and a one-time invite link where the person sets a password (admins)."""
    user = users_service.create_user(session=session, data=data, actor=admin, ip=client_ip(request))
    token = users_service.create_invite(
        session=session, user=user, actor=admin, valid_days=settings.invite_valid_days, ip=client_ip(request)
    )
    public = _public(session, user)
    return UserCreated(**public.model_dump(), invite_url=str(request.base_url).rstrip("/") + f"/invite/{token}")


@api.get("/users/{user_id}", response_model=UserPublic)
def read_user(session: SessionDep, _admin: AdminUser, user_id: int) -> UserPublic:
    """One account (admins)."""
    return _public(session, users_service.get_user_or_raise(session=session, user_id=user_id))


@api.patch("/users/{user_id}", response_model=UserPublic)
def update_user(request: Request, session: SessionDep, admin: AdminUser, user_id: int, data: UserUpdate) -> UserPublic:
    """Change role, departments, handle, name or deactivate (admins); deactivation ends sessions, API tokens and
    invite links at once, and re-activation brings none of them back."""
    user = users_service.get_user_or_raise(session=session, user_id=user_id)
    return _public(
        session, users_service.update_user(session=session, user=user, data=data, actor=admin, ip=client_ip(request))
    )


@api.delete("/users/{user_id}", status_code=204)
def deactivate_user(request: Request, session: SessionDep, admin: AdminUser, user_id: int) -> Response:
    """Deactivate an account (nothing is deleted; admins)."""
    user = users_service.get_user_or_raise(session=session, user_id=user_id)
    users_service.update_user(
        session=session, user=user, data=UserUpdate(is_active=False), actor=admin, ip=client_ip(request)
    )
    return Response(status_code=204)


class InviteLink(BaseModel):
    invite_url: str


@api.post("/users/{user_id}/invite", response_model=InviteLink, status_code=201)
def reinvite_user(
    request: Request, session: SessionDep, settings: SettingsDep, admin: AdminUser, user_id: int
) -> InviteLink:
    """A new one-time link: an invitation, or a password reset once the person has a password; using it ends their
    sessions and API tokens. Earlier links stop working; a deactivated person gets 409 (admins)."""
    user = users_service.get_user_or_raise(session=session, user_id=user_id)
    token = users_service.create_invite(
        session=session, user=user, actor=admin, valid_days=settings.invite_valid_days, ip=client_ip(request)
    )
    return InviteLink(invite_url=str(request.base_url).rstrip("/") + f"/invite/{token}")


@api.get("/departments", response_model=Page[DepartmentPublic])
def read_departments(session: SessionDep, _user: CurrentUser) -> Page[DepartmentPublic]:
    """All departments in alphabetical order (a short list: one page)."""
    return Page(items=[users_service.department_public(d) for d in users_service.list_departments(session=session)])


@api.post("/departments", response_model=DepartmentPublic, status_code=201)
def create_department(session: SessionDep, admin: AdminUser, data: DepartmentCreate) -> DepartmentPublic:
    """Create a department (admins)."""
    return users_service.department_public(users_service.create_department(session=session, data=data, actor=admin))


@api.get("/departments/{department_id}", response_model=DepartmentPublic)
def read_department(session: SessionDep, _user: CurrentUser, department_id: int) -> DepartmentPublic:
    """One department."""
    department = users_service.get_department_or_raise(session=session, department_id=department_id)
    return users_service.department_public(department)


@api.patch("/departments/{department_id}", response_model=DepartmentPublic)
def rename_department(
    session: SessionDep, admin: AdminUser, department_id: int, data: DepartmentCreate
) -> DepartmentPublic:
    """Rename a department (admins)."""
    department = users_service.get_department_or_raise(session=session, department_id=department_id)
    return users_service.department_public(
        users_service.rename_department(session=session, department=department, data=data, actor=admin)
    )
