"""Onboarding pages and API."""

from fastapi import APIRouter

from app.routers.onboarding import manage, person, template_pages
from app.routers.onboarding.api import api

pages = APIRouter(include_in_schema=False)
for module in (person, manage, template_pages):
    pages.include_router(module.pages)

__all__ = ["api", "pages"]
