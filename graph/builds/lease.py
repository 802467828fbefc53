"""A lease on a build folder: a server reading a build holds it, and pruning skips a build that is held.

The lease is a shared ``flock`` on ``<build>/.in-use``; any number of servers may
hold one.  ``in_use`` asks for the exclusive lock without waiting: it fails
while a lease is held.  The kernel drops a lock when its process dies (even by
SIGKILL), so a crashed server never pins a build for ever.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LEASE_FILE = ".in-use"


class BuildLease:
    """Held from construction until ``release`` (or the process ends)."""

    def __init__(self, build: Path) -> None:
        self.build = Path(build)
        self._fd: int | None = os.open(self.build / LEASE_FILE, os.O_RDONLY | os.O_CREAT, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_SH)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def in_use(build: Path) -> bool:
    """True while some process holds a lease on ``build``."""
    path = Path(build) / LEASE_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
