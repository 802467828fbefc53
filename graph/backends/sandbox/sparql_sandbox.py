"""Researchers' SPARQL, run in worker processes that are killed at the time limit.

pyoxigraph has no query timeout and a query cannot be interrupted from another
thread, so ``/sparql`` runs every query in one of a few worker processes
(``multiprocessing``, *spawn* context: the server has threads, and forking a
threaded process is unsafe).  Each worker opens the build's Oxigraph store
read-only and answers one job at a time over a pipe:

1. ``sparql_guard.check`` refuses updates and SERVICE (in the worker, so a text
   that is slow to parse is stopped by the time limit too; a plain query is
   let through without rdflib's parser, and a verdict is remembered per text);
2. the query runs over the union of the named graphs (unless the request or the
   query names its own dataset);
3. solutions or triples are read only until the answer holds more than
   ``max_rows`` (for solutions: counted as the writer writes them, in chunks of a
   few kilobytes); more than the limit is ``ResultTooLarge``;
4. the answer is serialised in the worker by pyoxigraph's own writers (SPARQL
   results JSON/XML/CSV/TSV, Turtle, N-Triples, JSON-LD, RDF/XML), which stop
   as soon as the answer passes the row limit, and sent back as bytes.

The worker process is the one hop a request makes, and the time limit needs
it: nothing else can stop a query inside pyoxigraph.  Everything else a request
costs happens in that one round trip (check, run, write), so the hop is a pipe
message each way.

Time limits: the query's ``timeout_s`` counts from the moment the job is handed
to a worker (parse, run and serialisation included); past it the worker gets
SIGKILL, a replacement starts at once, and ``QueryTimeout`` is raised.  Waiting
for a free worker has its own bound, ``wait_s`` (default: the time limit plus
the few seconds a replacement takes to start, so a request queued behind a
runaway query still gets its turn); past it the request is told the server is
busy (``QueryTimeout`` as well, 503).  A worker that dies (a crash, the memory
limit) is replaced and the request gets a ``QueryError`` saying so.

Memory: a worker may grow by ``memory_mb`` (default 2 GiB) over its size when
ready (``RLIMIT_AS``); a query needing more kills its worker, as above.

Workers are started when the sandbox is made and kept warm (``worker_pool.py``):
a new one takes about half a second (imports, opening the store, a warm-up of
the writers) and only joins the pool once it is ready.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

from policykg.graph.backends.sandbox.sparql_worker import (DEFAULT_FORMATS, Answer, Job, Kind, open_answerer,
                                                           open_remote_answerer)
from policykg.graph.backends.sandbox.worker_pool import WorkerPool, Wording

START_SLACK_S = 5.0  # added to the time limit to bound the wait for a free worker
MEMORY_MB = 2048  # how much a worker may grow while answering (``memory_mb``; None: no limit)
WORDING = Wording(
    engine="SPARQL", unit="query", units="queries", narrow="more specific patterns, fewer OPTIONALs, a LIMIT",
    own_copy="the data (`policykg export --format trig`)",
    died="the worker running the query stopped unexpectedly (it may have run out of memory) and has been "
         "restarted; simplify the query or add a LIMIT, then try again")


class SparqlSandbox:
    """A pool of warm worker processes answering SPARQL queries on one build folder, or on a SPARQL
    1.1 endpoint (``endpoint=``: the workers send each checked query there, with the same guard,
    time limit, row limit and writers)."""

    def __init__(self, folder: Path | None, workers: int = 2, timeout_s: float = 10.0, max_rows: int = 10_000, *,
                 wait_s: float | None = None, memory_mb: int | None = MEMORY_MB, endpoint: str | None = None) -> None:
        if (folder is None) == (endpoint is None):
            raise ValueError("a SPARQL sandbox answers from a build folder or from an endpoint: give one")
        self.folder = Path(folder) if folder is not None else None
        self.endpoint = endpoint
        self.size, self.timeout_s, self.max_rows = workers, timeout_s, max_rows
        self.wait_s = timeout_s + START_SLACK_S if wait_s is None else wait_s
        opener, args = ((open_remote_answerer, (endpoint, max_rows, timeout_s)) if endpoint is not None
                        else (open_answerer, (str(self.folder), max_rows)))
        self._pool = WorkerPool(opener, args, workers, WORDING, memory_mb)

    def run(self, query: str, formats: Mapping[Kind, str | None] | None = None,
            default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = ()) -> Answer:
        """Answer one query; raises a ``QueryError`` (refused, syntax, timeout, too large, not acceptable)."""
        job = Job(query, dict(formats or DEFAULT_FORMATS), tuple(default_graphs), tuple(named_graphs))
        return self._pool.answer(job, self.timeout_s, self.wait_s)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        return self._pool.pids()

    def answering(self) -> int:
        """How many workers hold a query now (for tests and monitoring)."""
        return self._pool.answering()

    def close(self) -> None:
        """Stop every worker (they only read, so SIGKILL loses nothing)."""
        self._pool.close()

    def __enter__(self) -> SparqlSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
