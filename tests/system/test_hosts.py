"""The Host header: only known hosts are answered, KOLO_BASE_URL builds absolute links, KOLO_FORCE_HTTPS secures
cookies behind a TLS proxy, and `kolo serve` passes the proxy options to uvicorn."""

from datetime import UTC, datetime
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session

from app import cli
from app.config import Settings
from app.main import create_app
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_event

BASE_URL = "https://kolo.hospital.example"


def _client(settings: Settings, scheme: str = "http", **changes: Any) -> TestClient:
    return TestClient(
        create_app(settings.model_copy(update=changes)),
        base_url=f"{scheme}://testserver",
        headers={"Accept-Language": "uk"},
    )


def test_a_foreign_host_is_refused(client: TestClient) -> None:
    response = client.get("/login", headers={"Host": "evil.example"})
    assert response.status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "testserver"])
def test_this_machine_is_served_by_default(client: TestClient, host: str) -> None:
    assert client.get("/login", headers={"Host": host}).status_code == 200


def test_the_base_url_host_is_allowed_and_others_only_when_listed(settings: Settings) -> None:
    assert "kolo.hospital.example" in settings.model_copy(update={"base_url": BASE_URL}).trusted_hosts
    assert settings.model_copy(update={"allowed_hosts": ["kolo.lan"]}).trusted_hosts == ["kolo.lan"]


def test_allowed_hosts_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOLO_ALLOWED_HOSTS", '["kolo.lan", "10.0.0.5"]')
    monkeypatch.setenv("KOLO_BASE_URL", "https://kolo.hospital.example/")
    settings = Settings()
    assert settings.base_url == BASE_URL
    assert settings.trusted_hosts == ["kolo.lan", "10.0.0.5", "kolo.hospital.example"]


def test_a_base_url_with_a_path_or_without_a_scheme_is_refused() -> None:
    for wrong in ("kolo.hospital.example", "https://kolo.hospital.example/kolo", "ftp://kolo.hospital.example"):
        with pytest.raises(ValidationError):
            Settings(base_url=wrong)


def test_an_invite_link_uses_the_base_url_not_the_host_header(settings: Settings, admin: Any) -> None:
    with _client(settings, "https", base_url=BASE_URL) as browser:  # the person's browser reaches Kolo over HTTPS
        sign_in(browser, admin.email, PASSWORD)
        created = browser.post(
            "/api/v1/users", json={"email": "new@kolo.test", "name": "Нова Людина"}, headers={"Host": "localhost:8000"}
        )
    assert created.status_code == 201, created.text
    assert created.json()["invite_url"].startswith(f"{BASE_URL}/invite/")


def test_an_event_file_links_to_the_base_url(settings: Settings, session: Session, manager: Any) -> None:
    event = make_event(
        session,
        manager,
        title="Гігієна рук",
        body="Семінар з гігієни рук",
        format="seminar",
        starts_at=datetime(2030, 1, 10, 9, 0, tzinfo=UTC),
        ends_at=datetime(2030, 1, 10, 10, 0, tzinfo=UTC),
        place="",
    )
    with _client(settings, "https", base_url=BASE_URL) as browser:
        sign_in(browser, manager.email, PASSWORD)
        ics = browser.get(f"/events/{event.id}/event.ics", headers={"Host": "127.0.0.1:8000"})
    assert f"URL:{BASE_URL}/events/{event.id}" in ics.text


def test_without_a_base_url_links_use_the_allowed_host_asked_for(admin_client: TestClient) -> None:
    created = admin_client.post(
        "/api/v1/users", json={"email": "new@kolo.test", "name": "Нова Людина"}, headers={"Host": "localhost:8000"}
    )
    assert created.json()["invite_url"].startswith("http://localhost:8000/invite/")


def test_force_https_makes_the_session_cookie_secure_and_sends_hsts(settings: Settings, staff: Any) -> None:
    with _client(settings, force_https=True) as browser:
        response = browser.post("/api/v1/auth/login", json={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "secure" in response.headers["set-cookie"].lower()
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_plain_http_without_force_https_has_no_secure_cookie(client: TestClient, staff: Any) -> None:
    response = client.post("/api/v1/auth/login", json={"email": staff.email, "password": PASSWORD})
    assert "secure" not in response.headers["set-cookie"].lower()
    assert "strict-transport-security" not in response.headers


def test_serve_passes_the_proxy_options_to_uvicorn(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.setattr(cli, "cmd_migrate", lambda args, settings: 0)
    args = cli.build_parser().parse_args(["serve", "--forwarded-allow-ips", "10.0.0.1,10.0.0.2"])
    assert cli.cmd_serve(args, settings) == 0
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.1,10.0.0.2"
