"""The data directory: complete builds side by side, and a ``current`` link to the one in service.

A build writes into a fresh folder under ``builds/`` and only then moves the
``current`` link (an atomic rename), so a failed or interrupted build never
touches the graph being served.

A build being written holds a lease on its ``.partial`` folder (``graph/builds/lease.py``),
so another build's pruning never removes it however long it runs; the kernel drops
the lease when the process dies, even by SIGKILL, so the next build removes what a
killed one left at once.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from pathlib import Path

from rdflib import Dataset

from policykg.graph.builds.lease import BuildLease, in_use

# The build folder's layout, here and nowhere else: the dataset every store is made from, and
# the two embedded stores beside it, and the tables prepared for the REST questions.
DATASET_FILE = "dataset.nq"
CYPHER_DIR, CYPHER_FILE, SPARQL_DIR = "cypher", "graph.lbug", "sparql"
PREPARED_FILE = "prepared.sqlite"  # the REST questions' tables (graph/questions/prepared.sql)

DEFAULT_DATA_DIR = Path("data/build")
ENV_VAR = "POLICYKG_DATA_DIR"
KEEP_BUILDS = 2
STALE_PARTIAL_SECONDS = 3600  # an unleased .partial whose writer's pid is alive (reused?) goes after this


def resolve_data_dir(option: str | os.PathLike | None) -> Path:
    """``--data-dir`` if given, else ``$POLICYKG_DATA_DIR``, else ``./data/build``."""
    return Path(option or os.environ.get(ENV_VAR) or DEFAULT_DATA_DIR)


class NoBuildError(RuntimeError):
    """The data directory holds no build in service."""


def load_dataset(data_dir: Path) -> Dataset:
    """The dataset of the build in service (an rdflib Dataset, every named graph)."""
    current = DataDir(data_dir).current()
    if current is None:
        raise NoBuildError(f"no graph has been built in {data_dir}: run `policykg build` first")
    dataset = Dataset()
    dataset.parse(current / DATASET_FILE, format="nquads")
    return dataset


class DataDir:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.builds = self.root / "builds"
        self.current_link = self.root / "current"
        self._writing: dict[Path, BuildLease] = {}  # the builds this object is writing, leased until done

    def new_build(self) -> Path:
        """A fresh, empty folder for a build that is not yet in service."""
        self.builds.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for again in itertools.count():  # a second build of this process in the same second: <stamp>.1-<pid>
            path = self.builds / f"{stamp}{f'.{again}' if again else ''}-{os.getpid()}.partial"
            try:
                path.mkdir()
                break
            except FileExistsError:
                continue
        self._writing[path] = BuildLease(path)
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
        try:
            self._prune(keep=final)
        finally:
            self._release(build)
        return final

    def discard(self, build: Path) -> None:
        shutil.rmtree(build, ignore_errors=True)
        self._release(build)

    def _release(self, build: Path) -> None:
        lease = self._writing.pop(build, None)
        if lease:
            lease.release()

    def current(self) -> Path | None:
        """The build in service, or None when nothing was built yet."""
        if not self.current_link.is_symlink():
            return None
        target = self.current_link.resolve()
        return target if target.is_dir() else None

    def _prune(self, keep: Path) -> None:
        """Remove abandoned builds and all but the newest ``KEEP_BUILDS`` finished ones, unless a server reads them."""
        finished = sorted((p for p in self.builds.iterdir() if p.is_dir() and p.suffix != ".partial"),
                          key=lambda p: p.name)
        for old in finished[:-KEEP_BUILDS]:
            if old != keep and not in_use(old):
                shutil.rmtree(old, ignore_errors=True)
        for partial in self.builds.glob("*.partial"):
            if partial not in self._writing and _abandoned(partial):
                shutil.rmtree(partial, ignore_errors=True)
        for link in self.root.glob(".current-*"):  # a publish killed between making its link and the swap
            if link.is_symlink() and not _alive(_pid(link.name)):
                link.unlink(missing_ok=True)


def _abandoned(partial: Path) -> bool:
    """A ``.partial`` build no process is writing: unleased, and its writer is dead or it is over an hour old.

    The pid check covers the instant between ``mkdir`` and the lease; the age, a
    pid reused by another process since the writer died.
    """
    if in_use(partial):
        return False
    try:
        old = partial.stat().st_mtime < time.time() - STALE_PARTIAL_SECONDS
    except FileNotFoundError:  # published or removed meanwhile
        return False
    return old or not _alive(_pid(partial.name))


def _pid(name: str) -> int | None:
    """The writer's pid in ``<stamp>-<pid>.partial`` or ``.current-<pid>``."""
    digits = name.removesuffix(".partial").rsplit("-", 1)[-1]
    return int(digits) if digits.isdigit() else None


def _alive(pid: int | None) -> bool:
    """Whether a process ``pid`` exists here (an unknown pid counts as alive: keep what we cannot judge)."""
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
