"""Fixtures: a fresh, migrated database per test (SQLite by default, PostgreSQL when
KOLO_TEST_DATABASE_URL is set), the app built on it, a client, and signed-in clients.

Property-based tests draw the same examples on every run (a CI run is red only for a change); to explore new ones,
run `make test PYTEST_ARGS="--hypothesis-profile=explore tests/search tests/system"`."""

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import oidc_provider_mock
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app import security
from app.config import Settings
from app.main import create_app
from app.migrations import upgrade
from app.wiring import install
from tests.browser import browser
from tests.factories import PASSWORD, make_user
from tests.forms import submit

PG_URL = os.environ.get("KOLO_TEST_DATABASE_URL", "")
hypothesis_settings.register_profile("kolo", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", database=None)  # new random examples
hypothesis_settings.load_profile("kolo")
_counter = itertools.count()


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session", autouse=True)
def installed() -> None:
    """Everything plugged in, as every entry point does (`app.wiring.install`)."""
    install()


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[None]:
    """Argon2id at its smallest costs while testing: tests create and sign in thousands of people, and the library's
    recommended costs (app.security, kept in production) would spend minutes of every run hashing."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for the whole run (Playwright's sync API allows one per process); every browser test
    opens a context of its own."""
    with browser() as instance:
        yield instance


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per run; every test copies this database."""
    if PG_URL:
        name = f"kolo_template_{os.getpid()}"
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        upgrade(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
        yield name
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "kolo.db"
        upgrade(f"sqlite:///{path}")
        yield str(path)


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database for this test, already at the newest schema."""
    if PG_URL:
        name = f"kolo_test_{os.getpid()}_{next(_counter)}"
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path / "kolo.db"
        shutil.copyfile(template_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test: its own database, data folder and search index."""
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        index_dir=tmp_path / "index",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        run_scheduler=False,
    )


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    """The Kolo app on this test's database."""
    return create_app(settings)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """An anonymous browser/API client (runs the app's start-up and shutdown)."""
    with TestClient(app, headers={"Accept-Language": "uk"}) as test_client:
        yield test_client


@pytest.fixture
def session(app) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    """A database session on the test's database, for arranging and checking data."""
    with Session(app.state.engine) as db:
        yield db


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    """Sign a client in through the API and give it the CSRF header, as a browser script would."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def sign_in_page(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    """Sign a client in through the login page, as a person does: a session cookie and no CSRF header, so every form
    it sends must carry the token its page rendered (post forms with `tests.forms.submit`)."""
    response = submit(client, "/login", "/login", {"email": email, "password": password})
    assert response.status_code == 200 and "/login" not in str(response.url), response.text[:300]
    return client


@pytest.fixture
def new_client(app):  # type: ignore[no-untyped-def]
    """Make more clients of the same app (several people at once)."""
    clients: list[TestClient] = []

    def make() -> TestClient:
        test_client = TestClient(app, headers={"Accept-Language": "uk"})
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.close()


@pytest.fixture
def staff(session: Session):  # type: ignore[no-untyped-def]
    """A staff member of the Therapy department."""
    return make_user(session, email="nurse@kolo.test", name="Шевченко Марія", departments=["Терапія"])


@pytest.fixture
def manager(session: Session):  # type: ignore[no-untyped-def]
    """A manager of the Therapy department."""
    return make_user(session, email="head@kolo.test", name="Бондаренко Ігор", role="manager", departments=["Терапія"])


@pytest.fixture
def admin(session: Session):  # type: ignore[no-untyped-def]
    """An administrator."""
    return make_user(session, email="admin@kolo.test", name="Коваленко Оксана", role="admin")


@pytest.fixture
def staff_client(client: TestClient, staff) -> TestClient:  # type: ignore[no-untyped-def]
    """A client signed in as the staff member."""
    return sign_in(client, staff.email)


@pytest.fixture
def manager_client(new_client, manager) -> TestClient:  # type: ignore[no-untyped-def]
    """A client signed in as the manager."""
    return sign_in(new_client(), manager.email)


@pytest.fixture
def admin_client(new_client, admin) -> TestClient:  # type: ignore[no-untyped-def]
    """A client signed in as the administrator."""
    return sign_in(new_client(), admin.email)


@pytest.fixture
def staff_page(client: TestClient, staff) -> TestClient:  # type: ignore[no-untyped-def]
    """A browser signed in as the staff member through the login page (no CSRF header)."""
    return sign_in_page(client, staff.email)


@pytest.fixture
def manager_page(new_client, manager) -> TestClient:  # type: ignore[no-untyped-def]
    """A browser signed in as the manager through the login page (no CSRF header)."""
    return sign_in_page(new_client(), manager.email)


@pytest.fixture
def admin_page(new_client, admin) -> TestClient:  # type: ignore[no-untyped-def]
    """A browser signed in as the administrator through the login page (no CSRF header)."""
    return sign_in_page(new_client(), admin.email)


@pytest.fixture
def oidc_provider() -> Iterator[str]:
    """A real OpenID Connect provider on its own port (oidc-provider-mock): PUT /users/<sub> sets a person's claims,
    and its authorization form signs in whoever's `sub` is typed."""
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def with_sso(settings: Settings, issuer: str) -> Settings:
    """The settings with single sign-on through `issuer`, which calls itself «Лікарня ID» on the button."""
    update = {"oidc_issuer": issuer, "oidc_client_id": "kolo", "oidc_client_secret": "s3", "oidc_name": "Лікарня ID"}
    return settings.model_copy(update=update)
