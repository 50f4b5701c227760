"""Every route checks who may call it. The lists come from app.routes, so a new route without a rule fails here:
anonymous callers get 401 (API) or the sign-in page (pages), and staff never pass a manager's or admin's route."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from app import limits
from app.deps import get_admin_user, get_manager_user
from app.models.users import User

# Routes anyone may call: signing in, invitations, the language switch, health, API docs, static files.
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/docs"),
    ("GET", "/openapi.json"),
    ("GET", "/static"),
    ("POST", "/api/v1/auth/login"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/invite/{token}"),
    ("POST", "/invite/{token}"),
    ("POST", "/language"),
    ("POST", "/theme"),
}
# Manager-only rules that live in a service (the route depends on CurrentUser only), with a valid body.
SERVICE_CHECKED_MANAGER = {
    ("POST", "/api/v1/kb/categories"): {"name": "Хірургія"},
    ("GET", "/api/v1/reports/kb-reviews"): None,
    ("GET", "/api/v1/articles/{article_id}/acknowledgements"): None,
    ("GET", "/api/v1/articles/{article_id}/views"): None,
    ("GET", "/kb/{slug}/acknowledgements"): None,
    ("GET", "/kb/{slug}/acknowledgements.csv"): None,
    ("GET", "/kb/{slug}/views"): None,
    ("DELETE", "/api/v1/articles/{article_id}/attachments/{upload_id}"): None,
    ("POST", "/kb/{slug}/attachments/{upload_id}/delete"): None,
    ("POST", "/api/v1/articles/{article_id}/publish"): {"major": True},
    ("POST", "/api/v1/articles/{article_id}/return"): {"comment": "Додайте джерело."},
    ("GET", "/api/v1/events/{event_id}/rsvps"): None,
    ("POST", "/api/v1/onboarding/assignments/{assignment_id}/close"): {"reason": "Звільнилася"},
    ("POST", "/api/v1/onboarding/assignments/{assignment_id}/mentor"): {"mentor_id": 0},
}


def routes(app: FastAPI) -> Iterator[tuple[str, str, Any]]:
    """(method, path, route) for every route, looking inside included routers."""
    for route in app.routes:
        for effective in getattr(route, "effective_route_contexts", lambda r=route: [r])():
            if isinstance(effective, Mount):
                yield "GET", effective.path, effective
            for method in sorted(getattr(effective, "methods", None) or ()):
                if method != "HEAD":
                    yield method, effective.path, effective


def depends_on(route: Any, guard: Any) -> bool:
    """Whether the route (through any chain of dependencies) requires `guard`."""
    return hasattr(route, "dependant") and limits.depends_on(route.dependant, guard)


def _ok(response: Any) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture
def ids(manager_client: TestClient, admin_client: TestClient, staff: User, manager: User) -> dict[str, Any]:
    """Real rows of every kind a path names, made by a manager and an admin (none of them the staff member's)."""
    department_id = _ok(admin_client.get("/api/v1/departments"))["items"][0]["id"]
    post = _ok(manager_client.post("/api/v1/posts", json={"body": "Планова нарада о 9:00", "kind": "tip"}))
    comment = _ok(manager_client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "Буду."}))
    event = _ok(
        manager_client.post(
            "/api/v1/posts",
            json={
                "body": "Семінар з гігієни рук",
                "kind": "event",
                "event": {
                    "title": "Гігієна рук",
                    "starts_at": "2030-01-10T09:00:00Z",
                    "ends_at": "2030-01-10T10:00:00Z",
                },
            },
        )
    )
    article = _ok(
        manager_client.post(
            "/api/v1/articles",
            json={"title": "Гігієна рук", "body": "Тридцять секунд.", "requires_acknowledgement": True},
        )
    )
    _ok(manager_client.post(f"/api/v1/articles/{article['id']}/publish", json={"major": True}))
    revision = _ok(manager_client.get(f"/api/v1/articles/{article['id']}/revisions"))["items"][0]
    category = _ok(manager_client.post("/api/v1/kb/categories", json={"name": "Інфекційний контроль"}))
    template = _ok(
        manager_client.post(
            "/api/v1/onboarding/templates",
            json={
                "name": "Перший тиждень",
                "sections": [{"title": "День перший", "tasks": [{"title": "Отримати бейдж", "kind": "do"}]}],
            },
        )
    )
    template_task = template["sections"][0]["tasks"][0]
    newcomer = _ok(
        admin_client.post(
            "/api/v1/users",
            json={"email": "newhire@kolo.test", "name": "Мельник Юлія", "department_ids": [department_id]},
        )
    )
    assignment = _ok(
        manager_client.post(
            "/api/v1/onboarding/assignments",
            json={
                "user_id": newcomer["user"]["id"] if "user" in newcomer else newcomer["id"],
                "template_id": template["id"],
                "start_date": "2030-01-06",
                "mentor_id": manager.id,
            },
        )
    )
    rule = _ok(
        manager_client.post(
            "/api/v1/onboarding/rules", json={"department_id": department_id, "template_id": template["id"]}
        )
    )
    return {
        "department_id": department_id,
        "user_id": staff.id,
        "post_id": post["id"],
        "comment_id": comment["id"],
        "event_id": event["event"]["id"],
        "article_id": article["id"],
        "slug": article["slug"],
        "revision_id": revision["id"],
        "category_id": category["id"],
        "template_id": template["id"],
        "rule_id": rule["id"],
        "assignment_id": assignment["id"],
        "token": "no-such-invite",
        "assigned_task_id": assignment["tasks"][0]["id"],
        "template_task_id": template_task["id"],
        "section_id": template["sections"][0]["id"],
        "notification_id": 1,
        "upload_id": 1,
        "token_id": 1,
        "session_id": 1,
        "manager_id": manager.id,
    }


