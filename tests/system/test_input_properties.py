"""Whatever lands in a list's page cursor or date filter, or in the search box, Kolo answers with a clear 4xx or the
list itself, never a 500. The routes come from app.routes, so a new list with a cursor or a date filter is covered
as soon as it exists."""

import base64
import itertools
import json
import typing
from collections.abc import Iterator
from datetime import UTC, timedelta, timezone
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from app.deps import get_admin_user
from app.models.users import User
from tests.conftest import sign_in
from tests.search.conftest import is_indexed, wait_until
from tests.system.route_ids import depends_on, fill, routes
from tests.system.route_ids import ids as ids  # the fixture: real rows for every id in a path

CURSOR_PARAMS = {"cursor", "before"}
# The /search page reads its date filters from the query string without declaring them: every list is sent all of them.
DATE_PARAMS = {"date_from", "date_to", "since", "until"}
EXTREME_DAYS = ["0001-01-01", "9999-12-31"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
CURSORS = st.one_of(
    st.text(max_size=40),
    st.binary(max_size=40).map(_b64),
    JSON_VALUES.map(lambda value: _b64(json.dumps(value).encode())),
    st.lists(JSON_VALUES, min_size=1, max_size=3).map(lambda values: _b64(json.dumps(values).encode())),
)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12, minutes=-30))])
DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.datetimes(timezones=st.none() | ZONES).map(lambda moment: moment.isoformat()),
    st.builds("{:04}-{:02}-{:02}".format, st.integers(0, 99999), st.integers(0, 13), st.integers(0, 32)),
    st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "2026-1-1", "31.03.2026", "2026-03-31T25:00"]),
    st.text(max_size=20),
)
TEXT = st.text(alphabet=st.characters(max_codepoint=0x9F) | st.sampled_from("руки \x00\x1b\u2028"), max_size=20)


def filtered_lists(app: FastAPI) -> list[tuple[str, bool, set[str]]]:
    """(path, admin only, query parameters) of every GET route that takes a page cursor or a date filter."""
    found = []
    for method, path, route in routes(app):
        names = {param.name for param in getattr(getattr(route, "dependant", None), "query_params", [])}
        if method == "GET" and names & (CURSOR_PARAMS | DATE_PARAMS):
            found.append((path, depends_on(route, get_admin_user), names))
    return found


@pytest.fixture
def signed_in(app: FastAPI, client: TestClient, manager: User, admin: User) -> Iterator[dict[bool, TestClient]]:
    """The manager's client, and the admin's for admin-only routes, that show a crash as the 500 a person would see;
    a post is in the search index (`client` runs the app's start-up, which opens the index)."""
    manager_client, admin_client = (
        sign_in(TestClient(app, headers={"Accept-Language": "uk"}, raise_server_exceptions=False), user.email)
        for user in (manager, admin)
    )
    post = manager_client.post("/api/v1/posts", json={"body": "Мийте руки тридцять секунд"})
    assert post.status_code == 201, post.text
    wait_until(lambda: is_indexed(app))
    yield {False: manager_client, True: admin_client}
    manager_client.close()
    admin_client.close()


def _send_everywhere(app: FastAPI, clients: dict[bool, TestClient], params: dict[str, str]) -> list[str]:
    """Send `params` to every filtered list; the ones that answered 5xx."""
    failed = []
    for path, admin_only, _names in filtered_lists(app):
        response = clients[admin_only].get(path, params=params)
        if response.status_code >= 500:
            failed.append(f"{path} {params!r} -> {response.status_code}")
    return failed


def test_the_filtered_lists_are_found(app: FastAPI) -> None:
    paths = {path for path, _, _ in filtered_lists(app)}
    assert {"/api/v1/posts", "/api/v1/search", "/search", "/admin/audit", "/kb", "/notifications"} <= paths


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cursor=CURSORS, day=DATES, other_day=DATES, q=TEXT)
def test_no_cursor_date_or_query_answers_500(
    app: FastAPI, signed_in: dict[bool, TestClient], cursor: str, day: str, other_day: str, q: str
) -> None:
    params = {
        "cursor": cursor,
        "before": cursor,
        "date_from": day,
        "since": day,
        "date_to": other_day,
        "until": other_day,
        "q": q or "руки",
    }
    assert _send_everywhere(app, signed_in, params) == []


def _cursor(*values: Any) -> str:
    return _b64(json.dumps(values).encode())


MALFORMED_CURSORS = [
    _b64(b'{"id": 5'),
    _b64(b"\xff\xfe not json"),
    _cursor({"id": 5}),
    _cursor("five"),
    _cursor([1]),
    _cursor(None),
    _cursor(True),
    _cursor(1.5),
    _cursor("five", "six"),
    _cursor(1, 2),
    _cursor("0001-01-01T00:00:00+05:00", 1),
    _cursor("2026-03-31T10:00:00", 1),
    _cursor(float("1e400"), "post:1"),
    "%%%",
    "\x00",
]


def test_a_malformed_cursor_is_refused_with_a_message(app: FastAPI, signed_in: dict[bool, TestClient]) -> None:
    wrong = []
    for path, admin_only, names in filtered_lists(app):
        expected = (422,) if path.startswith("/api/") else (200, 422)  # a page may show the message above the list
        for cursor in MALFORMED_CURSORS if "cursor" in names else []:
            response = signed_in[admin_only].get(path, params={"cursor": cursor, "q": "руки"})
            if response.status_code not in expected or "курсор" not in response.text:
                wrong.append(f"{path} {cursor!r} -> {response.status_code}")
    assert wrong == []


