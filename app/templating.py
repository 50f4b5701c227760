"""Jinja2 templates with Kolo's translations, formats and per-request values."""

import secrets
import threading
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from pydantic import BaseModel

from app import i18n
from app.flash import take_flash
from app.security import csrf_token

ROOT = Path(__file__).resolve().parent.parent


def request_language(request: Request) -> str:
    """The signed-in user's language, else the visitor's chosen one, else the browser's, else Ukrainian."""
    user = getattr(request.state, "user", None)
    if user is not None and user.language:
        return str(user.language)
    chosen = request.cookies.get("kolo_lang")
    if chosen in i18n.LANGUAGES:
        return chosen
    return i18n.negotiate(request.headers.get("accept-language"))


def request_timezone(request: Request) -> str:
    """The signed-in user's time zone, else Kyiv."""
    user = getattr(request.state, "user", None)
    return user.timezone if user is not None else "Europe/Kyiv"


def request_csrf_token(request: Request) -> str:
    """The CSRF token for the current session or anonymous visitor."""
    seed = getattr(request.state, "csrf_seed", None) or request.state.anon_id
    return csrf_token(request.app.state.settings.secret, seed)


# The token of the page being rendered. Set for every page before it renders and read by `csrf_input()`, a global
# of the environment: a macro imported without context still sees it, so no form can lose its token.
_page_csrf_token: ContextVar[str | None] = ContextVar("page_csrf_token", default=None)


def csrf_input() -> Markup:
    """The hidden CSRF field every posting form carries; refuses to render a form outside a request."""
    token = _page_csrf_token.get()
    if not token:
        raise RuntimeError("a form with a CSRF field was rendered outside a request")
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token)


# The request of the page being rendered, for `url()` in a macro imported without context (it sees no `request`).
_page_request: ContextVar[Request | None] = ContextVar("page_request", default=None)

Query = Mapping[str, Any] | Iterable[tuple[str, Any]] | str | None


def _query_string(query: Query) -> str:
    """`a=1&b=x+y` from a mapping or pairs (a list value repeats its key, None leaves the key out), or a string that
    is already encoded."""
    if query is None:
        return ""
    if isinstance(query, str):
        return query.lstrip("?")
    pairs = query.items() if isinstance(query, Mapping) else query
    flat: list[tuple[str, Any]] = []
    for key, value in pairs:
        values = value if isinstance(value, list | tuple) else [value]
        flat.extend((key, item) for item in values if item is not None)
    return urlencode(flat)


def _path_of(app: Any, name: str, params: Mapping[str, Any]) -> str:
    """`app.url_path_for(name, **params)`, from a pattern found once per route name and set of parameter names (the
    app's own lookup tries every route in turn: about 0.3 ms a link, and a feed page has fifty)."""
    if not hasattr(app.state, "url_patterns"):
        app.state.url_patterns = {}
    patterns: dict[tuple[str, tuple[str, ...]], str] = app.state.url_patterns
    keys = tuple(sorted(params))
    pattern = patterns.get((name, keys))
    if pattern is None:
        markers = {key: str(_MARKER + i) for i, key in enumerate(keys)}  # digits pass every convertor: int, str, path
        pattern = str(app.url_path_for(name, **markers)).replace("{", "{{").replace("}", "}}")
        for key, marker in markers.items():
            pattern = pattern.replace(marker, "{" + key + "}")
        patterns[(name, keys)] = pattern
    return pattern.format_map({key: str(value) for key, value in params.items()})


_MARKER = 7_770_000_000_000  # no route's path holds this number: it stands in for a parameter while a pattern is found


@pass_context
def url(context: Context, name: str, /, query: Query = None, **path_params: Any) -> str:
    """The root-relative path of the route (or mount) called `name`, e.g. `url("article_page", slug=a.slug)` is
    `/kb/<slug>`, `url("article_list_page", query={"category": 3})` is `/kb?category=3`, `url("static",
    path="kolo.css")` is `/static/kolo.css`. Templates build every internal link with it, never by hand: a renamed
    path follows, and a link to a route that does not exist fails the render (NoMatchFound) instead of a 404 later."""
    request = context.get("request") or _page_request.get()
    if request is None:
        raise RuntimeError(f"url({name!r}) was called outside a request")
    root = str(request.scope.get("root_path", "")).rstrip("/")  # url_path_for leaves it out; request.url_for adds it
    path = root + _path_of(request.scope["app"], name, path_params)
    qs = _query_string(query)
    return f"{path}?{qs}" if qs else path


