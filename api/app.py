"""The API: REST lookups, ``/sparql``, ``/cypher`` and the ``/id/…`` pages.

``create_api`` wires thin views (``api/routes_*.py``, ``api/sparql.py``,
``api/cypher.py``, ``api/linked_data.py``) to ``Services``, opened at start-up.
The application served (``policykg/app.py``) adds the graph page on top.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI

from policykg import __version__
from policykg.api import (answer_cache, cypher, docs_assets, limits, linked_data, problems, routes_entities,
                          query_api, routes_passages, routes_plans, routes_programmes, routes_vocab, sparql)
from policykg.api.services import ServiceHolder
from policykg.api.settings import Settings

DESCRIPTION = """A knowledge graph of Chinese civil-affairs (民政) five-year plans.
Every fact carries its evidence: the document, the section and the sentence that says it.

* **REST** (`/api/…`): plans, programmes, indicators, target groups, bodies, areas, search, neighbourhoods, paths.
* **SPARQL 1.1 Protocol** at `/sparql` and **read-only Cypher** at `/cypher` for researchers.
* **Linked data**: every entity IRI `https://w3id.org/policykg/id/…` resolves here at `/id/…`.
"""


def create_api(settings: Settings | None = None) -> FastAPI:
    """The API alone; ``policykg.app.create_app`` is what ``policykg serve`` runs."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.holder = ServiceHolder(settings)
        try:
            yield
        finally:
            app.state.holder.close()

    app = FastAPI(title="policykg", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    problems.install(app)
    answer_cache.install(app, settings.answer_cache_mb * 2**20)
    limits.install(app, settings)
    for module in (routes_plans, routes_programmes, routes_vocab, routes_entities, routes_passages, sparql, cypher,
                   query_api, linked_data, docs_assets):
        app.include_router(module.router)
    app.add_middleware(query_api.Discovery)
    return app
