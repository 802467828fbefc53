"""What the views need, opened once when the app starts: the build in service and its stores.

``Services`` is the one object views depend on (``Depends(services)``), so a view
names what it uses and tests can build the app on any data directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from fastapi import Request

from policykg.api.settings import Settings
from policykg.graph.bolt import BoltTarget
from policykg.graph.datadir import DataDir
from policykg.graph.embedded import open_sparql
from policykg.graph.lookups import Lookups
from policykg.graph.reader import GraphReader, Limits, open_reader
from policykg.graph.sparql_sandbox import SparqlSandbox


class NoGraph(RuntimeError):
    """The data directory has no build in service."""


@dataclass
class Services:
    settings: Settings
    build: Path  # the build folder in service when the app started
    graph: GraphReader  # Cypher: REST lookups and /cypher
    lookups: Lookups  # the REST questions, over ``graph``
    rdf: pyoxigraph.Store  # read-only, for the server's own SPARQL (linked-data pages)
    sparql: SparqlSandbox  # researchers' SPARQL, in worker processes killed at the time limit

    @property
    def limits(self) -> Limits:
        return Limits(timeout_s=self.settings.query_timeout_s, max_rows=self.settings.row_limit)

    @classmethod
    def open(cls, settings: Settings) -> Services:
        build = DataDir(settings.data_dir).current()
        if build is None:
            raise NoGraph(f"no graph in service under {settings.data_dir}: run `policykg build` "
                          "(or `policykg serve`, which builds first)")
        if settings.backend == "neo4j":
            graph = open_reader("neo4j", target=BoltTarget.from_env())
        else:
            graph = open_reader("embedded", folder=build)
        sandbox = SparqlSandbox(build, workers=settings.sparql_workers, timeout_s=settings.query_timeout_s,
                                max_rows=settings.row_limit, memory_mb=settings.sparql_memory_mb)
        return cls(settings, build, graph, Lookups(graph), open_sparql(build), sandbox)

    def close(self) -> None:
        self.sparql.close()
        self.graph.close()


def services(request: Request) -> Services:
    """The dependency every view takes."""
    return request.app.state.services
