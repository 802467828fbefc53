"""One read interface over every Cypher store the API can serve from.

The API (REST lookups and ``/cypher``) talks to a ``GraphReader`` and never to a
driver: ``graph/backends/embedded_reader.py`` (LadybugDB, the default) and
``graph/backends/bolt_reader.py`` (Neo4j, or FalkorDB in the tests) implement it, and
``graph/backends.open_reader`` picks one by name, as rdflib's plugin registry picks a store.

Every reader enforces the same three limits *in the engine*: read-only access
(a read-only database or a READ session, so a write is refused by the store
itself), a time limit (the engine interrupts the query) and a row limit.
The errors below are what the API turns into problem responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

Rows = list[list[Any]]


class QueryError(Exception):
    """A query the store would not run; ``str()`` is a message a person can act on."""


class QueryRefused(QueryError):
    """The statement would change the graph, touch files or leave the server: read-only endpoint."""


class QuerySyntaxError(QueryError):
    """The store could not parse or plan the statement."""


class QueryTimeout(QueryError):
    """The statement ran past the time limit and was interrupted by the engine."""


class QueryUnavailable(QueryError):
    """The store could not answer now (a worker stopped, the server is shutting down): try again."""


class ResultTooLarge(QueryError):
    """The answer has more rows than the row limit."""


@dataclass(frozen=True)
class Limits:
    """Per-query limits; the API's settings provide them (``POLICYKG_QUERY_TIMEOUT``, ``POLICYKG_ROW_LIMIT``)."""

    timeout_s: float = 10.0
    max_rows: int = 10_000


class GraphReader(Protocol):
    """What the API needs from a Cypher store."""

    dialect: str  # "ladybug" | "neo4j" | "falkordb": the few query texts that differ are chosen by it

    def read(self, statement: str, params: dict[str, Any] | None = None,
             limits: Limits | None = None) -> tuple[list[str], Rows]:
        """Run one read-only statement; (column names, rows). Raises a ``QueryError``."""
        ...

    def close(self) -> None: ...
