"""Security headers with a per-request CSP nonce, the anonymous visitor's CSRF seed, empty filters dropped, and the
configured public address."""

import secrets
from http.cookies import SimpleCookie
from urllib.parse import unquote_plus, urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ANON_COOKIE = "kolo_anon"
BODY_WITHHELD = "body_withheld"  # request.state flag: an anonymous caller's body was not passed on (app.limits)


def content_security_policy(nonce: str) -> str:
    """Only Kolo's own files; inline scripts only with this response's nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def is_https(scope: Scope, force_https: bool) -> bool:
    """Whether cookies are Secure and HSTS is sent: the request came over HTTPS, or KOLO_FORCE_HTTPS says all do."""
    return force_https or scope.get("scheme") == "https"


class SecurityMiddleware:
    """Adds the security headers to every response and gives every visitor a CSRF seed."""

    def __init__(self, app: ASGIApp, force_https: bool = False) -> None:
        self.app = app
        self.force_https = force_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        anon_id = scope_cookie(scope, ANON_COOKIE)
        new_anon = None if anon_id else secrets.token_urlsafe(24)
        state = scope.setdefault("state", {})
        state["csp_nonce"] = nonce
        state["anon_id"] = anon_id or new_anon
        secure = is_https(scope, self.force_https)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:  # a page may bring a stricter or looser one
                    headers["Content-Security-Policy"] = content_security_policy(nonce)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
                if secure:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
                if new_anon:
                    flags = "; Secure" if secure else ""
                    headers.append("Set-Cookie", f"{ANON_COOKIE}={new_anon}; Path=/; HttpOnly; SameSite=Lax{flags}")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class EmptyQueryMiddleware:
    """Drops empty query parameters: a filter left at "All…" (`?status=&owner=`, as a browser sends it) means no
    filter."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if query:
            pairs = query.split(b"&")
            kept = [pair for pair in pairs if unquote_plus(pair.partition(b"=")[2].decode("latin-1")).strip()]
            if len(kept) != len(pairs):
                scope = {**scope, "query_string": b"&".join(kept)}
        await self.app(scope, receive, send)


class BaseUrlMiddleware:
    """With KOLO_BASE_URL set, every request is seen at that address (scheme and host), so absolute links (invites,
    .ics files, url_for) are built from it and never from the Host header the caller sent."""

    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self.app = app
        parts = urlsplit(base_url)
        self.scheme = parts.scheme
        self.host = parts.netloc.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [(key, value) for key, value in scope["headers"] if key != b"host"]
            scope = {**scope, "scheme": self.scheme, "headers": [*headers, (b"host", self.host)]}
        await self.app(scope, receive, send)


def scope_cookie(scope: Scope, name: str) -> str | None:
    """The value of one cookie the request carries, if any."""
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is simply ignored
                return None
            if name in jar:
                return jar[name].value
    return None
