"""``GraphReader`` over the build folder's LadybugDB database, opened read-only.

Writes are refused by the engine (the database is opened ``read_only``), and
the time limit is the engine's own (``set_query_timeout`` interrupts the query).
Read-only in LadybugDB means "this database is not changed", not "no files are
touched": on a read-only database ``LOAD FROM '/etc/passwd' …`` reads any file,
``COPY (…) TO '/tmp/x'`` writes one and ``INSTALL`` downloads an extension.  So a
statement from outside (``guard=True``) is first planned with ``EXPLAIN`` and its
*physical plan* is checked: the engine tells which operators and table functions
it would run, whatever the text looks like (comments, case, nesting).

A statement from outside also runs in a worker process (``graph/backends/sandbox/cypher_sandbox.py``):
the engine's time limit does not cover parsing (exponential on nested ``CASE``),
the parser crashes on deep nesting, and one expression (``range(1, 10^9)``) is not
interrupted.  The REST lookups' own statements run here, on the pooled connections.
"""

from __future__ import annotations

import queue
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import ladybug

from policykg.graph.builds.datadir import CYPHER_DIR, CYPHER_FILE
from policykg.graph.backends.cypher_dialect import to_ladybug
from policykg.graph.backends.reader import (Limits, QueryError, QueryRefused, QuerySyntaxError, QueryTimeout,
                                            ResultTooLarge, Rows)

# Table functions a plan may call: READ_FTABLE feeds every ordinary query; the
# others only describe the schema.  Any other (READ_CSV_*, READ_PARQUET, READ_NPY,
# …: files; anything added by a later release) is refused until listed here.
ALLOWED_TABLE_FUNCTIONS = frozenset({
    "READ_FTABLE", "SHOW_TABLES", "TABLE_INFO", "SHOW_FUNCTIONS", "SHOW_CONNECTION", "DB_VERSION",
})
# Operators that write files or open transactions; writes to the database itself
# are refused by the engine before planning.
# STANDALONE_CALL is ``CALL name=value``: it changes a setting of the connection or the database
# (``var_length_extend_max_depth``, ``threads``, ``home_directory``…), which would outlive the request.
REFUSED_OPERATORS = frozenset({"COPY_TO", "TRANSACTION", "EXPORT_DATABASE", "IMPORT_DATABASE",
                               "ATTACH_DATABASE", "DETACH_DATABASE", "INSTALL_EXTENSION", "LOAD_EXTENSION",
                               "UNINSTALL_EXTENSION", "USE_DATABASE", "STANDALONE_CALL"})
MAX_NESTING = 100  # lists and maps in an answer nested deeper than this are refused (not sent as JSON)
# LadybugDB's buffer pool is its page cache *and* every query's working memory; unbounded it defaults to
# 80% of the machine and, kept full of pages, grows the server with every new question asked. These bound
# a database opened here unless told otherwise (``POLICYKG_BUFFER_POOL_MB``, ``POLICYKG_DB_THREADS``).
BUFFER_POOL_MB = 512
MIN_BUFFER_POOL_MB = 64  # below this LadybugDB cannot even open a small build's database
SERVER_MIN_BUFFER_POOL_MB = 384  # the shortest path (/api/path) works in 350 MB, at 5 plans as at 500: 320 fails
THREADS = 2  # the database's query threads, shared by all its connections (a thread is ~one core)
# A connection keeps every statement with parameters it has prepared (ladybug's Python connection caches them by
# text, unbounded), and one whose text holds a literal LIMIT keeps 3.7 MB of the buffer pool with it (30 such
# statements: +112 MB; with ``LIMIT $n``: +0), until the connection closes. A full pool fails every statement
# ("no memory could be freed"). So after a statement new to a connection the reader looks at the pool (0.5 ms)
# and, past RENEW_AT of it, closes that connection and opens another (0.06 ms).
RENEW_AT = 0.6
TRACKED = 1024  # statements remembered per connection (researchers' are all new)
_OPERATOR = re.compile(r"([A-Z][A-Z_]+)\[\d+\]")
_FUNCTION = re.compile(r"Function: ([A-Z_0-9]+)")
_READ_ONLY_MESSAGE = "read-only database"


