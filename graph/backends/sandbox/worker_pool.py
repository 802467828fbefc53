"""A pool of warm worker processes that answer one job at a time and are killed at a time limit.

What ``sparql_sandbox.py`` and ``cypher_sandbox.py`` share: neither pyoxigraph nor
(for everything a statement can do) LadybugDB can be interrupted from another
thread, so a query from outside runs in a worker process (*spawn* context: the
server has threads, and forking a threaded process is unsafe) that gets SIGKILL
when it runs past its time.  Each sandbox gives the function that opens its
store in a worker (``open_answerer``) and the ``Wording`` of what to tell the
client; this module runs the processes, the pipes, the deadlines and the memory
bound, and turns what happened to a job into the readers' ``QueryError`` exceptions.

Workers start when the pool is made and join it once they report "ready" (a
thread waits for that, so a request never waits on imports); a worker that was
killed or died is replaced at once.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from policykg.graph.backends.reader import QueryError, QueryTimeout, QueryUnavailable

log = logging.getLogger(__name__)

STARTUP_S = 60.0  # a worker that is not ready after this long is given up
Answerer = Callable[[Any], Any]  # a job → its reply, in the worker


@dataclass(frozen=True)
class Wording:
    """What the client is told, in the words of one endpoint."""

    engine: str  # "SPARQL", "Cypher"
    unit: str  # "query", "statement"
    units: str  # "queries", "statements"
    narrow: str  # how to narrow a job that ran too long
    own_copy: str  # where to run it instead
    died: str  # a worker that stopped while answering
    crash: str | None = None  # a worker killed by a signal of its own (not SIGKILL): the job's fault, ``{signal}``


class PoolBusy(Exception):
    """No worker became free in time."""


class PoolClosed(Exception):
    """The pool is shutting down, or no worker could start (``startup_error`` says why)."""

    def __init__(self, startup_error: str | None = None) -> None:
        super().__init__(startup_error or "closed")
        self.startup_error = startup_error


class JobTimedOut(Exception):
    """The job ran past its time; its worker was killed and replaced."""


class WorkerDied(Exception):
    """The worker stopped while answering (a crash, the memory limit, a SIGKILL from outside)."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"exit code {exitcode}")
        self.exitcode = exitcode


