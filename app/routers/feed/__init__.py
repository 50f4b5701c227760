"""The team feed: JSON API and pages."""

from app.routers.feed.api import api

__all__ = ["api"]