def fill(path: str, ids: dict[str, Any]) -> str:
    """The path with real ids; `task_id` is a template's task under /templates, else a person's task."""
    names = dict(ids, task_id=ids["template_task_id"] if "/templates/" in path else ids["assigned_task_id"])
    return re.sub(r"{(\w+)}", lambda m: str(names[m.group(1)]), path)


def call(client: TestClient, method: str, path: str, body: Any = None) -> Any:
    """Send the request the way its side expects: JSON to the API, a form to pages; never follow redirects."""
    if path.startswith("/api/"):
        return client.request(method, path, json=body if body is not None else {}, follow_redirects=False)
    return client.request(method, path, data=body or {}, follow_redirects=False)


def test_every_public_route_still_exists(app: FastAPI) -> None:
    assert PUBLIC <= {(m, p) for m, p, _ in routes(app)}


def test_anonymous_callers_are_sent_to_sign_in(app: FastAPI, client: TestClient, ids: dict[str, Any]) -> None:
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    client.headers["X-CSRF-Token"] = token  # so a page write gets its 401, not a CSRF refusal
    wrong = []
    for method, path, _route in routes(app):
        if (method, path) in PUBLIC:
            continue
        response = call(client, method, fill(path, ids))
        if path.startswith("/api/"):
            passed = response.status_code == 401
        else:
            passed = response.status_code == 303 and response.headers["location"].startswith("/login")
        if not passed:
            wrong.append(f"{method} {path} -> {response.status_code}")
    assert wrong == []


def _guarded(app: FastAPI, guard: Any) -> list[tuple[str, str]]:
    return [(m, p) for m, p, route in routes(app) if depends_on(route, guard)]


def test_the_guards_are_found(app: FastAPI) -> None:
    assert ("GET", "/admin") in _guarded(app, get_admin_user)
    assert ("GET", "/onboarding/dashboard") in _guarded(app, get_manager_user)
    managers, admins = _guarded(app, get_manager_user), _guarded(app, get_admin_user)
    for path in ("/patient-data", "/patient-data/overrides", "/patient-data/rules", "/api/v1/patient-data/suspects"):
        assert ("GET", path) in managers
    assert {("POST", "/patient-data/rules"), ("POST", "/api/v1/patient-data/rules")} <= set(admins)
    assert ("DELETE", "/api/v1/patient-data/rules/{rule_id}") in admins


def test_staff_cannot_use_manager_or_admin_routes(app: FastAPI, staff_client: TestClient, ids: dict[str, Any]) -> None:
    targets = {(m, p): None for m, p in _guarded(app, get_manager_user) + _guarded(app, get_admin_user)}
    targets.update(SERVICE_CHECKED_MANAGER)
    wrong = []
    for (method, path), body in targets.items():
        body = {k: ids["manager_id"] if k == "mentor_id" else v for k, v in body.items()} if body else None
        response = call(staff_client, method, fill(path, ids), body)
        if response.status_code not in (403, 404):
            wrong.append(f"{method} {path} -> {response.status_code}")
    assert wrong == []


def test_managers_cannot_use_admin_routes(app: FastAPI, manager_client: TestClient, ids: dict[str, Any]) -> None:
    wrong = []
    for method, path in _guarded(app, get_admin_user):
        response = call(manager_client, method, fill(path, ids))
        if response.status_code not in (403, 404):
            wrong.append(f"{method} {path} -> {response.status_code}")
    assert wrong == []
