"""The application ``policykg serve`` runs: the API (``api/``) and the graph page (``visual/``) on it.

It stands above both, so neither knows the other's wiring: the page's routes are
added to the API's application here.
"""

from __future__ import annotations

from fastapi import FastAPI

from policykg.api.app import create_api
from policykg.api.settings import Settings
from policykg.visual import routes as visual_routes


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API with the graph page (``/``, its assets and ``/visual/api/…``)."""
    app = create_api(settings)
    app.include_router(visual_routes.router)
    return app
