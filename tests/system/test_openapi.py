"""The OpenAPI document behind /docs: a Bearer scheme (Swagger's "Authorize"), a typed answer for every API
operation, and schema names a client generator can use."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

PUBLIC = {("post", "/api/v1/auth/login")}  # the one operation that needs nobody signed in


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    """The app's /openapi.json."""
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, ops in spec["paths"].items()
        if path.startswith("/api/v1")
        for method, op in ops.items()
    ]


def _untyped(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """Whether a schema says nothing about its shape (a bare object, or a list or union of them)."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        return any(_untyped(spec, s) for s in schema["anyOf"] if s.get("type") != "null")
    if schema.get("type") == "array":
        return _untyped(spec, schema.get("items", {}))
    if schema.get("type") == "object" and "properties" not in schema:
        return not isinstance(schema.get("additionalProperties"), dict) or _untyped(
            spec, schema["additionalProperties"]
        )
    return not schema


class TestOpenApi:
    def test_a_bearer_scheme_is_declared_and_applied(self, spec: dict[str, Any]) -> None:
        schemes = spec["components"].get("securitySchemes", {})
        bearer = {name for name, s in schemes.items() if s["type"] == "http" and s["scheme"].lower() == "bearer"}
        assert bearer, schemes
        unsecured = [
            (method, path)
            for method, path, op in _operations(spec)
            if (method, path) not in PUBLIC
            and not bearer & {name for requirement in op.get("security", []) for name in requirement}
        ]
        assert unsecured == []

    def test_every_api_answer_has_a_typed_schema(self, spec: dict[str, Any]) -> None:
        untyped = []
        for method, path, op in _operations(spec):
            for status, response in op["responses"].items():
                if not status.startswith("2") or status == "204":
                    continue
                schemas = [c.get("schema", {}) for c in response.get("content", {}).values()] or [{}]
                if any(_untyped(spec, s) for s in schemas):
                    untyped.append((method, path, status))
        assert untyped == []

    def test_schema_names_are_readable(self, spec: dict[str, Any]) -> None:
        assert [name for name in spec["components"]["schemas"] if "__" in name] == []

    def test_every_operation_declares_kolos_error_body_for_422(self, spec: dict[str, Any]) -> None:
        declared = {
            op["responses"].get("422", {}).get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
            for _, _, op in _operations(spec)
        }
        assert declared == {"#/components/schemas/ErrorPublic"}
        assert "HTTPValidationError" not in spec["components"]["schemas"]

    @pytest.mark.parametrize(
        ("method", "path", "url", "body"),
        [
            ("post", "/api/v1/posts", "/api/v1/posts", {"department_ids": [True]}),
            ("post", "/api/v1/onboarding/rules", "/api/v1/onboarding/rules", {}),
            ("get", "/api/v1/posts", "/api/v1/posts?limit=many", None),
            ("get", "/api/v1/posts", "/api/v1/posts?cursor=junk", None),
            ("get", "/api/v1/search", "/api/v1/search?q=руки&date_from=9999-12-31", None),
            ("get", "/api/v1/posts/{post_id}", "/api/v1/posts/2147483648", None),
        ],
    )
    def test_a_refused_request_answers_what_the_schema_declares(
        self, spec: dict[str, Any], manager_client: TestClient, method: str, path: str, url: str, body: Any
    ) -> None:
        response = manager_client.request(method, url, json=body)
        assert response.status_code == 422, response.text
        declared = spec["paths"][path][method]["responses"]["422"]["content"]["application/json"]["schema"]
        errors = list(Draft202012Validator(dict(declared, components=spec["components"])).iter_errors(response.json()))
        assert errors == [], response.json()
        assert response.json()["detail"]
