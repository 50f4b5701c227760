"""The one way Kolo tells a person that their action worked: a short message shown in place.

A route calls `flash(request, N_("Post published."))` before it answers. If it answers with a redirect, the message
travels in a signed, short-lived cookie and the next page shows it in its `#flash` region; if it renders a page, the
page shows it; if it answers an htmx request with a fragment, the fragment carries it out of band into the same region.
The message is a msgid, translated into the reader's language when it is shown."""

import base64
import hmac
import json
from typing import Any

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.security import signature

FLASH_COOKIE = "kolo_flash"
FLASH_SECONDS = 120  # a redirect that is not followed within this long shows nothing later


def flash(request: Request, message: str, **params: str | int) -> None:
    """Tell the person `message` (with `{name}` placeholders filled from `params`) with the answer to this request."""
    request.state.flash = [message, {key: str(value) for key, value in params.items()}]


def take_flash(request: Request) -> tuple[str, dict[str, str]] | None:
    """The message to show on the page being rendered: this request's own, else the one a redirect brought (which is
    then used up)."""
    own = getattr(request.state, "flash", None)
    if own is not None:
        request.state.flash_shown = True
        return own[0], own[1]
    brought = _unsigned(request.app.state.settings.secret, request.cookies.get(FLASH_COOKIE, ""))
    if brought is not None:
        request.state.flash_shown = True
    return brought


def _signature(secret: str, payload: str) -> str:
    return signature(secret, "flash", payload)[:32]


def _signed(secret: str, message: str, params: dict[str, str]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps([message, params], ensure_ascii=False).encode()).decode()
    return f"{payload}.{_signature(secret, payload)}"


def _unsigned(secret: str, value: str) -> tuple[str, dict[str, str]] | None:
    payload, _, signature = value.partition(".")
    if not payload or not hmac.compare_digest(signature, _signature(secret, payload)):
        return None
    try:
        message, params = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return None
    if not isinstance(message, str) or not isinstance(params, dict):
        return None
    return message, {str(key): str(value) for key, value in params.items()}


class FlashMiddleware:
    """Puts a redirect's message into the flash cookie, and clears the cookie once a page has shown it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                settings = scope["app"].state.settings
                flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if _secure(scope, settings) else "")
                pending = state.get("flash")
                if pending is not None and 300 <= message["status"] < 400:
                    value = _signed(settings.secret, pending[0], pending[1])
                    headers.append("Set-Cookie", f"{FLASH_COOKIE}={value}; Max-Age={FLASH_SECONDS}{flags}")
                elif state.get("flash_shown") and FLASH_COOKIE in _cookie_names(scope):
                    headers.append("Set-Cookie", f"{FLASH_COOKIE}=; Max-Age=0{flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _secure(scope: Scope, settings: Any) -> bool:
    return bool(settings.force_https) or scope.get("scheme") == "https"


def _cookie_names(scope: Scope) -> set[str]:
    names: set[str] = set()
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            names.update(part.split("=", 1)[0].strip() for part in value.decode("latin-1").split(";"))
    return names
