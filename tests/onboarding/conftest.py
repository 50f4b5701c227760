"""Fixtures shared by the onboarding tests: the demo-like cast and a signed-in client per person."""

import pytest

from tests.conftest import sign_in, sign_in_page
from tests.onboarding.helpers import make_people


@pytest.fixture
def people(session):  # type: ignore[no-untyped-def]
    """Manager, mentor, new hire and others (see helpers.make_people)."""
    return make_people(session)


@pytest.fixture
def as_(new_client, people):  # type: ignore[no-untyped-def]
    """as_("hire") -> a client signed in as that person."""

    def client_for(name):  # type: ignore[no-untyped-def]
        return sign_in(new_client(), people[name].email)

    return client_for


@pytest.fixture
def page_as(new_client, people):  # type: ignore[no-untyped-def]
    """page_as("hire") -> a browser signed in as that person through the login page (no CSRF header)."""

    def client_for(name):  # type: ignore[no-untyped-def]
        return sign_in_page(new_client(), people[name].email)

    return client_for
