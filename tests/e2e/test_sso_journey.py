"""A nurse signs in through the hospital's identity provider (a real OpenID Connect provider on its own port): the
button on Kolo's sign-in page, the provider's own form, and back in Kolo as herself, linked by her verified address."""

import httpx
import pytest

from app.config import Settings
from tests.conftest import with_sso


@pytest.fixture
def settings(settings: Settings, oidc_provider: str) -> Settings:
    return with_sso(settings, oidc_provider)


def test_a_nurse_signs_in_through_the_hospitals_provider(people, oidc_provider: str) -> None:  # type: ignore[no-untyped-def]
    claims = {"email": "nurse@kolo.local", "email_verified": True, "name": "Шевченко Марія Іванівна"}
    assert httpx.put(f"{oidc_provider}/users/m.shevchenko", json=claims).status_code == 204
    page = people.new_page()
    page.goto("/login")
    people.shot(page, "sign-in-page")
    page.get_by_role("button", name="Увійти через Лікарня ID").click()
    page.wait_for_url(f"{oidc_provider}/oauth2/authorize**")
    page.get_by_placeholder("sub").fill("m.shevchenko")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{people.url}/")
    people.shot(page, "signed-in")
    assert page.request.get("/api/v1/users/me").json()["email"] == "nurse@kolo.local"
    # the provider's page asks for its own /favicon.ico, which it does not have: its 404, not Kolo's
    people.errors[:] = [error for error in people.errors if not error.startswith(oidc_provider)]
