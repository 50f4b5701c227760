"""Health check and API documentation."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.deps import SessionDep
from app.services import health
from app.templating import render

pages = APIRouter(include_in_schema=False)


@pages.get("/healthz")
def healthz(session: SessionDep) -> Response:
    """200 once the database answers; 503 otherwise."""
    if not health.database_ok(session=session):
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@pages.get("/docs")
def api_docs(request: Request) -> Response:
    """Swagger UI from Kolo's own static files (no CDN)."""
    response = render(request, "system/docs.html")
    nonce = request.state.csp_nonce
    # Swagger UI styles its widgets inline; this page alone allows inline styles.
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-ancestors 'none'; object-src 'none'; base-uri 'self'"
    )
    return response
