"""Schemathesis fuzzes every operation of /openapi.json as each role, with data the document allows and with data it
forbids: no answer is a server error, and every answer (status, content type, body) is one the document declares.
(Its `negative_data_rejection` check stays off: it counts a list query parameter's "0.15" as a number, and unknown
query parameters, which the app ignores, as violations.)

Deterministic (the `kolo` Hypothesis profile derandomizes) and bounded: a fixed number of examples per operation."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.schemas import APIOperation, BaseSchema
from sqlmodel import Session

from app.models.users import User
from tests.factories import (
    make_article,
    make_category,
    make_checklist,
    make_comment,
    make_event,
    make_plan,
    make_post,
    make_token,
    make_user,
    publish_article,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6  # per operation, role and mode: 105 operations × 2 modes × 3 roles, about 3,800 requests

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _requests_only(app: FastAPI) -> ASGIApp:
    """The app without its lifespan: the test client (the `client` fixture) starts and stops it once per test, where
    schemathesis would start a second one that lives until the process ends."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            raise RuntimeError("the test client runs the lifespan")  # refused before any message: "not supported"
        await app(scope, receive, send)

    return asgi


def _seed(session: Session, staff: User, manager: User) -> None:
    """Some of everything, so generated ids (small integers) find rows: posts, a comment, an event, a published
    article and a draft, a category, a checklist and a plan."""
    post = make_post(session, staff)
    make_post(session, manager, kind="announcement", must_read=True, tags=["гігієна"])
    make_comment(session, staff, post)
    make_event(session, manager)
    publish_article(session, make_article(session, manager), manager)
    make_article(session, staff, title="Чернетка")
    make_category(session, manager)
    hire = make_user(session, email="hire@kolo.test", name="Нова Людина", departments=["Терапія"])
    make_plan(session, manager, hire=hire, checklist=make_checklist(session, manager), mentor=staff)


@pytest.fixture
def role(request: pytest.FixtureRequest) -> str:
    """Who calls the API."""
    return str(request.param)


@pytest.fixture
def api(app: FastAPI, client: TestClient) -> BaseSchema:
    """The app's OpenAPI, loaded in-process; requests go straight to the app, which the test client has started."""
    return schemathesis.openapi.from_asgi("/openapi.json", _requests_only(app))


@pytest.fixture
def token(session: Session, role: str, staff: User, manager: User, admin: User) -> dict[str, str]:
    """The caller's Bearer header, with content seeded."""
    _seed(session, staff, manager)
    return make_token(session, {"admin": admin, "manager": manager, "staff": staff}[role])


def _fuzz(operation: APIOperation, mode: GenerationMode, token: dict[str, str]) -> str | None:
    """Send the operation's examples in this mode; what schemathesis found, if anything."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=token, checks=CHECKS)

    try:
        run()
    except FailureGroup as found:
        return f"{operation.label} ({mode.value}): {found}"
    return None


@pytest.mark.parametrize("role", ["admin", "manager", "staff"], indirect=True)
def test_every_operation_answers_as_documented(api: BaseSchema, token: dict[str, str]) -> None:
    operations = [result.ok() for result in api.get_all_operations()]
    found = [_fuzz(operation, mode, token) for operation in operations for mode in GenerationMode]
    failures = [f for f in found if f]
    assert not failures, "\n\n".join(failures)
