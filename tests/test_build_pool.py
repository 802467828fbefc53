"""A build's worker processes end with the build, however it was ended."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time

import psutil
import pytest

# A "build" whose two workers each take a task far longer than the test: only being
# ended with their parent can stop them in time.
_BUILD = """
import time
from policykg.build_pool import DocumentPool
with DocumentPool(2) as pool:
    print("started", flush=True)
    list(pool.map(time.sleep, [600, 600], chunksize=1))
"""


def _workers(build: psutil.Process, wait: float = 60) -> list[psutil.Process]:
    """The build's descendants once both workers are up (the forkserver and its two children)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        descendants = build.children(recursive=True)
        busy = [p for p in descendants if p.ppid() != build.pid]
        if len(busy) >= 2:
            return descendants
        time.sleep(0.2)
    raise AssertionError(f"the pool's workers did not start: {descendants}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pidfds are Linux's")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killing_the_build_ends_its_workers(how: signal.Signals) -> None:
    child = subprocess.Popen([sys.executable, "-c", _BUILD], stdout=subprocess.PIPE, text=True)
    descendants: list[psutil.Process] = []
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "started"
        descendants = _workers(psutil.Process(child.pid))
        child.send_signal(how)
        child.wait(timeout=30)
        gone, alive = psutil.wait_procs(descendants, timeout=30)
        assert not alive, f"left running after the build was killed: {[p.pid for p in alive]}"
    finally:  # only this build's processes: the session's servers are children of this process too
        for process in descendants:
            with contextlib.suppress(psutil.Error):
                process.kill()
        child.kill()


def test_a_recycled_pool_ends_its_workers_and_maps_with_fresh_ones():
    """``recycle`` between the build's documents and its mapping: the workers that parsed are gone (their
    memory with them), and the next ``map`` works, in order, in new processes."""

    from policykg.build_pool import DocumentPool

    def workers() -> set[int]:
        """The children of this process's forkserver (its other children are the session's servers)."""
        forkservers = [p for p in psutil.Process().children() if "multiprocessing.forkserver" in " ".join(p.cmdline())]
        return {child.pid for server in forkservers for child in server.children()}

    with DocumentPool(2) as pool:
        assert list(pool.map(abs, [-3, -1, -2], chunksize=1)) == [3, 1, 2]
        before = workers()
        assert before
        pool.recycle()
        gone, alive = psutil.wait_procs([psutil.Process(pid) for pid in before if psutil.pid_exists(pid)], timeout=30)
        assert not alive
        assert list(pool.map(abs, [-5, -4], chunksize=1)) == [5, 4]
        after = workers()
        assert after and not (after & before)
