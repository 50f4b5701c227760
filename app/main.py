"""The app factory: settings, wiring, database, routers, static files, error handlers, middleware."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from app.config import Settings, get_settings
from app.db import make_engine
from app.error_responses import ERROR_RESPONSES, install_error_handlers
from app.flash import FlashMiddleware
from app.limits import BodyLimitMiddleware, route_bodies
from app.middleware import BaseUrlMiddleware, EmptyQueryMiddleware, SecurityMiddleware
from app.routers import (
    account,
    admin,
    auth,
    calendar,
    feed,
    kb,
    notification_settings,
    notifications,
    offline,
    onboarding,
    patient_data,
    privacy,
    push,
    search,
    search_synonyms,
    sso,
    system,
    uploads,
    users,
)
from app.scheduler import Scheduler
from app.templating import ROOT, templates
from app.wiring import install

# One line per domain; each module exposes `api` and/or `pages`.
ROUTER_MODULES = [
    system,
    auth,
    sso,
    users,
    account,
    calendar,
    admin,
    privacy,
    uploads,
    feed,
    notifications,
    notification_settings,
    push,
    kb,
    onboarding,
    patient_data,
    search,
    search_synonyms,
    offline,
]

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the Kolo application for `settings` (read from the environment when omitted)."""
    settings = settings or get_settings()
    install()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    # A template edited on disk is picked up at once while developing; in production each render skips that check.
    templates.env.auto_reload = settings.environment == "development"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from app.search.runtime import SearchRuntime

        scheduler = Scheduler(app.state.engine) if settings.run_scheduler else None
        if scheduler:
            scheduler.start()
        # A missing or corrupt index is rebuilt by the indexer while search answers "degraded".
        # Its own engine: the indexer's polling stays out of the request pool (and query counts).
        app.state.search = SearchRuntime(index_dir=settings.index_dir, engine=make_engine(settings.database_url))
        app.state.search.start(start_indexer=settings.start_indexer)
        yield
        app.state.search.stop()
        if scheduler:
            scheduler.stop()
        app.state.engine.dispose()

    app = FastAPI(
        title="Kolo",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        description="The staff hub of a hospital: feed, knowledge base, onboarding, search.",
        responses=ERROR_RESPONSES,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    for module in ROUTER_MODULES:
        for name in ("api", "pages"):
            if hasattr(module, name):
                app.include_router(getattr(module, name))
    install_error_handlers(app)
    # The last added runs first: the Host is checked, then the base URL applied, then headers, then body limits.
    app.add_middleware(BodyLimitMiddleware, settings=settings, routes=route_bodies(app))
    app.add_middleware(FlashMiddleware)
    app.add_middleware(SecurityMiddleware, force_https=settings.force_https)
    app.add_middleware(EmptyQueryMiddleware)
    if settings.base_url:
        app.add_middleware(BaseUrlMiddleware, base_url=settings.base_url)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.trusted_hosts, www_redirect=False)
    return app
