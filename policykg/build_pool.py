"""Worker processes for the build's per-document passes (``policykg/build_documents.py``).

Parsing and SHACL validation are pure Python and take ~1 s per document, so a
corpus of thousands is spread over one process per CPU.  The pool starts its
workers from a *forkserver* that has already imported the loaders, so a worker
costs a fork, not a fresh interpreter, and never inherits the threads of the
process that called the build (a progress bar, a server under test).

Results come back in the order of the files, so the build is the same whatever
the number of workers.  A small corpus is done in the calling process: starting
workers would cost more than it saves.  A worker ends with the build: if the
build's process is killed (a signal, the out-of-memory killer), each worker exits
(``_end_with_parent``) instead of finishing a half-hour stretch for nobody.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

ENV_VAR = "POLICYKG_BUILD_WORKERS"
POOL_FROM = 8  # files: fewer are parsed in this process
CHUNK = 4  # files sent to a worker at a time: fewer round trips, still balanced
_PRELOAD = ["policykg.build_documents", "policykg.build_mapping"]

Item, Result = TypeVar("Item"), TypeVar("Result")


def build_workers(requested: int | None, files: int) -> int:
    """How many processes: ``requested``, else ``POLICYKG_BUILD_WORKERS``, else the CPUs; 1 for a small corpus."""
    if requested is None:
        configured = os.environ.get(ENV_VAR)
        try:
            requested = int(configured) if configured else len(os.sched_getaffinity(0))
        except ValueError:
            raise ValueError(f"{ENV_VAR}={configured!r} is not a whole number") from None
    if requested < 1:
        raise ValueError(f"the number of build workers must be at least 1, not {requested}")
    return 1 if files < POOL_FROM else min(requested, files)


class DocumentPool:
    """``map`` over files in ``workers`` processes (or in this one when ``workers`` is 1), in order."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> DocumentPool:
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.recycle()

    def _start(self) -> None:
        if self.workers > 1 and self._executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_end_with_parent,
                                                 initargs=(os.getpid(),))

    def recycle(self) -> None:
        """End the workers now; the next ``map`` forks fresh ones.  Between the documents and the mapping the
        build loads Oxigraph in this process: idle workers would hold what parsing left in them (~350 MB each
        at 5,000 plans) all that while."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def map(self, function: Callable[[Item], Result], items: Iterable[Item], chunksize: int = CHUNK) -> Iterator[Result]:
        self._start()
        if self._executor is None:
            return map(function, items)
        return self._executor.map(function, items, chunksize=chunksize)


def _end_with_parent(build: int) -> None:
    """End this worker as soon as the build's process ``build`` ends, whatever ended it.

    A worker's parent is the forkserver, which stays up while any worker holds its
    pipe, so the kernel's parent-death signal never fires: a thread waits on the
    build's pidfd instead (blocked in ``select``, no polling) and exits the worker when
    it becomes readable.  Without a pidfd (not Linux) a worker still ends when it
    next asks for work.
    """
    try:
        handle = os.pidfd_open(build)
    except ProcessLookupError:  # the build ended before this worker began
        os._exit(1)
    except (AttributeError, OSError):  # no pidfds here
        return
    threading.Thread(target=_exit_when_readable, args=(handle,), name="end-with-build", daemon=True).start()


def _exit_when_readable(handle: int) -> None:
    select.select([handle], [], [])
    os._exit(1)
