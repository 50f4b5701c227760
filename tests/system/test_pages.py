"""Pages in Ukrainian and English, security headers, errors, health."""

import re

from tests.conftest import sign_in
from tests.forms import submit


def test_login_page_is_ukrainian_by_default(client):
    response = client.get("/login", headers={"Accept-Language": ""})
    assert response.status_code == 200
    assert 'lang="uk"' in response.text and "Вхід до Кола" in response.text


def test_login_page_follows_the_browser_language(client):
    response = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert 'lang="en"' in response.text and "Sign in to Kolo" in response.text


def test_language_switch_before_sign_in_is_remembered(client):
    switched = submit(client, "/login", "/language", {"language": "en"}, follow_redirects=False)  # the "English" button
    assert switched.status_code == 303 and switched.headers["location"] == "/login"  # the page's own `next`
    assert "Sign in to Kolo" in client.get("/login").text


def test_users_language_wins_over_the_browser(staff_client):
    staff_client.patch(
        "/api/v1/users/me", json={"name": "Марія", "handle": "nurse", "language": "en", "timezone": "Europe/Kyiv"}
    )
    assert "My account" in staff_client.get("/account", headers={"Accept-Language": "uk"}).text


def test_security_headers_on_pages_api_and_errors(client):
    for path in ("/login", "/api/v1/users/me", "/no-such-page", "/static/kolo.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "'nonce-" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_every_inline_script_carries_the_responses_nonce(client):
    response = client.get("/docs")
    nonce = response.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    scripts = response.text.count("<script")
    assert scripts >= 1 and response.text.count(f'nonce="{nonce}"') == scripts


def test_unknown_page_is_a_localized_404_page_and_api_is_json(client, staff):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Не знайдено" in page.text
    api = sign_in(client, staff.email).get("/api/v1/users/999999")
    assert api.status_code in (403, 404) and set(api.json()) == {"error", "detail"}


def test_malformed_json_is_a_422_with_a_message(staff_client):
    response = staff_client.post("/api/v1/tokens", content=b"{nope", headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["error"] == "InvalidInput"


def test_healthz(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_openapi_documents_the_api_and_docs_need_no_cdn(client):
    assert "/api/v1/auth/login" in client.get("/openapi.json").json()["paths"]
    sources = re.findall(r'(?:src|href)="([^"]*)"', client.get("/docs").text)
    assert sources and all(source.startswith("/") for source in sources), sources
