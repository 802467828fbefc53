"""What the views need: the build in service and its stores, moved to a new build when one is published.

``Services`` is the one object views depend on (``Depends(services)``), so a view
names what it uses and tests can build the app on any data directory.

``ServiceHolder`` keeps the ``Services`` of the build in service.  At most once a
second (``POLICYKG_RELOAD_CHECK``) a request looks at the data directory's
``current`` link; when a new build was published, a background thread opens
it while requests go on being answered by the old one, then the holder swaps.
Each request keeps the ``Services`` it started with to its end, so it reads one
consistent graph; the old build is closed when its last request ends.  Every
open build holds a lease (``graph/builds/lease.py``) so a later build's pruning never
removes a build a server is reading.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Iterator

import pyoxigraph
from fastapi import Request

from policykg.api.settings import Settings
from policykg.graph.backends import open_reader, open_sparql_reader
from policykg.graph.backends.embedded import open_sparql
from policykg.graph.backends.reader import GraphReader, Limits
from policykg.graph.backends.sandbox.sparql_sandbox import SparqlSandbox
from policykg.graph.builds.datadir import DataDir
from policykg.graph.builds.lease import BuildLease
from policykg.graph.questions.lookups import Lookups
from policykg.graph.questions.prepare import open_lookups


class NoGraph(RuntimeError):
    """The data directory has no build in service."""


@dataclass
class Services:
    settings: Settings
    build: Path  # the build folder in service when the app started
    graph: GraphReader  # Cypher: REST lookups and /cypher
    lookups: Lookups  # the REST questions, over ``graph``
    rdf: pyoxigraph.Store  # read-only, for the server's own SPARQL (linked-data pages)
    sparql: SparqlSandbox  # researchers' SPARQL, in worker processes killed at the time limit (build or endpoint)
    lease: BuildLease | None = None
    users: int = field(default=0, compare=False)  # requests using it now (``ServiceHolder``)
    retired: bool = field(default=False, compare=False)  # replaced by a newer build: close when unused

    @property
    def limits(self) -> Limits:
        return Limits(timeout_s=self.settings.query_timeout_s, max_rows=self.settings.row_limit)

    @classmethod
    def open(cls, settings: Settings) -> Services:
        build = DataDir(settings.data_dir).current()
        if build is None:
            raise NoGraph(f"no graph in service under {settings.data_dir}: run `policykg build` "
                          "(or `policykg serve`, which builds first)")
        lease = BuildLease(build)
        graph = open_reader(settings.backend, folder=build, workers=settings.cypher_workers,
                            memory_mb=settings.cypher_memory_mb, buffer_pool_mb=settings.buffer_pool_mb,
                            threads=settings.db_threads)
        sandbox = open_sparql_reader(build, settings.sparql_endpoint, workers=settings.sparql_workers,
                                     timeout_s=settings.query_timeout_s, max_rows=settings.row_limit,
                                     memory_mb=settings.sparql_memory_mb)
        return cls(settings, build, graph, open_lookups(graph, build if settings.backend == "embedded" else None),
                   open_sparql(build), sandbox, lease)

    def close(self) -> None:
        self.sparql.close()
        self.lookups.close()
        self.graph.close()
        self.rdf = None  # type: ignore[assignment]  # the last reference: releases RocksDB's files
        if self.lease:
            self.lease.release()


log = logging.getLogger("policykg.api")


class ServiceHolder:
    """The ``Services`` of the build in service, swapped for a newer build without stopping requests."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data_dir = DataDir(settings.data_dir)
        self.current = Services.open(settings)
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._opening: threading.Thread | None = None

    @contextmanager
    def use(self) -> Iterator[Services]:
        """The services for one request, kept until it ends even if a newer build takes over meanwhile."""
        self._look_for_new_build()
        with self._lock:
            services = self.current
            services.users += 1
        try:
            yield services
        finally:
            with self._lock:
                services.users -= 1
                closing = services.retired and services.users == 0
            if closing:  # off the request's thread: a view's dependency may run on the event loop
                threading.Thread(target=services.close, name="policykg-close").start()

    def build_in_service(self) -> Path:
        """The folder of the build answering requests now (after looking for a newer one, at most once a second)."""
        self._look_for_new_build()
        return self.current.build

    def _look_for_new_build(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.settings.reload_check_s or self._opening is not None:
            return
        self._checked = now
        build = self.data_dir.current()
        if build is not None and build != self.current.build:
            self._opening = threading.Thread(target=self._switch, name="policykg-reload", daemon=True)
            self._opening.start()

    def _switch(self) -> None:
        """Open the new build (requests go on meanwhile), then swap; the old one closes when unused."""
        try:
            fresh = Services.open(self.settings)
        except Exception:  # noqa: BLE001 - a build that cannot be opened: keep serving the one we have
            log.exception("could not open the new build; still serving %s", self.current.build)
            return
        finally:
            self._opening = None
        with self._lock:
            old, self.current = self.current, fresh
            old.retired = True
            closing = old.users == 0
        log.warning("now serving %s (was %s)", fresh.build.name, old.build.name)
        if closing:
            old.close()

    def close(self) -> None:
        if self._opening is not None:
            self._opening.join(timeout=60)
        self.current.close()


async def services(request: Request) -> AsyncIterator[Services]:
    """The dependency every view takes: the build in service when the request began.

    Asynchronous, so resolving it costs no hop to the thread pool (a sync dependency takes one on the way
    in and one out, and under load each hop waits its turn for the GIL); it only takes a lock, and the
    closing of a retired build happens on a thread of its own (``ServiceHolder.use``)."""
    with request.app.state.holder.use() as current:
        yield current
