"""Swagger UI at ``/docs`` that works offline: its script, style and icon are served from this server.

FastAPI's own ``/docs`` loads Swagger UI from a CDN, so on a machine without
internet access (or behind a strict proxy) the page stays blank.  The app is
created with ``docs_url=None``; this router serves Swagger UI 5 (vendored from
npm's ``swagger-ui-dist`` in ``api/static/swagger-ui/``: 5.x reads the OpenAPI 3.1
document FastAPI writes, which 4.x could not) under ``/static/swagger/`` and a
``/docs`` page that points at them.  The online validator badge is switched off too, since it
would make the browser call validator.swagger.io.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse
from policykg.api.problems import not_found

router = APIRouter(include_in_schema=False)

ASSETS_URL = "/static/swagger"
ASSETS_DIR = Path(__file__).resolve().parent / "static" / "swagger-ui"
VERSION = "5.36.0"  # of swagger-ui-dist, as api/static/swagger-ui/README.md says
# The only files served (no directory listing, no path from the request reaches the file system).
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
CACHE = "public, max-age=86400"  # a file changes only with VERSION, which names the asset URLs (?v=)


def _root(request: Request) -> str:
    """The prefix the app is mounted under (behind a proxy), so the page's links still reach this server."""
    return str(request.scope.get("root_path", "")).rstrip("/")


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    root = _root(request)
    return get_swagger_ui_html(
        openapi_url=root + (request.app.openapi_url or "/openapi.json"),
        title=f"{request.app.title} — API",
        swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js?v={VERSION}",
        swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css?v={VERSION}",
        swagger_favicon_url=f"{root}{ASSETS_URL}/favicon-32x32.png",
        oauth2_redirect_url=f"{root}/docs/oauth2-redirect",
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/docs/oauth2-redirect", response_class=HTMLResponse)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get(ASSETS_URL + "/{name}")
def swagger_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise not_found("file", name, f"the Swagger UI files are {', '.join(sorted(ASSETS))}")
    return FileResponse(ASSETS_DIR / name, media_type=ASSETS[name], headers={"Cache-Control": CACHE})
