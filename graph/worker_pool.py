"""A pool of warm worker processes that answer one job at a time and are killed at a time limit.

What ``sparql_sandbox.py`` and ``cypher_sandbox.py`` share: neither pyoxigraph nor
(for everything a statement can do) LadybugDB can be interrupted from another
thread, so a query from outside runs in a worker process (*spawn* context: the
server has threads, and forking a threaded process is unsafe) that gets SIGKILL
when it runs past its time.  Each sandbox says what its workers run and what to
tell the client; this module knows only processes, pipes and deadlines.

Workers start when the pool is made and join it once they report "ready" (a
thread waits for that, so a request never waits on imports); a worker that was
killed or died is replaced at once.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from typing import Any, Callable

log = logging.getLogger(__name__)

STARTUP_S = 60.0  # a worker that is not ready after this long is given up


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
    """``size`` processes running ``target(conn, *args)``; ``ask`` sends a job and waits for the reply."""

    def __init__(self, target: Callable[..., None], args: tuple, size: int, name: str) -> None:
        self.target, self.args, self.size, self.name = target, args, size, name
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker | None] = queue.Queue()  # None: a worker failed to start
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._startup_error: str | None = None
        for _ in range(size):
            self._start()

    def ask(self, job: Any, timeout_s: float, wait_s: float) -> Any:
        """The worker's reply to ``job``: waits ``wait_s`` for a free worker, then ``timeout_s`` for the reply."""
        worker = self._acquire(wait_s)
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
        if not answered:
            self._replace(worker)
            raise JobTimedOut
        self._idle.put(worker)
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

    def _start(self) -> None:
        if self._closed:
            return
        worker = _Worker(self._context, self.target, self.args, self.name)
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

    def __init__(self, context: Any, target: Callable[..., None], args: tuple, name: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=target, args=(child, *args), name=f"policykg-{name}", daemon=True)
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
