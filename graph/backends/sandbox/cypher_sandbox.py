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
machine) and its buffer pool as large; what a statement leaves in the pool is
given back between statements (``EmbeddedReader``), so a worker's memory is
known before it starts.  The statement's plan is checked there too (``EmbeddedReader``).
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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from policykg.graph.backends.embedded_reader import BUFFER_POOL_MB, MAX_NESTING, THREADS, EmbeddedReader
from policykg.graph.backends.reader import Limits, QueryError, QuerySyntaxError, Rows
from policykg.graph.backends.sandbox.worker_pool import WorkerPool, Wording
from policykg.graph.builds.datadir import CYPHER_DIR, CYPHER_FILE

START_SLACK_S = 5.0  # added to the time limit to bound the wait for a free worker
GRACE_S = 0.5  # the engine's own interrupt normally answers within this; past it the worker is killed
WORKERS = 2
MEMORY_MB = 2048  # how much a worker may grow while answering (None: no limit)
KEEP_MB = 128  # what a worker's database may keep between statements (each is usually new: its own memory)
WORDING = Wording(
    engine="Cypher", unit="statement", units="statements", narrow="labels, a shorter path, a LIMIT",
    own_copy="the graph (`policykg export --format neo4j-csv`)",
    died="the worker running the statement stopped unexpectedly and has been restarted; try again, or simplify "
         "the statement",
    crash="the statement made the query engine fail ({signal}); it was stopped and nothing else was affected. "
          "Simplify it: less nesting, a shorter expression, smaller lists")


@dataclass(frozen=True)
class Job:
    statement: str
    params: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)


def database_options(folder: Path) -> dict[str, Any]:
    """LadybugDB options for a worker: a virtual-memory reservation an ``RLIMIT_AS`` can allow.

    By default LadybugDB reserves 8 TB of address space (``max_db_size``), which an ``RLIMIT_AS`` cannot
    allow; a power of two of at least 1 GiB and 4× the database file is plenty for reading it.
    """
    size = (Path(folder) / CYPHER_DIR / CYPHER_FILE).stat().st_size
    return {"max_db_size": 1 << max(30, (4 * size).bit_length())}


def open_answerer(folder: str, memory_mb: int | None, threads: int = THREADS) -> Callable[[Job], Any]:
    """In a worker: the database opened read-only, its buffer pool as large as the worker may grow (a statement
    stopped for memory is then one that would have been stopped anyway), and warmed up; then ``answer`` per job.
    What its statements keep the reader gives back (``EmbeddedReader``), so between statements a worker
    holds little of it."""
    reader = EmbeddedReader(Path(folder), pool_size=1, buffer_pool_mb=memory_mb or BUFFER_POOL_MB, threads=threads,
                            keep_mb=KEEP_MB, options=database_options(Path(folder)))
    reader.read("MATCH (n) RETURN count(*) AS n", guard=True)

    def answer(job: Job) -> Any:
        try:
            return reader.read(job.statement, job.params, job.limits, guard=True)
        except QueryError as error:
            return error
        except MemoryError:
            return QueryError("the statement needed more memory than a query may use; narrow it or add a LIMIT")
        except RecursionError:
            return QueryError("the answer is nested too deeply to be sent; return its parts instead")
        except Exception as error:  # noqa: BLE001 - the engine's own message is the best detail
            return QueryError(f"the statement could not be answered: {error}")

    return answer


def unsendable(error: Exception) -> QueryError:
    """The reply instead of an answer the pipe could not carry (not picklable, nested too deep)."""
    return QueryError(f"the answer could not be sent ({type(error).__name__}); return plain values, fewer or less "
                      "nested")


class CypherSandbox:
    """A pool of warm worker processes answering guarded Cypher statements on one build folder."""

    def __init__(self, folder: Path, workers: int = WORKERS, memory_mb: int | None = MEMORY_MB,
                 threads: int = THREADS) -> None:
        """``memory_mb`` bounds each worker's address space and its database's buffer pool; ``threads`` its
        database's query threads, as the server's."""
        self.folder, self.size = Path(folder), workers
        self._pool = WorkerPool(open_answerer, (str(self.folder), memory_mb, threads), workers, WORDING, memory_mb,
                                unsendable)

    def run(self, statement: str, params: dict[str, Any] | None, limits: Limits) -> tuple[list[str], Rows]:
        """Answer one statement in a worker; raises a ``QueryError``."""
        if _nesting(params) > MAX_NESTING:
            raise QuerySyntaxError(f"the parameters nest lists or maps more than {MAX_NESTING} levels deep")
        return self._pool.answer(Job(statement, dict(params or {}), limits), limits.timeout_s,
                                 limits.timeout_s + START_SLACK_S, GRACE_S)

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
