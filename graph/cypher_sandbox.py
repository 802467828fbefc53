"""Researchers' Cypher, run in worker processes that are killed at the time limit.

LadybugDB's time limit (``set_query_timeout``) interrupts a query *between*
batches of rows, which is not enough for a statement from outside
(``tests/hostile/cypher.yaml`` holds the cases):

* the parser is not covered by it, and takes exponential time on nested
  ``CASE`` (25 levels, 700 characters: 28 s; 30 levels: minutes) and
  polynomial time on nested lists and maps;
* the parser *crashes* (SIGSEGV) on a few thousand nested parentheses or
  brackets (an 8 kB statement), which in the server's own process is the
  whole server;
* one expression is evaluated without a check: ``range(1, 1000000000)``
  builds an 8 GB list and is stopped 45 s after the limit, and
  ``size(range(…))`` is not stopped at all.

So a statement from outside (``EmbeddedReader.read(guard=True)``) runs in one
of a few worker processes (*spawn* context, as the SPARQL workers), each with
the database opened read-only and its address space bounded (``RLIMIT_AS``,
so a runaway allocation fails inside the engine instead of exhausting the
machine).  The statement's plan is checked there too (``EmbeddedReader``).
Past the time limit (plus a short grace, so that the engine's own interrupt
normally answers first and the worker is kept) the worker is killed and
replaced, and the request gets ``QueryTimeout``; a worker that crashes on a
statement is replaced and the request is told the statement made the engine
fail (400); a worker killed from outside (SIGKILL: the OOM killer, an
operator) is ``QueryUnavailable`` (503, try again).

The REST lookups keep using the in-process connections: their statements are
the project's own.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from policykg.graph.embedded_reader import MAX_NESTING
from policykg.graph.reader import Limits, QueryError, QuerySyntaxError, QueryTimeout, QueryUnavailable, Rows
from policykg.graph.worker_pool import JobTimedOut, PoolBusy, PoolClosed, WorkerDied, WorkerPool

START_SLACK_S = 5.0  # added to the time limit to bound the wait for a free worker
GRACE_S = 0.5  # the engine's own interrupt normally answers within this; past it the worker is killed
WORKERS = 2
MEMORY_MB = 2048  # how much a worker may grow while answering (None: no limit)


@dataclass(frozen=True)
class Job:
    statement: str
    params: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)


def database_options(folder: Path, memory_mb: int | None) -> dict[str, Any]:
    """LadybugDB options for a worker: a virtual-memory reservation and a buffer pool sized for the limit.

    By default LadybugDB reserves 8 TB of address space (``max_db_size``), which an ``RLIMIT_AS`` cannot
    allow; a power of two of at least 1 GiB and 4× the database file is plenty for reading it.
    """
    from policykg.graph.embedded import CYPHER_DIR, CYPHER_FILE

    size = (Path(folder) / CYPHER_DIR / CYPHER_FILE).stat().st_size
    options: dict[str, Any] = {"max_db_size": 1 << max(30, (4 * size).bit_length())}
    if memory_mb:
        options["buffer_pool_size"] = memory_mb << 20
    return options


def serve(conn: Connection, folder: str, memory_mb: int | None) -> None:
    """The worker's loop: open the database read-only, warm up, bound the memory, then answer jobs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops the workers
    try:
        from policykg.graph.embedded_reader import EmbeddedReader
        from policykg.graph.sparql_worker import _limit_memory

        reader = EmbeddedReader(Path(folder), pool_size=1, isolate=False,
                                options=database_options(Path(folder), memory_mb))
        reader.read("MATCH (n) RETURN count(*) AS n", guard=True)
        _limit_memory(memory_mb)
    except Exception as error:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send(f"{type(error).__name__}: {error}")
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the server closed the pipe or exited
        try:
            reply: Any = reader.read(job.statement, job.params, job.limits, guard=True)
        except QueryError as error:
            reply = error
        except MemoryError:
            reply = QueryError("the statement needed more memory than a query may use; narrow it or add a LIMIT")
        except RecursionError:
            reply = QueryError("the answer is nested too deeply to be sent; return its parts instead")
        except Exception as error:  # noqa: BLE001 - the engine's own message is the best detail
            reply = QueryError(f"the statement could not be answered: {error}")
        try:
            conn.send(reply)
        except (RecursionError, MemoryError, ValueError, TypeError) as error:  # not picklable / too deep
            conn.send(QueryError(f"the answer could not be sent ({type(error).__name__}); "
                                 "return plain values, fewer or less nested"))


class CypherSandbox:
    """A pool of warm worker processes answering guarded Cypher statements on one build folder."""

    def __init__(self, folder: Path, workers: int = WORKERS, memory_mb: int | None = MEMORY_MB) -> None:
        self.folder, self.size = Path(folder), workers
        self._pool = WorkerPool(serve, (str(self.folder), memory_mb), workers, "cypher")

    def run(self, statement: str, params: dict[str, Any] | None, limits: Limits) -> tuple[list[str], Rows]:
        """Answer one statement in a worker; raises a ``QueryError``."""
        if _nesting(params) > MAX_NESTING:
            raise QuerySyntaxError(f"the parameters nest lists or maps more than {MAX_NESTING} levels deep")
        wait_s = limits.timeout_s + START_SLACK_S
        try:
            reply = self._pool.ask(Job(statement, dict(params or {}), limits), limits.timeout_s + GRACE_S, wait_s)
        except PoolBusy:
            raise QueryTimeout(f"the server is busy: all {self.size} Cypher workers were answering other "
                               f"statements for {wait_s:g} s; try again in a moment") from None
        except PoolClosed as closed:
            raise QueryUnavailable(f"the Cypher workers could not start: {closed.startup_error}" if closed.startup_error
                                   else "the Cypher endpoint is shutting down; try again when the server is back"
                                   ) from None
        except WorkerDied as died:
            code = died.exitcode
            if code is not None and code < 0 and -code != signal.SIGKILL:
                raise QueryError(f"the statement made the query engine fail ({_signal_name(-code)}); it was "
                                 "stopped and nothing else was affected. Simplify it: less nesting, a shorter "
                                 "expression, smaller lists") from None
            raise QueryUnavailable("the worker running the statement stopped unexpectedly and has been "
                                   "restarted; try again, or simplify the statement") from None
        except JobTimedOut:
            raise QueryTimeout(f"the statement ran past the time limit of {limits.timeout_s:g} s and was "
                               "stopped; narrow it (labels, a shorter path, a LIMIT) or run it on your own copy "
                               "of the graph (`policykg export --format neo4j-csv`)") from None
        if isinstance(reply, QueryError):
            raise reply
        return reply

    def pids(self) -> list[int]:
        return self._pool.pids()

    def close(self) -> None:
        """Stop every worker (they only read, so SIGKILL loses nothing)."""
        self._pool.close()


def _nesting(value: Any) -> int:
    """How deeply lists and maps nest in ``value`` (iteratively: the value may be deeper than the stack)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_NESTING:
            children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