def _page_context(request: Request) -> dict[str, Any]:
    _page_csrf_token.set(request_csrf_token(request))
    _page_request.set(request)
    return {
        "current_user": getattr(request.state, "user", None),
        "language": request_language(request),
        "csp_nonce": getattr(request.state, "csp_nonce", ""),
        "languages": i18n.LANGUAGE_NAMES,
    }


templates = Jinja2Templates(directory=str(ROOT / "templates"), context_processors=[_page_context])
templates.env.autoescape = True


@pass_context
def _gettext(context: Context, message: str, **params: Any) -> str:
    return i18n.gettext(context["language"], message, **params)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int, **params: Any) -> str:
    return i18n.ngettext(context["language"], singular, plural, n, **params)


@pass_context
def _flash_message(context: Context) -> str:
    """The message the page shows in its `#flash` region ("" for none), in the reader's language."""
    taken = take_flash(context["request"])
    return i18n.gettext(context["language"], taken[0], **taken[1]) if taken else ""


@pass_context
def _datetime(context: Context, value: Any) -> str:
    return i18n.format_datetime(value, context["language"], request_timezone(context["request"]))


@pass_context
def _date(context: Context, value: Any) -> str:
    return i18n.format_date(value, context["language"], request_timezone(context["request"]))


@pass_context
def _number(context: Context, value: float) -> str:
    return i18n.format_number(value, context["language"])


def device_label(user_agent: str) -> str:
    """ "Chrome · Android" from a User-Agent header, enough to recognise one's own devices."""
    browsers = (
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    )
    systems = (
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    )
    browser = next((name for marker, name in browsers if marker in user_agent), "")
    system = next((name for marker, name in systems if marker in user_agent), "")
    return " · ".join(part for part in (browser, system) if part) or (user_agent[:40] or "—")


# Rendered cards (a post in the feed), keyed by everything they show: the template, the reader's language and time
# zone, and the values given, the reader's own (reactions, rights, read or not) among them. A changed post is a new
# key, so nothing is ever stale; the reader's CSRF token is put in after, in place of a marker.
CARD_CACHE_SIZE = 4096
_card_marker = secrets.token_hex(16)
_cards: dict[tuple[Any, ...], str] = {}
_cards_lock = threading.Lock()


def _key_part(value: Any) -> str:
    return value.model_dump_json() if isinstance(value, BaseModel) else repr(value)


@pass_context
def card(context: Context, name: str, **values: Any) -> Markup:
    """The template `name` rendered with `values` (and the page's request and language), from the cache when the same
    card was rendered before for the same language and time zone."""
    request = context["request"]
    parts = tuple((key, _key_part(value)) for key, value in sorted(values.items()))
    key = (name, context["language"], request_timezone(request), request.scope.get("root_path", ""), parts)
    html = _cards.get(key)
    if html is None:
        page_token = _page_csrf_token.set(_card_marker)
        try:
            html = templates.get_template(name).render({"request": request, "language": context["language"], **values})
        finally:
            _page_csrf_token.reset(page_token)
        with _cards_lock:
            if len(_cards) >= CARD_CACHE_SIZE:
                del _cards[next(iter(_cards))]  # the oldest
            _cards[key] = html
    return Markup(html.replace(_card_marker, _page_csrf_token.get() or ""))


templates.env.globals.update(
    _=_gettext, ngettext=_ngettext, csrf_input=csrf_input, url=url, flash_message=_flash_message, card=card
)
templates.env.filters.update(datetime=_datetime, date=_date, number=_number, device=device_label)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    """Render a page (or, for htmx requests, whatever the template decides); an htmx answer also carries this
    request's flash message out of band into the page's `#flash` region."""
    response = templates.TemplateResponse(request, name, context or {}, status_code=status_code)
    shown = getattr(request.state, "flash_shown", False)
    if request.headers.get("hx-request") and getattr(request.state, "flash", None) and not shown:
        region = templates.get_template("_flash.html").render(
            {"request": request, "language": request_language(request), "out_of_band": True}
        )
        response.body = bytes(response.body) + region.encode()
        response.headers["content-length"] = str(len(response.body))
    return response
