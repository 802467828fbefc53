"""Placeholder: being written (replaced in this session)."""

from __future__ import annotations

from pathlib import Path


class SparqlSandbox:
    def __init__(self, folder: Path, workers: int = 2, timeout_s: float = 10.0, max_rows: int = 10_000) -> None:
        self.folder = Path(folder)

    def close(self) -> None:
        pass
