"""Onboarding pages and API."""

from fastapi import APIRouter

from app.routers.onboarding import checklist_pages, manage, person
from app.routers.onboarding.api import api

pages = APIRouter(include_in_schema=False)
for module in (person, manage, checklist_pages):
    pages.include_router(module.pages)

__all__ = ["api", "pages"]
