"""Fixtures shared by the knowledge-base tests."""

import pytest

from tests.factories import make_user


@pytest.fixture
def surgery_head(session):  # type: ignore[no-untyped-def]
    """A manager of Surgery only, who manages none of Therapy's people."""
    return make_user(
        session, email="surgery-head@kolo.test", name="Ґудзь Євгенія", role="manager", departments=["Хірургія"]
    )