def test_every_next_cursor_opens_the_next_page(app: FastAPI, signed_in: dict[bool, TestClient]) -> None:
    manager = signed_in[False]
    for body in ("Руки миють до і після огляду", "Тримайте руки сухими"):
        assert manager.post("/api/v1/posts", json={"body": body}).status_code == 201
    for title in ("Гігієна рук", "Догляд за шкірою рук"):
        article = manager.post("/api/v1/articles", json={"title": title, "body": "Руки."}).json()
        assert manager.post(f"/api/v1/articles/{article['id']}/publish", json={"major": True}).status_code == 200
    wait_until(lambda: is_indexed(app))
    paged = set()
    for path, admin_only, names in filtered_lists(app):
        if not path.startswith("/api/") or "cursor" not in names:
            continue
        first = signed_in[admin_only].get(path, params={"limit": 1, "q": "руки"}).json()
        if first["next_cursor"]:
            second = signed_in[admin_only].get(path, params={"limit": 1, "q": "руки", "cursor": first["next_cursor"]})
            assert second.status_code == 200 and second.json()["items"] != first["items"], path
            paged.add(path)
    assert {"/api/v1/users", "/api/v1/audit", "/api/v1/posts", "/api/v1/articles", "/api/v1/search"} <= paged


class TestYearsAtTheEndsOfTheCalendar:
    def test_the_search_api_refuses_them_with_a_message(self, signed_in: dict[bool, TestClient]) -> None:
        for name, day in itertools.product(("date_from", "date_to"), EXTREME_DAYS):
            response = signed_in[False].get("/api/v1/search", params={"q": "руки", name: day})
            assert response.status_code == 422 and "2026-03-31" in response.json()["detail"], (name, day)
        assert signed_in[False].get("/api/v1/search", params={"q": "руки", "date_to": "2999-12-31"}).json()["total"]

    def test_the_search_page_shows_the_message(self, signed_in: dict[bool, TestClient]) -> None:
        for day in EXTREME_DAYS:
            response = signed_in[False].get("/search", params={"q": "руки", "date_to": day})
            assert response.status_code == 200 and "2026-03-31" in response.text, day

    def test_the_audit_page_refuses_them_with_a_message(self, signed_in: dict[bool, TestClient]) -> None:
        for name, day in itertools.product(("since", "until"), EXTREME_DAYS):
            response = signed_in[True].get("/admin/audit", params={name: day})
            assert response.status_code == 422 and "2026-03-31" in response.text, (name, day)
        assert (
            signed_in[True].get("/admin/audit", params={"since": "1900-01-01", "until": "2999-12-31"}).status_code
            == 200
        )


def test_a_nul_in_the_search_page_query_is_a_space(signed_in: dict[bool, TestClient]) -> None:
    response = signed_in[False].get("/search", params={"q": "руки\x00"})
    assert response.status_code == 200 and "Мийте" in response.text


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The request models an annotation names (`X`, `X | None`, `list[X]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models(arg)]


def _id_bodies(model: type[BaseModel]) -> Iterator[tuple[str, Any]]:
    """(field name, a JSON body with `true` in that id field) for every *_id / *_ids field, nested ones too."""
    for name, info in model.model_fields.items():
        as_list = typing.get_origin(info.annotation) is list or list in map(
            typing.get_origin, typing.get_args(info.annotation)
        )
        if name.endswith(("_id", "_ids")):
            yield name, {name: [True] if as_list else True}
        for nested in _models(info.annotation):
            for inner, body in _id_bodies(nested):
                yield inner, {name: [body] if as_list else body}


def id_fields(app: FastAPI) -> list[tuple[str, str, str, Any]]:
    """(method, path, field, body) for every id field of every API request body."""
    found = []
    for method, path, route in routes(app):
        body = getattr(getattr(route, "dependant", None), "body_params", [])
        for model in (m for param in body for m in _models(param.field_info.annotation)):
            found.extend((method, path, field, json_body) for field, json_body in _id_bodies(model))
    return [row for row in found if row[1].startswith("/api/")]


def test_true_is_not_an_id_in_any_request_body(app: FastAPI, admin_client: TestClient, ids: dict[str, Any]) -> None:
    fields = id_fields(app)
    assert {
        ("POST", "/api/v1/onboarding/rules", "department_id"),
        ("POST", "/api/v1/posts", "department_ids"),
        ("POST", "/api/v1/onboarding/templates", "article_id"),
    } <= {row[:3] for row in fields}
    wrong = []
    for method, path, field, body in fields:
        response = admin_client.request(method, fill(path, ids), json=body)
        if response.status_code != 422 or field not in response.json()["detail"]:
            wrong.append(f"{method} {path} {body} -> {response.status_code} {response.text[:200]}")
    assert wrong == []


def test_a_category_of_true_is_refused(manager_client: TestClient) -> None:
    response = manager_client.post("/api/v1/articles", json={"title": "Гігієна рук", "category": True})
    assert response.status_code == 422 and "category" in response.json()["detail"]
