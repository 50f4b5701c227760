"""The knowledge base: JSON API and pages."""

from fastapi import APIRouter

from app.routers.kb import pages_articles, pages_history, pages_reports
from app.routers.kb.api import api

pages = APIRouter(include_in_schema=False)
for module in (pages_reports, pages_history, pages_articles):
    pages.include_router(module.pages)

__all__ = ["api", "pages"]
