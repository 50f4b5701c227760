"""Every text field of the feed goes through a list of XSS payloads; none survives in the pages or the API."""

import pytest
from fastapi.testclient import TestClient

from tests.markup import assert_no_active_markup as _clean

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '"><script>alert(1)</script>',
    "<details open ontoggle=alert(1)>",
    "![x](javascript:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "#<script>alert(1)</script> @<img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_never_survives(payload: str, staff_client: TestClient, manager_client: TestClient) -> None:
    event = {
        "title": payload,
        "format": "seminar",
        "starts_at": "2030-01-01T10:00:00",
        "ends_at": "2030-01-01T11:00:00",
        "place": payload,
    }
    post = staff_client.post(
        "/api/v1/posts", json={"body": payload + " @head", "tags": [payload[:50]], "kind": "event", "event": event}
    )
    assert post.status_code == 201, post.text
    created = post.json()
    _clean(created["html"])
    comment = manager_client.post(
        f"{created['url'].replace('/posts', '/api/v1/posts')}/comments", json={"body": payload}
    )
    _clean(comment.json()["html"])
    for page in ("/", created["url"], created["event"]["url"], "/notifications", f"/?tag={payload[:50]}"):
        for client in (staff_client, manager_client):
            _clean(client.get(page).text)
    ics = staff_client.get(created["event"]["ics_url"])  # plain calendar data, never rendered as HTML
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.headers["content-disposition"].startswith("attachment")


def test_event_link_must_be_http(staff_client: TestClient) -> None:
    event = {
        "title": "x",
        "starts_at": "2030-01-01T10:00:00",
        "ends_at": "2030-01-01T11:00:00",
        "link": "javascript:alert(1)",
    }
    response = staff_client.post("/api/v1/posts", json={"body": "x", "kind": "event", "event": event})
    assert response.status_code == 422
