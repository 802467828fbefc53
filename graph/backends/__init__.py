"""The stores the graph is written to and read from, by name: the one place that lists them.

As rdflib's plugin registry maps a store's name to its class, ``REGISTRY`` maps a
backend's name to how it is read (``open_reader``) and how it is filled (``write``):

- Cypher (REST lookups and ``/cypher``): ``embedded`` (LadybugDB in the build folder)
  and ``neo4j`` (a Bolt server: Neo4j, FalkorDB in the tests);
- SPARQL (``/sparql``): ``oxigraph`` (Oxigraph in the build folder) and
  ``sparql-endpoint`` (any SPARQL 1.1 store the graph was pushed to).

``api/settings.py`` and the command line take their choices from ``CYPHER_BACKENDS``
and ``SPARQL_BACKENDS``.  Adding a store is a module in this folder and one entry here;
its imports are made when it is opened, so naming a store costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import Any, Callable, Literal

from policykg.graph.backends.reader import GraphReader

Language = Literal["cypher", "sparql"]


@dataclass(frozen=True)
class Backend:
    """A store: the language it answers, how a reader opens it, how the graph gets into it."""

    name: str
    language: Language
    open_reader: Callable[..., Any]  # a ``GraphReader`` (Cypher) or a ``SparqlSandbox`` (SPARQL)
    write: Callable[..., Any]  # the writer's entry point (see each for its arguments)
    filled_by: str  # the commands that fill it ("; " between them), for messages and docs
    unreachable: Callable[..., str | None] = lambda **_: None  # why it cannot be opened now, asked before serving


# -- readers ------------------------------------------------------------------------------------

def _embedded(folder: Path, pool_size: int = 4, workers: int | None = None, memory_mb: int | None = None,
              buffer_pool_mb: int | None = None, threads: int | None = None, **_: Any) -> GraphReader:
    """LadybugDB in the build folder, its buffer pool and threads bounded; researchers' statements run in a
    sandbox of worker processes (each pool as large as a worker's memory bound, the same threads)."""
    from policykg.graph.backends.embedded_reader import EmbeddedReader
    from policykg.graph.backends.sandbox.cypher_sandbox import CypherSandbox

    sizes = {k: v for k, v in (("buffer_pool_mb", buffer_pool_mb), ("threads", threads)) if v is not None}
    options = {k: v for k, v in (("workers", workers), ("memory_mb", memory_mb), ("threads", threads))
               if v is not None}
    return EmbeddedReader(folder, pool_size=pool_size, sandbox=partial(CypherSandbox, Path(folder), **options),
                          **sizes)


def _neo4j(target: Any = None, **_: Any) -> GraphReader:
    """A Bolt server (Neo4j; FalkorDB in the tests): ``target`` a ``BoltTarget``, by default the one
    ``NEO4J_URI``, ``NEO4J_USER`` and ``NEO4J_PASSWORD`` name."""
    from policykg.graph.backends.bolt import BoltTarget
    from policykg.graph.backends.bolt_reader import BoltReader

    return BoltReader(target or BoltTarget.from_env())


def _oxigraph(folder: Path, **options: Any) -> Any:
    """Oxigraph in the build folder, read by a sandbox of worker processes (``SparqlSandbox`` options)."""
    from policykg.graph.backends.sandbox.sparql_sandbox import SparqlSandbox

    return SparqlSandbox(Path(folder), **_sandbox_options(options))


def _sparql_endpoint(endpoint: str, **options: Any) -> Any:
    """A SPARQL 1.1 query URL; the same sandbox checks, limits and writes, the store runs the query."""
    from policykg.graph.backends.sandbox.sparql_sandbox import SparqlSandbox

    return SparqlSandbox(None, endpoint=endpoint, **_sandbox_options(options))


def _sandbox_options(options: dict[str, Any]) -> dict[str, Any]:
    names = ("workers", "timeout_s", "max_rows", "memory_mb", "wait_s")
    return {k: v for k, v in options.items() if k in names and v is not None}


def _bolt_unreachable(**_: Any) -> str | None:
    """Why the Bolt server of ``NEO4J_URI`` cannot be used now (bad URI, no answer, refused password)."""
    from policykg.graph.backends.bolt import BoltTarget, unreachable

    return unreachable(BoltTarget.from_env())


# -- writers ------------------------------------------------------------------------------------

def _lazy(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported when first called (naming a store imports nothing)."""
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(module), name)(*args, **kwargs)

    call.__doc__ = f"{module}.{name}"
    return call


REGISTRY: dict[str, Backend] = {b.name: b for b in (
    Backend("embedded", "cypher", _embedded, _lazy(f"{__name__}.embedded", "write_embedded"),
            "policykg build; policykg load"),
    Backend("neo4j", "cypher", _neo4j, _lazy(f"{__name__}.bolt", "load"), "policykg load --neo4j-uri URI",
            _bolt_unreachable),
    Backend("oxigraph", "sparql", _oxigraph, _lazy(f"{__name__}.embedded", "write_embedded"),
            "policykg build; policykg load"),
    Backend("sparql-endpoint", "sparql", _sparql_endpoint, _lazy(f"{__name__}.sparql_endpoint", "push"),
            "policykg push --sparql-store URL"),
)}
CYPHER_BACKENDS = tuple(name for name, b in REGISTRY.items() if b.language == "cypher")
SPARQL_BACKENDS = tuple(name for name, b in REGISTRY.items() if b.language == "sparql")
BACKENDS = CYPHER_BACKENDS  # what ``serve --backend`` and POLICYKG_BACKEND choose from


def backend(name: str, language: Language | None = None) -> Backend:
    """The backend called ``name`` (of ``language``, when given); ValueError naming the choices."""
    found = REGISTRY.get(name)
    if found is None or (language is not None and found.language != language):
        choices = [n for n, b in REGISTRY.items() if language is None or b.language == language]
        raise ValueError(f"unknown backend {name!r}: choose {' or '.join(repr(c) for c in choices)}")
    return found


def open_reader(name: str, **options: Any) -> GraphReader:
    """A Cypher reader by name: ``embedded`` (``folder=`` a build folder, ``workers=``, ``memory_mb=`` for its
    sandbox) or ``neo4j`` (``target=`` a BoltTarget); options one backend does not use are ignored, so a
    caller passes them all."""
    return backend(name, "cypher").open_reader(**options)


def open_sparql_reader(folder: Path, endpoint: str | None = None, **options: Any) -> Any:
    """The SPARQL sandbox ``/sparql`` answers with: on ``endpoint`` when one is given, else on the build
    folder's Oxigraph store; ``options`` as ``SparqlSandbox`` takes them."""
    if endpoint:
        return backend("sparql-endpoint").open_reader(endpoint=endpoint, **options)
    return backend("oxigraph").open_reader(folder=folder, **options)
