"""Install Kolo on a phone and read it offline: the web app manifest, the service worker (served from the root, so
it may control every page), the page shown for a page the phone has not kept, and the list of pages it keeps.

How the worker keeps and shows pages, and forgets them at sign-out, is told at the top of static/js/sw.js."""

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel

from app import i18n
from app.deps import CurrentUser, OptionalUser, SessionDep
from app.services.kb import offline as kb_offline
from app.templating import ROOT, render, request_language

api = APIRouter(prefix="/api/v1/offline", tags=["offline"])
pages = APIRouter(include_in_schema=False)

WORKER = ROOT / "static" / "js" / "sw.js"
# Sent by the worker when it fetches a page to keep: a copy for the phone, not a person reading (no view is counted).
OFFLINE_COPY_HEADER = "x-kolo-offline-copy"
# static/kolo.css draws with Pico's jade: the browser's bars and the splash screen take the same colours.
THEME_COLOR = "#007a50"
BACKGROUND_COLOR = "#ffffff"


def is_offline_copy(request: Request) -> bool:
    """Whether the request is the worker fetching a page for the phone to keep."""
    return request.headers.get(OFFLINE_COPY_HEADER) == "1"


class OfflineArticle(BaseModel):
    title: str
    url: str


class OfflinePages(BaseModel):
    """The pages the signed-in person's phone keeps: the feed's first page and the protocols they must know."""

    user_id: int
    feed_url: str
    articles: list[OfflineArticle]


@api.get("/articles", response_model=OfflinePages)
def read_offline_articles(request: Request, session: SessionDep, user: CurrentUser) -> OfflinePages:
    """What the signed-in person's phone keeps to read without a connection (the worker names its cache by
    `user_id`)."""
    assert user.id is not None
    kept = kb_offline.list_must_know(session=session, user=user)
    return OfflinePages(
        user_id=user.id,
        feed_url=request.url_for("feed_page").path,
        articles=[OfflineArticle(title=a.title, url=request.url_for("article_page", slug=a.slug).path) for a in kept],
    )


@pages.get("/manifest.webmanifest")
def web_manifest(request: Request) -> Response:
    """The web app manifest: Kolo installs as «Коло», opens on the feed in a window of its own."""
    language = request_language(request)
    home = request.url_for("feed_page").path

    def icon(name: str, size: int, purpose: str = "any") -> dict[str, str]:
        src = request.url_for("static", path=f"icons/{name}").path
        return {"src": src, "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}

    manifest = {
        "id": home,
        "name": i18n.gettext(language, "Kolo"),
        "short_name": i18n.gettext(language, "Kolo"),
        "description": i18n.gettext(language, "Kolo — the staff hub of your hospital"),
        "lang": language,
        "dir": "ltr",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            icon("icon-192.png", 192),
            icon("icon-512.png", 512),
            icon("icon-maskable-512.png", 512, "maskable"),
        ],
    }
    return JSONResponse(manifest, media_type="application/manifest+json")


@pages.get("/sw.js")
def service_worker(request: Request) -> Response:
    """The service worker, from the root (a worker controls only the pages under its own path); `no-cache`, so the
    browser checks for a new one on every visit."""
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": request.url_for("feed_page").path}
    return FileResponse(WORKER, media_type="text/javascript; charset=utf-8", headers=headers)


@pages.get("/offline")
def offline_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """What the phone shows, without a connection, for a page it has not kept: the pages it has. The worker keeps
    this page twice: as the signed-in person sees it (their protocols) and as nobody does (for a signed-out phone)."""
    kept = kb_offline.list_must_know(session=session, user=user) if user else []
    return render(request, "offline/page.html", {"kept": kept})
