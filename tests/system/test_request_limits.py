"""Request bodies are capped by route before they are read, and an anonymous caller's body is never read at all."""

import asyncio
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from tests.browser import live_server
from tests.factories import make_token
from tests.forms import submit

MIB = 1024 * 1024
CHUNK = 64 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def asgi_post(app: Any, path: str, headers: dict[str, str], chunks: Iterator[bytes]) -> tuple[int, str, int]:
    """POST straight to the ASGI app, the body streamed from `chunks`: (status, body text, body bytes the app took)."""
    taken = 0
    ended = False
    done = asyncio.Event()
    status = 0
    body = bytearray()

    async def receive() -> dict[str, Any]:
        nonlocal taken, ended
        chunk = None if ended else next(chunks, None)
        if chunk is None and ended:
            await done.wait()
            return {"type": "http.disconnect"}
        ended = chunk is None
        taken += len(chunk or b"")
        return {"type": "http.request", "body": chunk or b"", "more_body": not ended}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))
            if not message.get("more_body"):
                done.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *((k.lower().encode(), v.encode()) for k, v in headers.items())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    with ThreadPoolExecutor(1) as pool:  # a loop of its own: the browser tests' Playwright keeps one running here
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return status, body.decode(errors="replace"), taken


def big_body(total: int = 8 * MIB) -> Iterator[bytes]:
    """A body far over the limits of forms and JSON, in chunks."""
    for _ in range(total // CHUNK):
        yield b"x" * CHUNK


def raw_request(url: str, head: str) -> str:
    """Send only the head of a request (its announced body never comes) and return the answer's status line."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall(head.encode() + b"\r\n\r\n{")
        try:
            return conn.recv(4096).decode(errors="replace").split("\r\n")[0]
        except TimeoutError:
            return "no answer within 5 s: the server waits for the body"


class TestAnonymous:
    def test_a_huge_body_gets_its_401_at_once_from_a_real_server(self, app: Any) -> None:
        with live_server(app) as url:
            line = raw_request(
                url,
                f"POST /api/v1/posts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\nContent-Length: {150 * MIB}",
            )
        assert line.startswith("HTTP/1.1 401")

    def test_a_streamed_body_is_not_read(self, app: Any, client: TestClient) -> None:
        headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
        status, text, taken = asgi_post(app, "/api/v1/posts", headers, big_body())
        assert status == 401 and "detail" in text
        assert taken == 0

    def test_an_upload_form_sends_to_sign_in_without_being_read(self, app: Any, client: TestClient) -> None:
        headers = {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(300 * MIB)}
        status, _text, taken = asgi_post(app, "/posts", headers, big_body())
        assert status == 303 and taken == 0

    def test_a_made_up_token_or_cookie_counts_as_none(self, app: Any, client: TestClient) -> None:
        json_headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
        status, _text, taken = asgi_post(
            app, "/api/v1/posts", {**json_headers, "Authorization": "Bearer kolo_x"}, big_body()
        )
        assert status == 401 and taken == 0
        form_headers = {
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(20 * MIB),
            "Cookie": "kolo_session=made-up",
        }
        status, _text, taken = asgi_post(app, "/posts", form_headers, big_body())
        assert status == 303 and taken == 0

    def test_the_sign_in_form_is_capped_like_any_small_form(self, app: Any, client: TestClient) -> None:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(150 * MIB)}
        status, text, taken = asgi_post(app, "/login", headers, big_body())
        assert status == 413 and "2 МБ" in text and taken == 0


class TestSignedIn:
    def test_a_big_json_body_is_refused_by_its_length_before_it_is_read(
        self, app: Any, client: TestClient, session: Any, staff: Any
    ) -> None:
        headers = {
            **make_token(session, staff),
            "Content-Type": "application/json",
            "Content-Length": str(150 * MIB),
            "Accept-Language": "en",
        }
        status, text, taken = asgi_post(app, "/api/v1/posts", headers, big_body())
        assert status == 413 and taken == 0
        assert "The request is too large: at most 2 MB can be sent at once." in text

    def test_a_streamed_body_stops_being_read_at_the_limit(
        self, app: Any, client: TestClient, session: Any, staff: Any
    ) -> None:
        headers = {**make_token(session, staff), "Content-Type": "application/json", "Transfer-Encoding": "chunked"}
        status, _text, taken = asgi_post(app, "/api/v1/posts", headers, big_body())
        assert status == 413
        assert taken <= 2 * MIB + CHUNK

    def test_an_upload_over_the_limit_is_refused_with_a_message_before_it_is_read(
        self, app: Any, client: TestClient, session: Any, staff: Any
    ) -> None:
        headers = {
            **make_token(session, staff),
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(300 * MIB),
        }
        status, text, taken = asgi_post(app, "/api/v1/uploads", headers, big_body())
        assert status == 413 and taken == 0
        assert "Запит завеликий: за один раз можна надіслати щонайбільше 27 МБ." in text

    def test_an_upload_page_over_the_limit_shows_a_page(
        self, app: Any, client: TestClient, session: Any, staff: Any
    ) -> None:
        headers = {
            **make_token(session, staff),
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(300 * MIB),
        }
        status, text, taken = asgi_post(app, "/posts", headers, big_body())
        assert status == 413 and taken == 0
        assert "<html" in text and "27 МБ" in text

    def test_an_upload_bigger_than_a_form_but_within_the_upload_limit_works(self, staff_client: TestClient) -> None:
        response = staff_client.post(
            "/api/v1/uploads", files={"file": ("scan.png", PNG + b"\0" * (3 * MIB), "image/png")}
        )
        assert response.status_code == 201, response.text

    def test_an_ordinary_form_still_works(self, staff_page: TestClient) -> None:
        response = submit(staff_page, "/", "/posts", {"kind": "tip", "body": "Звичайна порада"}, follow_redirects=False)
        assert response.status_code == 303
