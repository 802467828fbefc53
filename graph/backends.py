"""The Cypher stores the API can read, by name: the one place that lists them.

As rdflib's plugin registry maps a store's name to its class, ``READERS`` maps a
backend's name to the function that opens its reader; ``api/settings.py`` and the
command line take their choices from ``BACKENDS``.  Adding a store is a module
beside ``embedded_reader.py`` and ``bolt_reader.py`` and one entry here.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Callable

from policykg.graph.reader import GraphReader


def _embedded(folder: Path, pool_size: int = 4, workers: int | None = None,
              memory_mb: int | None = None, **_: Any) -> GraphReader:
    """LadybugDB in the build folder; researchers' statements run in a sandbox of worker processes."""
    from policykg.graph.cypher_sandbox import CypherSandbox
    from policykg.graph.embedded_reader import EmbeddedReader

    options = {k: v for k, v in (("workers", workers), ("memory_mb", memory_mb)) if v is not None}
    return EmbeddedReader(folder, pool_size=pool_size, sandbox=partial(CypherSandbox, Path(folder), **options))


def _neo4j(target: Any = None, **_: Any) -> GraphReader:
    """A Bolt server (Neo4j; FalkorDB in the tests): ``target`` a ``graph.bolt.BoltTarget``, by default
    the one ``NEO4J_URI``, ``NEO4J_USER`` and ``NEO4J_PASSWORD`` name."""
    from policykg.graph.bolt import BoltTarget
    from policykg.graph.bolt_reader import BoltReader

    return BoltReader(target or BoltTarget.from_env())


READERS: dict[str, Callable[..., GraphReader]] = {"embedded": _embedded, "neo4j": _neo4j}
BACKENDS = tuple(READERS)


def open_reader(backend: str, **options: Any) -> GraphReader:
    """A reader by name: ``embedded`` (``folder=`` a build folder, ``workers=``, ``memory_mb=`` for its
    sandbox) or ``neo4j`` (``target=`` a BoltTarget); options one backend does not use are ignored, so a
    caller passes them all."""
    opener = READERS.get(backend)
    if opener is None:
        raise ValueError(f"unknown backend {backend!r}: choose {' or '.join(repr(b) for b in BACKENDS)}")
    return opener(**options)