class EmbeddedReader:
    """A small pool of connections to one read-only LadybugDB database (connections are not shared by threads)."""

    dialect = "ladybug"

    def __init__(self, folder: Path, pool_size: int = 4, *, sandbox: Callable[[], Any] | None = None,
                 buffer_pool_mb: int = BUFFER_POOL_MB, threads: int = THREADS, keep_mb: int | None = None,
                 options: dict[str, Any] | None = None) -> None:
        """``sandbox``: makes the worker processes guarded statements run in (``graph/backends/sandbox/cypher_sandbox.py``),
        started on the first one; without it they run here (as in a worker itself). ``buffer_pool_mb`` and
        ``threads`` bound the database's memory and threads, ``keep_mb`` what it keeps between statements
        (default: ``RENEW_AT`` of the pool); ``options`` are more of LadybugDB's (the workers bound its address
        space)."""
        path = Path(folder) / CYPHER_DIR / CYPHER_FILE
        if not path.is_file():
            raise FileNotFoundError(f"no LadybugDB database at {path}: run `policykg build` first")
        self.folder = Path(folder)
        self.database = open_database(path, buffer_pool_mb, threads, options)
        self._renew_bytes = (keep_mb << 20) if keep_mb else int(RENEW_AT * (buffer_pool_mb << 20))
        self._prepared: dict[ladybug.Connection, set[str]] = {}  # the statements each connection has kept
        self._pool: queue.Queue[ladybug.Connection] = queue.Queue()
        for _ in range(pool_size):
            self._pool.put(ladybug.Connection(self.database))
        self._make_sandbox = sandbox
        self._sandbox: Any = None
        self._sandbox_lock = threading.Lock()

    @contextmanager
    def _connection(self, statement: str) -> Iterator[ladybug.Connection]:
        connection = self._pool.get()
        try:
            yield connection
        finally:
            kept = self._prepared.setdefault(connection, set())
            new = statement not in kept
            if len(kept) >= TRACKED:  # forgetting only costs a look too many
                kept.clear()
            kept.add(statement)
            self._pool.put(self._renewed(connection) if new else connection)

    def _renewed(self, connection: ladybug.Connection) -> ladybug.Connection:
        """``connection``, or a new one in its place when the database's memory has passed ``RENEW_AT`` of the
        buffer pool (closing it gives back what its statements kept)."""
        try:
            used = connection.execute("CALL bm_info() RETURN mem_usage").get_all()[0][0]
        except RuntimeError:  # an interrupted connection answers again after its next statement
            return connection
        if used < self._renew_bytes:
            return connection
        del self._prepared[connection]
        connection.close()
        return ladybug.Connection(self.database)

    def memory(self) -> tuple[int, int]:
        """(bytes of the buffer pool, bytes LadybugDB holds in it now)."""
        statement = "CALL bm_info() RETURN mem_limit, mem_usage"
        with self._connection(statement) as connection:
            limit, used = connection.execute(statement).get_all()[0]
        return limit, used

    def read(self, statement: str, params: dict[str, Any] | None = None, limits: Limits | None = None,
             guard: bool = False) -> tuple[list[str], Rows]:
        """Run one statement; with ``guard`` (a statement from outside) its plan is checked first, in a worker
        process when the reader was made with a ``sandbox``."""
        limits = limits or Limits()
        if guard and self._make_sandbox is not None:
            return self._workers().run(statement, params, limits)  # the worker's reader translates it
        if guard:  # a researcher's statement, written for Neo4j: lists from 0, labels() a list
            statement = to_ladybug(statement)
        with self._connection(statement) as connection:
            connection.set_query_timeout(max(1, int(limits.timeout_s * 1000)))
            if guard:
                self._check_plan(connection, statement, params or {})
            result = self._execute(connection, statement, params or {})
            if isinstance(result, list):
                raise QueryRefused("send one statement per request")
            count = result.get_num_tuples()
            if count > limits.max_rows:
                raise ResultTooLarge(f"the answer has {count} rows, more than the row limit of {limits.max_rows}: "
                                     "add LIMIT (and SKIP to page through it)")
            return result.get_column_names(), [[plain(value) if isinstance(value, (dict, list)) else value
                                                for value in row] for row in result.get_all()]

    def _workers(self) -> Any:
        """The worker pool for guarded statements, started on the first one (most apps never need it)."""
        with self._sandbox_lock:
            if self._sandbox is None:
                self._sandbox = self._make_sandbox()
            return self._sandbox

    def _check_plan(self, connection: ladybug.Connection, statement: str, params: dict[str, Any]) -> None:
        try:
            plan = self._execute(connection, "EXPLAIN " + statement, params)
        except QuerySyntaxError as error:  # say where in *their* statement, not in "EXPLAIN …"
            message = str(error).replace('"EXPLAIN ', '"')
            raise QuerySyntaxError(re.sub(r"offset: (\d+)", lambda m: f"offset: {max(0, int(m.group(1)) - 8)}",
                                          message)) from None
        if isinstance(plan, list):
            raise QueryRefused("send one statement per request")
        text = "\n".join(str(row[0]) for row in plan.get_all())
        refused = set(_OPERATOR.findall(text)) & REFUSED_OPERATORS
        functions = set(_FUNCTION.findall(text)) - ALLOWED_TABLE_FUNCTIONS
        if refused or functions:
            what = ", ".join(sorted(refused | functions))
            raise QueryRefused(f"this endpoint only reads the graph; the statement would run {what} "
                               "(file access, extensions and transactions are not allowed)")

    @staticmethod
    def _execute(connection: ladybug.Connection, statement: str, params: dict[str, Any]) -> Any:
        try:
            return connection.execute(statement, params)
        except (RuntimeError, ValueError, TypeError, OverflowError) as error:  # parameters the engine cannot take
            raise _translate(error) from None

    def close(self) -> None:
        with self._sandbox_lock:
            if self._sandbox is not None:
                self._sandbox.close()
        while not self._pool.empty():
            self._pool.get_nowait().close()
        self.database.close()


