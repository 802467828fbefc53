"""The data directory: complete builds side by side, and a ``current`` link to the one in service.

A build writes into a fresh folder under ``builds/`` and only then moves the
``current`` link (an atomic rename), so a failed or interrupted build never
touches the graph being served.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from policykg.graph.lease import in_use

DEFAULT_DATA_DIR = Path("data/build")
ENV_VAR = "POLICYKG_DATA_DIR"
KEEP_BUILDS = 2


def resolve_data_dir(option: str | os.PathLike | None) -> Path:
    """``--data-dir`` if given, else ``$POLICYKG_DATA_DIR``, else ``./data/build``."""
    return Path(option or os.environ.get(ENV_VAR) or DEFAULT_DATA_DIR)


class DataDir:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.builds = self.root / "builds"
        self.current_link = self.root / "current"

    def new_build(self) -> Path:
        """A fresh, empty folder for a build that is not yet in service."""
        self.builds.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = self.builds / f"{stamp}-{os.getpid()}.partial"
        path.mkdir()
        return path

    def publish(self, build: Path) -> Path:
        """Put a finished build in service (atomically) and prune old ones."""
        final = build.with_suffix("")
        build.rename(final)
        temporary = self.root / f".current-{os.getpid()}"
        if temporary.is_symlink() or temporary.exists():
            temporary.unlink()
        temporary.symlink_to(final.relative_to(self.root))
        os.replace(temporary, self.current_link)
        self._prune(keep=final)
        return final

    def discard(self, build: Path) -> None:
        shutil.rmtree(build, ignore_errors=True)

    def current(self) -> Path | None:
        """The build in service, or None when nothing was built yet."""
        if not self.current_link.is_symlink():
            return None
        target = self.current_link.resolve()
        return target if target.is_dir() else None

    def _prune(self, keep: Path) -> None:
        """Remove unfinished builds and all but the newest ``KEEP_BUILDS`` finished ones, unless a server reads them."""
        finished = sorted((p for p in self.builds.iterdir() if p.is_dir() and p.suffix != ".partial"),
                          key=lambda p: p.name)
        for old in finished[:-KEEP_BUILDS]:
            if old != keep and not in_use(old):
                shutil.rmtree(old, ignore_errors=True)
        for partial in self.builds.glob("*.partial"):
            if partial.stat().st_mtime < time.time() - 3600:
                shutil.rmtree(partial, ignore_errors=True)