class WorkerPool:
    """``size`` processes each answering jobs with what ``open_answerer(*args)`` returns in it."""

    def __init__(self, open_answerer: Callable[..., Answerer], args: tuple, size: int, wording: Wording,
                 memory_mb: int | None = None, unsendable: Callable[[Exception], Any] | None = None) -> None:
        self.size, self.wording, self.name = size, wording, wording.engine.lower()
        self.args = (open_answerer, args, memory_mb, unsendable)
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker | None] = queue.Queue()  # None: a worker failed to start
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._startup_error: str | None = None
        self._answering = 0  # workers holding a job now
        for _ in range(size):
            self._start()

    def answer(self, job: Any, limit_s: float, wait_s: float, grace_s: float = 0.0) -> Any:
        """The reply to ``job``, or the ``QueryError`` that says why there is none (a reply that is one, too).

        Waits ``wait_s`` for a free worker, then ``limit_s`` (plus ``grace_s``) for the reply.
        """
        words = self.wording
        try:
            reply = self._ask(job, limit_s + grace_s, wait_s)
        except PoolBusy:
            raise QueryTimeout(f"the server is busy: all {self.size} {words.engine} workers were answering other "
                               f"{words.units} for {wait_s:g} s; try again in a moment") from None
        except PoolClosed as closed:
            raise QueryUnavailable(
                f"the {words.engine} workers could not start: {closed.startup_error}" if closed.startup_error
                else f"the {words.engine} endpoint is shutting down; try again when the server is back") from None
        except WorkerDied as died:
            code = died.exitcode
            if words.crash and code is not None and code < 0 and -code != signal.SIGKILL:
                raise QueryError(words.crash.format(signal=_signal_name(-code))) from None
            raise QueryUnavailable(words.died) from None
        except JobTimedOut:
            raise QueryTimeout(f"the {words.unit} ran past the time limit of {limit_s:g} s and was stopped; "
                               f"narrow it ({words.narrow}) or run it on your own copy of {words.own_copy}") from None
        if isinstance(reply, QueryError):
            raise reply
        return reply

    def _ask(self, job: Any, timeout_s: float, wait_s: float) -> Any:
        """The worker's reply to ``job``: waits ``wait_s`` for a free worker, then ``timeout_s`` for the reply."""
        worker = self._acquire(wait_s)
        with self._lock:
            self._answering += 1
        try:
            worker.conn.send(job)
            answered = worker.conn.poll(timeout_s)
            reply = worker.conn.recv() if answered else None
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            self._replace(worker)
            raise WorkerDied(code) from None
        except BaseException:
            self._replace(worker)  # interrupted mid-job: its state is unknown
            raise
        finally:
            with self._lock:
                self._answering -= 1
        if not answered:
            self._replace(worker)
            raise JobTimedOut
        self._idle.put(worker)
        return reply

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.is_alive() and w.process.pid]

    def answering(self) -> int:
        """How many workers hold a job now (for tests and monitoring: a test waits on it, not on a sleep)."""
        with self._lock:
            return self._answering

    def close(self) -> None:
        """Stop every worker (they only read, so SIGKILL loses nothing)."""
        self._closed = True
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.kill()

    def _start(self) -> None:
        if self._closed:
            return
        worker = _Worker(self._context, self.args, self.name)
        with self._lock:
            self._workers.add(worker)
        threading.Thread(target=self._warm, args=(worker,), name=f"{self.name}-start", daemon=True).start()

    def _warm(self, worker: _Worker) -> None:
        error = worker.wait_ready(STARTUP_S)
        if error is None and not self._closed:
            self._idle.put(worker)
            return
        self._discard(worker)
        if error is not None and not self._closed:
            self._startup_error = error
            log.error("a %s worker could not start: %s", self.name, error)
            self._idle.put(None)  # wakes a waiting request, which then sees whether any worker is left

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        self._discard(worker)
        self._start()

    def _acquire(self, wait_s: float) -> _Worker:
        """A ready, live worker, waiting at most ``wait_s`` for one to be free."""
        deadline = time.monotonic() + wait_s
        while not self._closed:
            if self._startup_error is not None and not self.pids():
                raise PoolClosed(self._startup_error)
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                raise PoolBusy from None
            if worker is None:
                continue
            if worker.process.is_alive():
                return worker
            self._replace(worker)  # died while idle (killed from outside): start another, keep waiting
        raise PoolClosed


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any, args: tuple, name: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=run_worker, args=(child, *args), name=f"policykg-{name}", daemon=True)
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


def run_worker(conn: Connection, open_answerer: Callable[..., Answerer], args: tuple, memory_mb: int | None,
               unsendable: Callable[[Exception], Any] | None) -> None:
    """A worker's loop: open its answerer (store, warm-up), bound its memory, then answer jobs until the pipe
    closes.  A reply that cannot be sent (not picklable, nested too deep) is replaced by ``unsendable(error)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops the workers
    try:
        answer = open_answerer(*args)
        limit_memory(memory_mb)
    except Exception as error:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send(f"{type(error).__name__}: {error}")
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the server closed the pipe or exited
        reply = answer(job)
        try:
            conn.send(reply)
        except (RecursionError, MemoryError, ValueError, TypeError) as error:
            if unsendable is None:
                raise
            conn.send(unsendable(error))


def limit_memory(memory_mb: int | None) -> None:
    """Let the worker's address space grow by at most ``memory_mb`` beyond what it has once ready.

    Relative to the ready worker's size, because that size (thread stacks, the store's caches) depends on the
    machine. A job that needs more fails: the engine aborts, or the worker dies and is replaced, and the request
    is told so. Linux only (elsewhere RLIMIT_AS is not enforced); None switches it off.
    """
    status = Path("/proc/self/status")
    if not memory_mb or not status.exists():
        return
    import resource

    size_kb = next(int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmSize:"))
    limit = (size_kb + memory_mb * 1024) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
