"""Researchers' SPARQL, run in worker processes that are killed at the time limit.

pyoxigraph has no query timeout and a query cannot be interrupted from another
thread, so ``/sparql`` runs every query in one of a few worker processes
(``multiprocessing``, *spawn* context: the server has threads, and forking a
threaded process is unsafe).  Each worker opens the build's Oxigraph store
read-only and answers one job at a time over a pipe:

1. ``sparql_guard.check`` refuses updates and SERVICE (in the worker, so a text
   that is slow to parse is stopped by the time limit too);
2. the query runs over the union of the named graphs (unless the request or the
   query names its own dataset);
3. at most ``max_rows + 1`` solutions or triples are read; one more than the
   limit is ``ResultTooLarge``;
4. the answer is serialised in the worker by rdflib's own writers (SPARQL
   results JSON/XML/CSV, Turtle, N-Triples, JSON-LD, RDF/XML; TSV, which rdflib
   lacks, by pyoxigraph's) and sent back as bytes.

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

Workers are started when the sandbox is made and kept warm: a new one takes
about half a second (imports, opening the store, a warm-up of the writers) and
only joins the pool once it is ready.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

from policykg.graph.reader import QueryError, QueryTimeout, QueryUnavailable
from policykg.graph.sparql_worker import DEFAULT_FORMATS, Answer, Job, Kind, serve

log = logging.getLogger(__name__)

STARTUP_S = 60.0  # a worker that is not ready after this long is given up
START_SLACK_S = 5.0  # added to the time limit to bound the wait for a free worker
MEMORY_MB = 2048  # how much a worker may grow while answering (``memory_mb``; None: no limit)


class SparqlSandbox:
    """A pool of warm worker processes answering SPARQL queries on one build folder."""

    def __init__(self, folder: Path, workers: int = 2, timeout_s: float = 10.0, max_rows: int = 10_000, *,
                 wait_s: float | None = None, memory_mb: int | None = MEMORY_MB) -> None:
        self.folder = Path(folder)
        self.size, self.timeout_s, self.max_rows = workers, timeout_s, max_rows
        self.wait_s = timeout_s + START_SLACK_S if wait_s is None else wait_s
        self.memory_mb = memory_mb
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker | None] = queue.Queue()  # None: a worker failed to start
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._startup_error: str | None = None
        for _ in range(workers):
            self._start()

    def run(self, query: str, formats: Mapping[Kind, str | None] | None = None,
            default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = ()) -> Answer:
        """Answer one query; raises a ``QueryError`` (refused, syntax, timeout, too large, not acceptable)."""
        job = Job(query, dict(formats or DEFAULT_FORMATS), tuple(default_graphs), tuple(named_graphs))
        worker = self._acquire()
        reply = self._ask(worker, job)  # replaces the worker itself when it had to be killed or died
        self._idle.put(worker)
        if isinstance(reply, QueryError):
            raise reply
        return reply

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.is_alive() and w.process.pid]

    def close(self) -> None:
        """Stop every worker (they only read, so SIGKILL loses nothing)."""
        self._closed = True
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.kill()

    def __enter__(self) -> SparqlSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the pool -----------------------------------------------------------------------------

    def _start(self) -> None:
        """Start a worker; a thread puts it in the pool once it is ready, so a request never waits on imports."""
        if self._closed:
            return
        worker = _Worker(self._context, self.folder, self.max_rows, self.memory_mb)
        with self._lock:
            self._workers.add(worker)
        threading.Thread(target=self._warm, args=(worker,), name="sparql-worker-start", daemon=True).start()

    def _warm(self, worker: _Worker) -> None:
        error = worker.wait_ready(STARTUP_S)
        if error is None and not self._closed:
            self._idle.put(worker)
            return
        self._discard(worker)
        if error is not None and not self._closed:
            self._startup_error = error
            log.error("a SPARQL worker could not start: %s", error)
            self._idle.put(None)  # wakes a waiting request, which then sees whether any worker is left

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        self._discard(worker)
        self._start()

    def _acquire(self) -> _Worker:
        """A ready, live worker, waiting at most ``wait_s`` for one to be free."""
        deadline = time.monotonic() + self.wait_s
        while not self._closed:
            if self._startup_error is not None and not self.pids():
                raise QueryUnavailable(f"the SPARQL workers could not start: {self._startup_error}")
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                raise QueryTimeout(f"the server is busy: all {self.size} SPARQL workers were answering other "
                                   f"queries for {self.wait_s:g} s; try again in a moment") from None
            if worker is None:
                continue
            if worker.process.is_alive():
                return worker
            self._replace(worker)  # died while idle (killed from outside): start another, keep waiting
        raise QueryUnavailable("the SPARQL endpoint is shutting down; try again when the server is back")

    def _ask(self, worker: _Worker, job: Job) -> Answer | QueryError:
        """Send ``job`` to ``worker`` and wait for the reply until the time limit; a stopped worker is replaced."""
        try:
            worker.conn.send(job)
            answered = worker.conn.poll(self.timeout_s)
            reply = worker.conn.recv() if answered else None
        except (EOFError, OSError):
            self._replace(worker)
            raise QueryUnavailable("the worker running the query stopped unexpectedly (it may have run out of memory) "
                             "and has been restarted; simplify the query or add a LIMIT, then try again") from None
        except BaseException:
            self._replace(worker)  # interrupted mid-job: its state is unknown
            raise
        if not answered:
            self._replace(worker)
            raise QueryTimeout(f"the query ran past the time limit of {self.timeout_s:g} s and was stopped; "
                               "narrow it (more specific patterns, fewer OPTIONALs, a LIMIT) or run it on your "
                               "own copy of the data (`policykg export --format trig`)")
        return reply


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any, folder: Path, max_rows: int, memory_mb: int | None) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, str(folder), max_rows, memory_mb),
                                       name="policykg-sparql", daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> str | None:
        """None once the worker says it is ready; else why it is not."""
        try:
            if not self.conn.poll(timeout):
                return f"no answer after {timeout:g} s"
            message = self.conn.recv()
        except (EOFError, OSError):
            return f"the process exited with code {self.process.exitcode}"
        return None if message == "ready" else str(message)

    def kill(self) -> None:
        """Idempotent: the pool and a request that timed out may both stop the same worker."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        try:
            self.conn.close()
        except OSError:  # already closed by the other caller
            pass


