"""The team feed: JSON API and pages."""

from fastapi import APIRouter

from app.routers.feed import actions
from app.routers.feed import pages as feed_pages
from app.routers.feed.api import api

pages = APIRouter(include_in_schema=False)
pages.include_router(feed_pages.pages)
pages.include_router(actions.pages)

__all__ = ["api", "pages"]
