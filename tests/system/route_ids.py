"""Every route of the app, whether it requires a guard, and real rows for every id a path names (the fixture `ids`),
for tests that call each route (tests/system/test_input_properties.py)."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from app import limits
from app.models.users import User


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
