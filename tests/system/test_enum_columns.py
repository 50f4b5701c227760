"""Every column of a `StrEnum` field is an `EnumString`: a row read back holds the member, so pydantic serializes it
without "Expected `enum` but got `str`" warnings and `role == Role.admin` never compares a bare string."""

import types
import typing
import warnings
from enum import StrEnum

from sqlmodel import Session, SQLModel, select

from app.models.types import EnumString
from app.models.users import Language, Role, User
from app.services import users as users_service


def _enum_of(annotation: object) -> type[StrEnum] | None:
    """The `StrEnum` a field holds (`Role`, `Language | None`), or None."""
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return next((e for a in typing.get_args(annotation) if (e := _enum_of(a)) is not None), None)
    return None


def test_every_enum_field_is_stored_as_an_enum_string() -> None:
    models = [m.class_ for m in SQLModel._sa_registry.mappers]  # type: ignore[attr-defined]
    plain = [
        f"{model.__name__}.{name}"
        for model in models
        for name, info in model.model_fields.items()
        if (enum := _enum_of(info.annotation)) is not None
        and not (isinstance(column := model.__table__.c[name].type, EnumString) and column.enum is enum)
    ]
    assert plain == []


def test_a_person_read_back_serializes_without_warnings(session: Session, staff) -> None:  # type: ignore[no-untyped-def]
    users_service.choose_language(session=session, user=staff, language="en")
    session.expire_all()
    person = session.exec(select(User).where(User.id == staff.id)).one()
    assert person.role is Role.staff and person.language is Language.en
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert '"role":"staff"' in person.model_dump_json()
