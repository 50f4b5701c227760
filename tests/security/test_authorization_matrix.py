"""Issue 16's authorization matrix: every route the app serves (pages and API, every method) called as anonymous,
staff, manager and admin, on each object case its path takes (the caller's own row, a colleague's, another
department's, an unpublished one), must answer as `POLICY` says. A route missing from the table fails here by name.

One database is seeded per module; each route runs on a copy of it (see tests/security/matrix.py)."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.config import Settings
from app.deps import get_admin_user, get_manager_user
from app.main import create_app
from tests.conftest import PG_URL
from tests.security.authorization_policy import BODIES, POLICY
from tests.security.matrix import ROLES, Copies, Matrix, Route, app_routes, guarded_routes, outcome
from tests.security.matrix_world import seed

_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _settings(url: str, folder: Path) -> Settings:
    return Settings(
        database_url=url,
        data_dir=folder / "data",
        index_dir=folder / "index",
        secret_key=_SECRET,
        run_scheduler=False,
        start_indexer=False,
    )


@pytest.fixture(scope="module")
def matrix(template_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    """The app on a copy of one seeded database per route, with every role signed in."""
    folder = tmp_path_factory.mktemp("matrix")
    base = Copies(_template_url(template_database))
    seeded_url = base.make()
    seed_app = create_app(_settings(seeded_url, folder))
    with TestClient(seed_app, headers={"Accept-Language": "uk"}) as seed_client, Session(seed_app.state.engine) as db:
        world = seed(seed_client, db)
    copies = Copies(seeded_url)
    app = create_app(_settings(seeded_url, folder))
    with TestClient(app, headers={"Accept-Language": "uk"}) as client:
        login = client.get("/login")
        world.cookies["anonymous"] = dict(client.cookies)
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token is not None
        runner = Matrix(app, client, world, copies, token.group(1))
        yield runner
        runner.close()
    copies.close()
    base.drop(seeded_url)
    base.close()


def _template_url(template_database: str) -> str:
    """The migrated template as a URL (a file on SQLite, a database name on PostgreSQL)."""
    if not PG_URL:
        return f"sqlite:///{template_database}"
    return make_url(PG_URL).set(database=template_database).render_as_string(hide_password=False)


def _route(matrix: Matrix, name: str) -> Route:
    found = [route for route in app_routes(matrix.app) if route.name == name]
    assert len(found) == 1, f"{name}: {len(found)} routes have this name"
    return found[0]


def test_every_route_has_a_policy(matrix: Matrix) -> None:
    names = [route.name for route in app_routes(matrix.app)]
    assert sorted(set(names) - set(POLICY)) == [], "routes missing from the authorization POLICY table"
    assert sorted(set(POLICY) - set(names)) == [], "POLICY rows for routes that no longer exist"
    assert len(names) == len(set(names)), "two routes share a name"


@pytest.mark.parametrize("name", sorted(POLICY))
def test_route_answers_every_role_as_the_policy_says(matrix: Matrix, name: str) -> None:
    route = _route(matrix, name)
    assert sorted(POLICY[name]) == sorted(matrix.cases(route)), f"{name} takes the cases {matrix.cases(route)}"
    wrong = []
    for case, expected in POLICY[name].items():
        for role, want in zip(ROLES, expected, strict=True):
            got = outcome(matrix.call(route, role, case, BODIES.get(name)), role)
            if got != want:
                wrong.append(f"{role} on {case}: {got}, expected {want}")
    assert wrong == [], f"{route.method} {route.path}"


def test_routes_that_declare_a_guard_refuse_everyone_below_it(matrix: Matrix) -> None:
    managers = guarded_routes(matrix.app, get_manager_user)
    admins = guarded_routes(matrix.app, get_admin_user)
    found = {(r.method, r.path) for r in managers} | {(r.method, r.path) for r in admins}
    assert {("GET", "/admin"), ("GET", "/onboarding/dashboard"), ("GET", "/api/v1/patient-data/suspects")} <= found
    assert {("POST", "/api/v1/patient-data/rules"), ("DELETE", "/api/v1/patient-data/rules/{rule_id}")} <= {
        (r.method, r.path) for r in admins
    }
    below = [(route, ("staff",)) for route in managers] + [(route, ("staff", "manager")) for route in admins]
    wrong = [
        f"{route.method} {route.path}: {role} on {case} is {letters[ROLES.index(role)]}"
        for route, roles in below
        for case, letters in POLICY.get(route.name, {}).items()  # a route without a row fails above
        for role in roles
        if letters[ROLES.index(role)] not in "FN"
    ]
    assert wrong == []
