"""The departments every property draws from (see world.py)."""

import pytest
from sqlmodel import Session

from app.services import users as users_service
from tests.properties.world import DEPARTMENTS


@pytest.fixture
def departments(session: Session) -> list[int]:
    """The few departments every example draws from."""
    made = [users_service.ensure_department(session=session, name=f"Відділ {i}") for i in range(DEPARTMENTS)]
    session.commit()
    return [d.id for d in made if d.id is not None]
