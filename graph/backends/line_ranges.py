"""A line-based file (N-Quads) read in byte ranges that end at line ends, each range a file of its own.

Oxigraph's ``bulk_load`` holds a whole input's sorted batches in memory before it writes them, and
pyoxigraph offers no bound on it: one call over the 500-plan dataset (1.35 GB of N-Quads) peaked at
1.8 GB, over the 5,000-plan one at 3.8 GB.  Loaded range by range, the peak follows the range, not the
dataset (docs/benchmarks.md, eighth session).  N-Quads escapes line breaks inside literals, so a line
end is always a statement's end.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import BinaryIO, Iterator


def line_ranges(path: Path, size: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` byte offsets covering ``path``, each about ``size`` bytes and ending after a line end
    (or at the end of the file); a line longer than ``size`` makes one range of its own."""
    if size <= 0:
        raise ValueError(f"a range must hold at least one byte, not {size}")
    total = os.path.getsize(path)
    with open(path, "rb") as file:
        start = 0
        while start < total:
            file.seek(min(start + size, total) - 1)
            file.readline()  # to the end of the line the range's last byte is on
            end = min(file.tell(), total)
            yield start, end
            start = end


class _Range(io.RawIOBase):
    """The bytes ``[start, end)`` of an open file, as a readable stream of their own."""

    def __init__(self, file: BinaryIO, start: int, end: int) -> None:
        super().__init__()
        self._file, self._end = file, end
        file.seek(start)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        left = self._end - self._file.tell()
        if left <= 0:
            return 0
        return self._file.readinto(memoryview(buffer)[: min(len(buffer), left)]) or 0


def read_in_ranges(path: Path, size: int) -> Iterator[BinaryIO]:
    """``path`` as successive streams of whole lines, each about ``size`` bytes; read each before the next."""
    with open(path, "rb", buffering=0) as file:
        for start, end in line_ranges(path, size):
            yield io.BufferedReader(_Range(file, start, end), 1 << 20)
