"""Accounts, departments, sessions, API tokens and invites."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import EnumString, StrictId, created_at_field, datetime_field

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Role(StrEnum):
    admin = "admin"
    manager = "manager"
    staff = "staff"


class Language(StrEnum):
    uk = "uk"
    en = "en"


class DepartmentBase(SQLModel):
    name: str = Field(min_length=1, max_length=120)


class Department(DepartmentBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    created_at: datetime = created_at_field()


class DepartmentCreate(DepartmentBase):
    pass


class DepartmentPublic(DepartmentBase):
    id: int


class UserDepartment(SQLModel, table=True):
    __tablename__ = "user_department"

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    department_id: int = Field(foreign_key="department.id", primary_key=True, ondelete="CASCADE")


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    handle: str = Field(max_length=40, unique=True)
    work_phone: str = Field(default="", max_length=40)  # in the staff directory; never a patient-data finding
    role: Role = Field(default=Role.staff, sa_type=EnumString(Role, 16))
    password_hash: str | None = Field(default=None, max_length=200)
    is_active: bool = True
    language: Language | None = Field(default=None, sa_type=EnumString(Language, 8))
    timezone: str = Field(default="Europe/Kyiv", max_length=64)
    created_at: datetime = created_at_field()
    deactivated_at: datetime | None = datetime_field()

    @property
    def is_manager(self) -> bool:
        """Managers and admins curate content."""
        return self.role in (Role.manager, Role.admin)

    @property
    def is_admin(self) -> bool:
        """Admins manage people and settings."""
        return self.role == Role.admin


class UserCreate(SQLModel):
    email: str = Field(max_length=254, regex=EMAIL_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    role: Role = Role.staff
    handle: str | None = Field(default=None, max_length=40)
    work_phone: str = Field(default="", max_length=40)
    department_ids: list[StrictId] = []


class UserUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    handle: str | None = Field(default=None, min_length=2, max_length=40)
    work_phone: str | None = Field(default=None, max_length=40)
    department_ids: list[StrictId] | None = None
    is_active: bool | None = None


class ProfileUpdate(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    handle: str = Field(min_length=2, max_length=40)
    language: Language | None = None
    timezone: str = Field(min_length=1, max_length=64)
    work_phone: str = Field(default="", max_length=40)


class UserPublic(SQLModel):
    id: int
    email: str
    name: str
    handle: str
    work_phone: str
    role: Role
    is_active: bool
    language: Language | None
    timezone: str
    department_ids: list[int]
    url: str


class UserIdentity(SQLModel, table=True):
    """An account at the institution's identity provider (OpenID Connect) that signs in as this person."""

    __tablename__ = "user_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    issuer: str = Field(max_length=300)
    subject: str = Field(max_length=255)  # the provider's `sub`: stable, unlike a name or an e-mail address
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
    last_login_at: datetime = created_at_field()


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random id; only its hash is stored."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    revoked_at: datetime | None = datetime_field()
    user_agent: str = Field(default="", max_length=300)
    ip: str = Field(default="", max_length=64)


class ApiToken(SQLModel, table=True):
    """A personal API token; only its hash is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    name: str = Field(max_length=100)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = datetime_field()
    expires_at: datetime | None = datetime_field()  # None: never expires
    revoked_at: datetime | None = datetime_field()


class Invite(SQLModel, table=True):
    """A one-time link where a new person sets their password."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    expires_at: datetime = created_at_field()
    used_at: datetime | None = datetime_field()


class LoginThrottle(SQLModel, table=True):
    """Password attempts in one minute for one bucket (an account, an address or both), counted atomically."""

    __tablename__ = "login_throttle"

    kind: str = Field(max_length=16, primary_key=True)
    key: str = Field(max_length=400, primary_key=True)
    minute: int = Field(primary_key=True)  # minutes since the epoch, UTC
    attempts: int = 0


class CalendarFeed(SQLModel, table=True):
    """A person's private calendar feed: on while the row exists; its secret address is derived from `generation`
    (a new address raises it, and the old one stops working)."""

    __tablename__ = "calendar_feed"
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    generation: int = 1
    created_at: datetime = created_at_field()
    last_read_at: datetime | None = datetime_field()
