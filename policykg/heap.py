"""Handing freed memory back to the system between the build's stages.

glibc keeps the small blocks a process frees in its heap for later use, so a stage that
built and dropped millions of small objects leaves the process that much larger for the
rest of its life: a mapping worker stood 500 MB above its first stretch while mapping its
second (docs/benchmarks.md, seventh session).  ``malloc_trim`` returns the free pages.
"""

from __future__ import annotations

import ctypes
import gc


def give_back_memory() -> None:
    """Collect cycles, then return the heap's free pages to the system (a no-op where libc is not glibc)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass
