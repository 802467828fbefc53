"""``GraphReader`` over a Bolt server (Neo4j; FalkorDB in the tests) with the official driver.

Read-only is the server's: every statement runs in a session opened with
``default_access_mode=READ`` through ``execute_read``, so Neo4j refuses a write
(``Neo.ClientError.Statement.AccessMode``).  The time limit is the transaction
timeout the driver sends with the query; the row limit stops fetching.
FalkorDB honours neither the access mode nor the timeout: over Bolt it runs
``CREATE`` inside a read transaction.  A server that cannot refuse a write cannot
take researchers' statements, so on FalkorDB ``/cypher`` (``guard=True``) is refused
outright; the REST questions, written here, still read it.
"""

from __future__ import annotations

from typing import Any

from neo4j import READ_ACCESS, ManagedTransaction, unit_of_work
from neo4j.exceptions import ClientError, DriverError, Neo4jError
from neo4j.graph import Node, Path, Relationship

from policykg.graph.backends.bolt import FALKORDB, BoltTarget, explain, open_driver
from policykg.graph.exports.neo4j_files import bind
from policykg.graph.backends.reader import (Limits, QueryError, QueryRefused, QuerySyntaxError, QueryTimeout,
                                            ResultTooLarge, Rows)


FALKORDB_REFUSED = ("/cypher is not served from FalkorDB: over Bolt it runs writes even in a read transaction, so "
                    "this server cannot keep its promise that researchers' statements only read. Ask the REST API "
                    "or /sparql, or serve /cypher from the embedded store or Neo4j (`policykg load --neo4j-uri`)")


class BoltReader:
    def __init__(self, target: BoltTarget) -> None:
        self.target = target
        try:
            self.driver, dialect = open_driver(target)
        except (DriverError, Neo4jError, OSError) as error:
            raise explain(error, target) from None
        self.dialect = dialect.name

    def read(self, statement: str, params: dict[str, Any] | None = None, limits: Limits | None = None,
             guard: bool = False) -> tuple[list[str], Rows]:
        """Run one statement in a READ transaction with the time limit; (columns, rows)."""
        limits = limits or Limits()
        params = params or {}
        if guard and self.dialect == FALKORDB.name:
            raise QueryRefused(FALKORDB_REFUSED)
        if self.dialect == FALKORDB.name and params and not guard:
            statement, params = bind(statement, params), {}  # FalkorDB mangles quoted parameters (graph/backends/bolt.py)
        @unit_of_work(timeout=limits.timeout_s)  # the server's transaction timeout
        def work(tx: ManagedTransaction) -> tuple[list[str], Rows]:
            result = tx.run(statement, params)
            records = result.fetch(limits.max_rows + 1)
            if len(records) > limits.max_rows:
                raise ResultTooLarge(f"the answer has more rows than the row limit of {limits.max_rows}: "
                                     "add LIMIT (and SKIP to page through it)")
            return list(result.keys()), [[plain(value) for value in record.values()] for record in records]

        try:
            with self.driver.session(database=self.target.database, default_access_mode=READ_ACCESS) as session:
                return session.execute_read(work)
        except Neo4jError as error:
            raise _translate(error) from None

    def close(self) -> None:
        self.driver.close()


def _translate(error: Neo4jError) -> QueryError:
    code = error.code or ""
    message = error.message or str(error)
    if "AccessMode" in code or "ForbiddenOnReadOnlyDatabase" in code or "WriteOnReadOnlyAccess" in code:
        return QueryRefused("this endpoint only reads the graph: the statement would change it")
    if "TransactionTimedOut" in code or "TransactionTimedOutClientConfiguration" in code:
        return QueryTimeout("the query ran past the time limit and was stopped")
    if isinstance(error, ClientError):
        return QuerySyntaxError(message)
    return QueryError(message)


def plain(value: Any) -> Any:
    """Driver values as the readers' common form (see ``graph/embedded_reader.plain``)."""
    if isinstance(value, Node):
        return {"labels": sorted(value.labels), "properties": {k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, "properties": {k: plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value
