"""Single sign-on against a real OpenID Connect provider run in-process (oidc-provider-mock, on its own port): the
first sign-in creates or links the account, the state must come back from the same browser, a required SSO leaves
passwords to the break-glass accounts, and groups set role and departments."""

from urllib.parse import quote, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models.users import User, UserIdentity
from app.services import users as users_service
from tests.conftest import with_sso
from tests.factories import PASSWORD, make_user


@pytest.fixture
def settings(settings: Settings, oidc_provider: str) -> Settings:
    return with_sso(settings, oidc_provider)


def _at_provider(client: TestClient, provider: str, sub: str, claims: dict[str, object], next_path: str = "/"):  # type: ignore[no-untyped-def]
    """Press "Sign in with …", be the person `sub` at the provider, and come back: Kolo's last answer."""
    assert httpx.put(f"{provider}/users/{quote(sub)}", json=claims).status_code == 204
    start = client.get("/auth/oidc", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 303 and start.headers["location"].startswith(provider + "/oauth2/authorize")
    consent = httpx.post(start.headers["location"], data={"sub": sub})
    back = urlsplit(consent.headers["location"])
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def _me(client: TestClient) -> dict:
    answer = client.get("/api/v1/users/me")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_sign_in_page_offers_the_provider_and_the_first_sign_in_creates_the_account(
    client: TestClient, oidc_provider: str, session: Session
) -> None:
    page = client.get("/login")
    assert "Увійти через Лікарня ID" in page.text and 'href="/auth/oidc?next=%2F"' in page.text
    answer = _at_provider(
        client,
        oidc_provider,
        "u-1",
        {"email": "O.Kovalenko@Hospital.ua", "email_verified": True, "name": "Олена Коваленко"},
        "/kb",
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/kb"
    me = _me(client)
    assert (me["name"], me["email"], me["role"]) == ("Олена Коваленко", "o.kovalenko@hospital.ua", "staff")
    assert session.exec(select(UserIdentity.subject)).all() == ["u-1"]


def test_an_account_is_linked_once_by_its_verified_address_then_by_the_providers_subject(
    client: TestClient, oidc_provider: str, session: Session
) -> None:
    nurse = make_user(session, email="nurse@hospital.ua", name="Марія Шевчук")
    _at_provider(client, oidc_provider, "n-7", {"email": "nurse@hospital.ua", "email_verified": True})
    assert _me(client)["id"] == nurse.id
    client.cookies.clear()
    _at_provider(client, oidc_provider, "n-7", {"email": "m.shevchuk@new-domain.ua", "email_verified": True})
    assert _me(client)["id"] == nurse.id  # the address changed at the oidc_provider; the subject did not


def test_an_unverified_address_does_not_open_someone_elses_account(
    client: TestClient, oidc_provider: str, session: Session
) -> None:
    make_user(session, email="head@hospital.ua", role="admin")
    answer = _at_provider(client, oidc_provider, "intruder", {"email": "head@hospital.ua", "email_verified": False})
    assert answer.status_code == 403 and "не підтвердила цю адресу" in answer.text
    assert client.get("/api/v1/users/me").status_code == 401
    assert session.exec(select(UserIdentity)).all() == []


def test_an_address_kolo_cannot_use_is_refused_with_a_message(client: TestClient, oidc_provider: str) -> None:
    too_long = "о" * 250 + "@hospital.ua"  # over the 254 characters an address may have
    answer = _at_provider(client, oidc_provider, "odd", {"email": too_long, "email_verified": True})
    assert answer.status_code == 422 and "якою Коло не може користуватися" in answer.text
    long_name = {"email": "long@hospital.ua", "email_verified": True, "name": "Дуже довге ім'я " * 30}
    assert _at_provider(client, oidc_provider, "long", long_name).status_code == 303


def test_the_answer_must_come_back_to_the_browser_that_asked(client: TestClient, oidc_provider: str, app) -> None:  # type: ignore[no-untyped-def]
    claims = {"email": "a@hospital.ua", "email_verified": True}
    assert httpx.put(f"{oidc_provider}/users/a", json=claims).status_code == 204

    def provider_answer() -> str:  # a fresh attempt in `client`: the link the provider sends the browser back to
        start = client.get("/auth/oidc", follow_redirects=False)
        back = urlsplit(httpx.post(start.headers["location"], data={"sub": "a"}).headers["location"])
        return f"{back.path}?{back.query}"

    with TestClient(app) as other_browser:  # a link with a code sent to someone else: no cookie of this attempt
        refused = other_browser.get(provider_answer(), follow_redirects=False)
        assert refused.status_code == 422 and "в іншому браузері" in refused.text
        assert other_browser.get("/api/v1/users/me").status_code == 401
    for forged_state in ("x", "стан"):  # any text, Cyrillic too, is a clear refusal
        forged = client.get(provider_answer().replace("state=", "state=" + forged_state))
        assert forged.status_code == 422 and client.get("/api/v1/users/me").status_code == 401
    answer = provider_answer()
    client.cookies.set("kolo_oidc", "%%%.zz", path="/auth/oidc")  # a tampered cookie
    assert client.get(answer).status_code == 422


def test_a_deactivated_person_is_not_let_in(
    client: TestClient, oidc_provider: str, session: Session, admin: User
) -> None:
    gone = make_user(session, email="left@hospital.ua")
    _at_provider(client, oidc_provider, "l", {"email": "left@hospital.ua", "email_verified": True})
    client.cookies.clear()
    users_service.update_user(session=session, user=gone, data=users_service.UserUpdate(is_active=False), actor=admin)
    answer = _at_provider(client, oidc_provider, "l", {"email": "left@hospital.ua", "email_verified": True})
    assert answer.status_code == 403 and "вимкнено" in answer.text
    assert client.get("/api/v1/users/me").status_code == 401


def test_a_provider_that_refuses_the_code_is_reported_not_a_crash(
    client: TestClient,
    settings: Settings,
    app,
    oidc_provider: str,  # type: ignore[no-untyped-def]
) -> None:
    app.state.settings = settings.model_copy(update={"oidc_client_secret": ""})  # the oidc_provider wants a secret
    answer = _at_provider(client, oidc_provider, "a", {"email": "a@hospital.ua", "email_verified": True})
    assert answer.status_code == 502 and "Лікарня ID не підтвердив вхід" in answer.text
    assert client.get("/api/v1/users/me").status_code == 401


def test_cancelled_at_the_provider_and_provider_down_say_so(client: TestClient, settings: Settings, app) -> None:  # type: ignore[no-untyped-def]
    cancelled = client.get("/auth/oidc/callback", params={"error": "access_denied", "state": "s"})
    assert cancelled.status_code == 400 and "Вхід через Лікарня ID скасовано" in cancelled.text
    app.state.settings = settings.model_copy(update={"oidc_issuer": "http://127.0.0.1:9"})
    down = client.get("/auth/oidc", follow_redirects=False)
    assert down.status_code == 502 and "Лікарня ID не відповідає" in down.text and 'name="password"' in down.text


def test_when_sso_is_required_only_the_break_glass_account_uses_a_password(
    client: TestClient,
    settings: Settings,
    app,
    session: Session,  # type: ignore[no-untyped-def]
) -> None:
    make_user(session, email="nurse@hospital.ua")
    make_user(session, email="root@hospital.ua", role="admin")
    app.state.settings = settings.model_copy(update={"sso_required": True, "sso_break_glass": ["ROOT@hospital.ua"]})
    page = client.get("/login")
    assert "Вхід із паролем (для адміністраторів)" in page.text
    form = {"email": "nurse@hospital.ua", "password": PASSWORD, "next": "/"}
    refused = client.post("/login", data={**form, "csrf_token": _csrf(page.text)}, follow_redirects=False)
    assert refused.status_code == 403 and "натисніть «Увійти через …»" in refused.text
    assert 'value="nurse@hospital.ua"' in refused.text  # the form keeps what was typed
    api = client.post("/api/v1/auth/login", json={"email": "nurse@hospital.ua", "password": PASSWORD})
    assert api.status_code == 403
    admin = client.post("/api/v1/auth/login", json={"email": "root@hospital.ua", "password": PASSWORD})
    assert admin.status_code == 200


def test_groups_set_role_and_departments_at_every_sign_in(
    client: TestClient,
    settings: Settings,
    app,
    oidc_provider: str,
    session: Session,  # type: ignore[no-untyped-def]
) -> None:
    make_user(session, email="someone@hospital.ua", departments=["Хірургія", "Терапія"])
    app.state.settings = settings.model_copy(
        update={
            "oidc_groups_claim": "groups",
            "oidc_group_roles": {"kolo-managers": "manager"},
            "oidc_group_departments": {"surgery": "Хірургія", "icu": "Реанімація"},
        }
    )
    claims = {"email": "head.surgeon@hospital.ua", "email_verified": True, "name": "Іван Мельник"}
    _at_provider(client, oidc_provider, "s", {**claims, "groups": ["kolo-managers", "surgery", "unknown"]})
    me = _me(client)
    assert me["role"] == "manager" and _department_names(session, me["id"]) == ["Хірургія"]
    client.cookies.clear()
    _at_provider(client, oidc_provider, "s", {**claims, "groups": []})  # moved out of both groups at the oidc_provider
    me = _me(client)
    assert me["role"] == "staff" and _department_names(session, me["id"]) == []


def _department_names(session: Session, user_id: int) -> list[str]:
    session.expire_all()
    return users_service.department_names_by_user(session=session, user_ids=[user_id]).get(user_id, [])


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
