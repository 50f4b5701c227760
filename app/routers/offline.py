"""Read Kolo offline: the list of pages a person's device keeps, and the page shown for a page it has not kept."""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.deps import CurrentUser, OptionalUser, SessionDep
from app.services.kb import offline as kb_offline
from app.templating import render

api = APIRouter(prefix="/api/v1/offline", tags=["offline"])
pages = APIRouter(include_in_schema=False)

# Sent by the worker when it fetches a page to keep: a copy for the phone, not a person reading (no view is counted).
OFFLINE_COPY_HEADER = "x-kolo-offline-copy"


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


@pages.get("/offline")
def offline_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """What the phone shows, without a connection, for a page it has not kept: the pages it has. The worker keeps
    this page twice: as the signed-in person sees it (their protocols) and as nobody does (for a signed-out phone)."""
    kept = kb_offline.list_must_know(session=session, user=user) if user else []
    return render(request, "offline/page.html", {"kept": kept})
