"""Calling every route as every role on every object case, each route on its own copy of one seeded database.

A copy is cheap (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL); the app stays up and only its
engine moves to the new copy, and only after a call that may have changed something (a write that was let through)."""

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from starlette.routing import Mount

from app import limits
from app.db import make_engine
from tests.security.matrix_world import ROLES, World

OBJECT_CASES = ("own", "other", "dept", "draft")  # the caller's, a colleague's, another department's, unpublished
_copies = count()


@dataclass(frozen=True)
class Route:
    """One method of one route."""

    name: str
    method: str
    path: str


def app_routes(app: FastAPI) -> Iterator[Route]:
    """Every method of every route the app serves (inside included routers), HEAD aside; mounts answer GET."""
    for route in app.routes:
        for effective in getattr(route, "effective_route_contexts", lambda r=route: [r])():
            methods = {"GET"} if isinstance(effective, Mount) else getattr(effective, "methods", None) or set()
            for method in sorted(methods - {"HEAD"}):
                yield Route(effective.name, method, effective.path)


def guarded_routes(app: FastAPI, guard: Callable[..., Any]) -> list[Route]:
    """The routes that declare `guard` (`get_manager_user`, `get_admin_user`) through any chain of dependencies."""
    return [
        Route(effective.name, method, effective.path)
        for route in app.routes
        for effective in getattr(route, "effective_route_contexts", lambda r=route: [r])()
        if hasattr(effective, "dependant") and limits.depends_on(effective.dependant, guard)
        for method in sorted((getattr(effective, "methods", None) or set()) - {"HEAD"})
    ]


def outcome(response: Response, role: str) -> str:
    """The letter POLICY uses (see tests/security/authorization_policy.py), else the status code. The home page sends
    an anonymous caller to plain /login; a signed-in caller lands there too after signing out, and that is let
    through."""
    code = response.status_code
    to_login = code == 303 and response.headers.get("location", "").startswith("/login")
    if code == 401 or (to_login and (role == "anonymous" or response.headers["location"].startswith("/login?next="))):
        return "L"
    if 200 <= code < 400:
        return "A"
    return {403: "F", 404: "N", 409: "C", 422: "V"}.get(code, str(code))


class Copies:
    """Copies of the seeded database: SQLite files or PostgreSQL databases made from it as a template."""

    def __init__(self, seeded_url: str) -> None:
        self.seeded = make_url(seeded_url)
        self.postgres = not seeded_url.startswith("sqlite")
        self._admin = (
            create_engine(self.seeded.set(database="postgres"), isolation_level="AUTOCOMMIT") if self.postgres else None
        )

    def make(self) -> str:
        """A new copy's URL."""
        number = next(_copies)
        if self._admin is not None:
            name = f"{self.seeded.database}_{number}"
            with self._admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.seeded.database}"'))
            return self.seeded.set(database=name).render_as_string(hide_password=False)
        path = f"{self.seeded.database}.{number}"
        shutil.copyfile(str(self.seeded.database), path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        """Remove a copy (nobody may be connected to it)."""
        if self._admin is not None:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        else:
            for suffix in ("", "-wal", "-shm"):
                shutil.rmtree(f"{make_url(url).database}{suffix}", ignore_errors=True)

    def close(self) -> None:
        """Let go of the server connection."""
        if self._admin is not None:
            self._admin.dispose()


class Matrix:
    """One running app and client; calls a route as a role on a case, moving to a fresh copy after a write."""

    def __init__(self, app: FastAPI, client: TestClient, world: World, copies: Copies, anonymous_csrf: str) -> None:
        self.app, self.client, self.world, self.copies = app, client, world, copies
        self.anonymous_csrf = anonymous_csrf
        self.url = ""
        self.dirty = True

    def fresh(self) -> None:
        """Point the app at a new copy of the seeded database, dropping the used one."""
        old, self.url = self.url, self.copies.make()
        self.app.state.engine.dispose()
        self.app.state.engine = make_engine(self.url)
        if old:
            self.copies.drop(old)
        self.dirty = False

    def close(self) -> None:
        """Drop the last copy."""
        self.app.state.engine.dispose()
        if self.url:
            self.copies.drop(self.url)

    def cases(self, route: Route) -> list[str]:
        """The object cases a route takes: those whose rows fill one of its path values; "-" when it takes none."""
        names = set(_params(route.path))
        found = [case for case in OBJECT_CASES if names & set(self._case_values("staff", case))]
        return found or ["-"]

    def _case_values(self, role: str, case: str) -> dict[str, Any]:
        if case == "own":
            return self.world.own["staff" if role == "anonymous" else role]
        return self.world.cases.get(case, {})

    def fill(self, route: Route, role: str, case: str) -> str:
        """The path with the case's rows (missing values from the shared rows, then a colleague's)."""
        values = {**self.world.cases["other"], **self.world.cases["-"], **self._case_values(role, case)}
        values["task_id"] = values["template_task_id" if "/templates/" in route.path else "assigned_task_id"]
        values["rule_id"] = values["onboarding_rule_id" if "onboarding" in route.path else "patient_rule_id"]
        return re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(values[m.group(1)]), route.path)

    def call(self, route: Route, role: str, case: str, body: Callable[[dict[str, Any]], Any] | None) -> Response:
        """Send the route's request as `role`: the API with its token, pages with its session and CSRF token."""
        if self.dirty:
            self.fresh()
        path = self.fill(route, role, case)
        content = body(self.world.ids) if body else {}
        self.client.cookies.clear()
        headers: dict[str, str] = {}
        if route.path.startswith("/api/"):
            if role != "anonymous":
                headers["Authorization"] = self.world.tokens[role]
            files = content.pop("files", None) if isinstance(content, dict) else None
            kwargs: dict[str, Any] = {"files": files, "data": content} if files else {"json": content}
        else:
            self.client.cookies.update(self.world.cookies.get(role, self.world.cookies.get("anonymous", {})))
            csrf = self.anonymous_csrf if role == "anonymous" else self.world.csrf[role]
            kwargs = {"data": {"csrf_token": csrf, **content}}
        if route.method in ("GET", "HEAD"):
            kwargs = {}
        response = self.client.request(route.method, path, headers=headers, follow_redirects=False, **kwargs)
        if route.method != "GET" and outcome(response, role) == "A":
            self.dirty = True
        return response


def _params(path: str) -> list[str]:
    task = "template_task_id" if "/templates/" in path else "assigned_task_id"
    names = re.findall(r"{(\w+)(?::\w+)?}", path)
    return [{"task_id": task, "rule_id": "onboarding_rule_id"}.get(n, n) for n in names]


__all__ = ["ROLES", "Matrix", "Route", "app_routes", "guarded_routes", "outcome"]
