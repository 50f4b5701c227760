"""Make test data through the services, so every rule applies as in production."""

from sqlmodel import Session

from app.models.users import Role, User, UserCreate
from app.services import users as users_service

PASSWORD = "Correct-Horse-42!"


def make_user(
    session: Session,
    *,
    email: str,
    name: str = "Тест Тестович",
    role: str = "staff",
    departments: list[str] | None = None,
    password: str | None = PASSWORD,
    handle: str | None = None,
) -> User:
    """An account with a password, in the named departments (created when new)."""
    ids = [users_service.ensure_department(session=session, name=d).id for d in departments or []]
    data = UserCreate(
        email=email, name=name, role=Role(role), handle=handle, department_ids=[i for i in ids if i is not None]
    )
    return users_service.create_user(session=session, data=data, actor=None, password=password)


def make_token(session: Session, user: User) -> dict[str, str]:
    """Authorization headers with a fresh personal API token of the user."""
    return {"Authorization": f"Bearer {users_service.create_token(session=session, user=user, name='test')}"}
