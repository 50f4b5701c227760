"""Onboarding pages and API; importing this package also subscribes onboarding to other domains' events
and registers its reminder job."""

from fastapi import APIRouter

from app.routers.onboarding import manage, person, template_pages
from app.routers.onboarding.api import api
from app.services.onboarding import hooks, reminders  # noqa: F401  (event subscribers, scheduled job)

pages = APIRouter(include_in_schema=False)
for module in (person, manage, template_pages):
    pages.include_router(module.pages)

__all__ = ["api", "pages"]