def memory_options(buffer_pool_mb: int, threads: int) -> dict[str, Any]:
    """LadybugDB's options for a buffer pool of ``buffer_pool_mb`` and ``threads`` query threads; ValueError
    naming the setting for a value it cannot take (LadybugDB would take 0 as "80% of the machine")."""
    if not isinstance(buffer_pool_mb, int) or buffer_pool_mb < MIN_BUFFER_POOL_MB:
        raise ValueError(f"buffer pool of {buffer_pool_mb!r} MB: LadybugDB needs at least {MIN_BUFFER_POOL_MB} MB "
                         "(POLICYKG_BUFFER_POOL_MB, `policykg serve --buffer-pool-mb`)")
    if not isinstance(threads, int) or threads < 1:
        raise ValueError(f"{threads!r} query threads: give 1 or more (POLICYKG_DB_THREADS, `policykg serve "
                         "--db-threads`)")
    return {"buffer_pool_size": buffer_pool_mb << 20, "max_num_threads": threads}


def open_database(path: Path, buffer_pool_mb: int, threads: int,
                  options: dict[str, Any] | None = None) -> ladybug.Database:
    """The database at ``path``, read-only, its memory and threads bounded; a pool too small for this database
    is a ValueError that says so, not the engine's "buffer pool is full"."""
    try:
        settings = memory_options(buffer_pool_mb, threads) | (options or {})
        return ladybug.Database(str(path), read_only=True, **settings)
    except RuntimeError as error:
        if "Buffer manager exception" not in str(error):
            raise
        raise ValueError(f"a buffer pool of {buffer_pool_mb} MB is too small to open {path} ({error}): give "
                         "LadybugDB more (POLICYKG_BUFFER_POOL_MB, `policykg serve --buffer-pool-mb`)") from None


def _translate(error: Exception) -> QueryError:
    message = str(error)
    if message.strip() == "Interrupted.":
        return QueryTimeout("the query ran past the time limit and was stopped")
    if _READ_ONLY_MESSAGE in message:
        return QueryRefused("this endpoint only reads the graph: the statement would change it")
    if "bad_alloc" in message or "Buffer manager exception: Unable to allocate" in message:
        return QueryError("the statement needed more memory than one query may use and was stopped; narrow it "
                          "(smaller ranges and lists, a LIMIT)")
    if not isinstance(error, RuntimeError) or message.startswith("Unable to cast Python instance"):
        # raised while converting the parameters (a list mixing numbers and strings, an integer over 64 bits)
        return QuerySyntaxError(f"a parameter could not be given to the engine: {message.split(' (#define')[0]}; "
                                "parameters are strings, numbers, booleans, null, lists of one type, maps")
    return QuerySyntaxError(message)


def plain(value: Any, depth: int = 0) -> Any:
    """LadybugDB values as the readers' common form: nodes, relationships and paths become plain dicts."""
    if depth > MAX_NESTING:
        raise QueryError(f"the answer nests lists or maps more than {MAX_NESTING} levels deep; return its parts")
    if isinstance(value, dict):
        if "_NODES" in value:
            return {"nodes": [plain(n, depth + 1) for n in value["_NODES"]],
                    "relationships": [plain(r, depth + 1) for r in value["_RELS"]]}
        if "_SRC" in value:
            return {"type": value["_LABEL"], "properties": _properties(value, depth)}
        if "_ID" in value and "_LABEL" in value:
            return {"labels": [value["_LABEL"]], "properties": _properties(value, depth)}
        return {key: plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        if not any(isinstance(item, (dict, list)) for item in value):
            return value  # a list of scalars (most lists: quotes, spans, matched words) is already plain
        return [plain(item, depth + 1) for item in value]
    return value


def _properties(value: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """A node's or relationship's own properties: no internal ids, no NULL columns of other labels."""
    return {key: plain(item, depth + 1) for key, item in value.items() if not key.startswith("_") and item is not None}
