"""Faults during a build: SIGKILL at random points and at each stage, failed writes, a corpus with nothing to load.

One complete build is put in service first.  Then ``policykg build`` runs as a
child process and is killed, again and again: at seeded random delays spread
over the measured build time, and when the files of each stage appear (the
dataset, LadybugDB, Oxigraph, the publishing rename), once frozen with SIGSTOP
to look at the data directory mid-publish.  After every kill the ``current`` link
must point at a complete build: the previous one, unchanged byte for byte, or
(when the kill came after the atomic switch) the new one, whole.  The next
build must succeed and clear what the killed ones left.  The figures go to
``tests/artifacts/build_faults.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from policykg.graph.backends.embedded import open_cypher, open_sparql
from policykg.graph.builds.datadir import CYPHER_DIR, CYPHER_FILE, DATASET_FILE, KEEP_BUILDS, DataDir
from policykg.graph.builds.lease import LEASE_FILE

from .conftest import CORPUS, ROOT, ROOT_WITHOUT_OVERRIDE

pytestmark = pytest.mark.slow  # builds killed and failed at every stage: make test-fast leaves it out

RANDOM_KILLS = 8
SEED = 8
FIGURES: dict = {"faults": []}


@dataclass
class Snapshot:
    """A complete build in service: where the link points, a digest of every file, what the stores hold."""

    target: Path
    digest: str
    nodes: int
    quads: int


def _digest(build: Path) -> str:
    """Every file's path and content (the lease file is empty and may be created by readers)."""
    total = hashlib.sha256()
    for path in sorted(p for p in build.rglob("*") if p.is_file() and p.name != LEASE_FILE):
        total.update(str(path.relative_to(build)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def _counts(build: Path) -> tuple[int, int]:
    """Nodes in LadybugDB and quads in Oxigraph, both opened read-only as a server does."""
    with open_cypher(build) as cypher:
        (nodes,) = cypher.query("MATCH (n) RETURN count(n)")[1][0]
    sparql = open_sparql(build)
    try:
        (row,) = list(sparql.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        quads = int(row[0].value)
    finally:
        del sparql
    return nodes, quads


def _snapshot(data_dir: Path) -> Snapshot:
    target = DataDir(data_dir).current()
    assert target is not None
    return Snapshot(target, _digest(target), *_counts(target))


def _command(data_dir: Path, corpus: Path = CORPUS) -> list[str]:
    return [sys.executable, "-m", "policykg.cli", "build", "--corpus", str(corpus), "--data-dir", str(data_dir)]


def _start(data_dir: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(_command(data_dir), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            **kwargs)


def _check_service(data_dir: Path, previous: Snapshot) -> tuple[str, Snapshot]:
    """The build in service is complete: the previous one unchanged, or a new one, whole. Which, and its snapshot."""
    link = data_dir / "current"
    assert link.is_symlink(), "no current link"
    target = DataDir(data_dir).current()
    assert target is not None and target.parent == data_dir / "builds", os.readlink(link)
    assert target.suffix != ".partial", f"a half-written build is in service: {target}"
    if previous.target.exists():
        assert _digest(previous.target) == previous.digest, "the previous build changed"
    if target == previous.target:
        assert _counts(target) == (previous.nodes, previous.quads)
        return "previous", previous
    now = _snapshot(data_dir)  # switched before the kill: it must be whole
    assert (now.nodes, now.quads) == (previous.nodes, previous.quads), "a new build in service is incomplete"
    return "new", now


def _leftovers(data_dir: Path) -> dict[str, int]:
    builds = data_dir / "builds"
    current = DataDir(data_dir).current()
    return {"partial": len(list(builds.glob("*.partial"))),
            "finished_not_in_service": sum(1 for p in builds.iterdir() if p.suffix != ".partial" and p != current),
            "temporary_links": len(list(data_dir.glob(".current-*")))}


@pytest.fixture(scope="module")
def data_dir():
    """A data directory with one complete build in service."""
    folder = Path(tempfile.mkdtemp(prefix="policykg-faults-"))
    started = time.perf_counter()
    subprocess.run(_command(folder), cwd=ROOT, check=True, capture_output=True)
    FIGURES["build_seconds"] = round(time.perf_counter() - started, 2)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
    (_artifacts() / "build_faults.json").write_text(json.dumps(FIGURES, indent=1))


def _artifacts() -> Path:
    path = Path(os.environ.get("POLICYKG_ARTIFACTS", Path(__file__).parent / "artifacts"))
    path.mkdir(exist_ok=True)
    return path


def _wait_for(process: subprocess.Popen, builds: Path, before: set[str],
              ready: Callable[[Path], bool], timeout: float = 120) -> bool:
    """Poll (every ~0.2 ms) until the child's new ``.partial`` folder satisfies ``ready``; False if it ended first."""
    partial = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if partial is None:
            new = [name for name in os.listdir(builds) if name.endswith(".partial") and name not in before]
            partial = builds / new[0] if new else None
        if partial is not None and ready(partial):
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.0002)
    raise TimeoutError("the build never reached the stage")


def _record(kind: str, at: str, process: subprocess.Popen, outcome: str) -> None:
    FIGURES["faults"].append({"kind": kind, "at": at, "killed": process.returncode == -signal.SIGKILL,
                              "in_service_after": outcome})


def test_sigkill_at_any_point_leaves_a_complete_build_in_service_and_the_next_build_clears_up(data_dir):
    builds = data_dir / "builds"
    previous = _snapshot(data_dir)
    duration = FIGURES["build_seconds"]

    # 1. seeded random delays, one in each of RANDOM_KILLS equal slices of the build's duration
    rng = random.Random(SEED)
    delays = [duration * (0.03 + 0.94 * (i + rng.random()) / RANDOM_KILLS) for i in range(RANDOM_KILLS)]
    for delay in delays:
        process = _start(data_dir)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        outcome, previous = _check_service(data_dir, previous)
        _record("random", f"{delay:.2f} s", process, outcome)

    # 2. at each stage, as soon as its files appear in the build folder
    stages = {"dataset written": lambda p: (p / "dataset.nq").exists(),
              "LadybugDB being written": lambda p: (p / "cypher").exists(),
              "Oxigraph being written": lambda p: (p / "sparql").exists(),
              "publish (the .partial renamed)": lambda p: not p.exists()}
    for stage, ready in stages.items():
        before = set(os.listdir(builds))
        process = _start(data_dir)
        reached = _wait_for(process, builds, before, ready)
        process.send_signal(signal.SIGKILL)
        process.wait()
        outcome, previous = _check_service(data_dir, previous)
        _record("stage", stage if reached else f"{stage} (not reached: the build ended)", process, outcome)

    # 3. frozen mid-publish (SIGSTOP the moment the rename is seen), looked at, then killed
    before = set(os.listdir(builds))
    process = _start(data_dir)
    assert _wait_for(process, builds, before, lambda p: not p.exists())
    process.send_signal(signal.SIGSTOP)
    try:
        frozen, _ = _check_service(data_dir, previous)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    outcome, previous = _check_service(data_dir, previous)
    _record("stopped then killed", f"publish (in service while frozen: {frozen})", process, outcome)

    killed = [f for f in FIGURES["faults"] if f["killed"]]
    assert len(killed) >= RANDOM_KILLS + 3, FIGURES["faults"]  # a kill may land after a fast build ended
    FIGURES["leftovers_before_next_build"] = _leftovers(data_dir)
    assert FIGURES["leftovers_before_next_build"]["partial"] >= 1  # the kills did leave half-written folders

    # 4. the next build succeeds, is put in service, and removes what the killed builds left
    result = subprocess.run(_command(data_dir), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    final = _snapshot(data_dir)
    assert final.target not in {previous.target} and (final.nodes, final.quads) == (previous.nodes, previous.quads)
    after = _leftovers(data_dir)
    FIGURES["leftovers_after_next_build"] = after
    assert after["partial"] == 0 and after["temporary_links"] == 0, after
    assert after["finished_not_in_service"] <= KEEP_BUILDS - 1, after
    FIGURES["injected"] = len(FIGURES["faults"])
    FIGURES["killed"] = len(killed)
    FIGURES["survived"] = len(killed)  # every check above passed after each one


def _unchanged(data_dir: Path, before: Snapshot) -> None:
    assert _snapshot(data_dir) == before
    assert not list((data_dir / "builds").glob("*.partial"))


def test_a_corpus_with_nothing_loadable_leaves_the_graph_in_service(data_dir, tmp_path):
    before = _snapshot(data_dir)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 4)
    result = subprocess.run(_command(data_dir, bad), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "skipped empty.txt: the file is empty" in lines
    assert "skipped binary.txt: the file is binary (it holds NUL bytes), not text" in lines
    assert f"build failed: no document in {bad} could be loaded (2 file(s) skipped): nothing was put in service" \
        in lines, result.stderr
    assert f"the graph in service is unchanged: {before.target}" in lines
    _unchanged(data_dir, before)

    nothing = tmp_path / "nothing"
    nothing.mkdir()
    result = subprocess.run(_command(data_dir, nothing), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert (f"build failed: the corpus folder {nothing} holds no document (.txt, .html, .htm, .pdf, .docx): "
            "nothing was put in service") \
        in result.stderr.splitlines(), result.stderr
    _unchanged(data_dir, before)
    FIGURES["failed_builds"] = FIGURES.get("failed_builds", 0) + 2


@pytest.mark.parametrize("where", ["dataset.nq", "LadybugDB"])
def test_a_write_that_fails_leaves_the_graph_in_service(data_dir, where):
    """A file-size limit (RLIMIT_FSIZE: writes past it fail with EFBIG) stands in for a full disk: 1 MB stops the
    dataset; halfway between the corpus's dataset.nq and its LadybugDB file (measured on the build in service,
    as both grow with what the loaders read) stops LadybugDB."""
    before = _snapshot(data_dir)
    dataset = (before.target / DATASET_FILE).stat().st_size
    graph = (before.target / CYPHER_DIR / CYPHER_FILE).stat().st_size
    assert dataset < graph, "the LadybugDB file is no longer the largest: choose another file to stop"
    limit = 1024 * 1024 if where == "dataset.nq" else (dataset + graph) // 2
    result = subprocess.run(_command(data_dir), cwd=ROOT, capture_output=True, text=True, timeout=300,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    message = "build failed: the build could not be written: " + (
        "[Errno 27] File too large" if where == "dataset.nq" else "LadybugDB could not write the build: IO exception: ")
    assert message in result.stderr, result.stderr  # LadybugDB's own words vary: "Cannot write…", "Cannot read…"
    assert f"the graph in service is unchanged: {before.target}" in result.stderr.splitlines()
    _unchanged(data_dir, before)
    FIGURES["failed_builds"] = FIGURES.get("failed_builds", 0) + 1


def test_a_data_directory_that_cannot_be_written_leaves_the_graph_in_service(data_dir):
    """The builds folder is made read-only; root writes anyway, so as root the build runs without the
    capabilities that let it (util-linux setpriv)."""
    before = _snapshot(data_dir)
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root, which writes anywhere, and setpriv is missing to drop that power")
        prefix = list(ROOT_WITHOUT_OVERRIDE)
    (data_dir / "builds").chmod(0o555)
    try:
        result = subprocess.run([*prefix, *_command(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                                env={**os.environ, "HOME": "/tmp"})
    finally:
        (data_dir / "builds").chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert "build failed: the build could not be written: [Errno 13] Permission denied" in result.stderr, \
        result.stderr
    assert f"the graph in service is unchanged: {before.target}" in result.stderr.splitlines()
    _unchanged(data_dir, before)
    FIGURES["failed_builds"] = FIGURES.get("failed_builds", 0) + 1


# -- the pruning rule, in process: never a live build's folder; a dead one's at once -------------------------

def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _old(path: Path, hours: float = 2) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_a_build_being_written_is_never_pruned_however_long_it_runs(tmp_path):
    slow, other = DataDir(tmp_path), DataDir(tmp_path)
    writing = slow.new_build()
    _old(writing)  # an hour and more: the old rule removed it
    other.publish(other.new_build())
    assert writing.is_dir()
    final = slow.publish(writing)
    assert DataDir(tmp_path).current() == final


def test_what_killed_builds_left_is_removed_by_the_next_build(tmp_path):
    store = DataDir(tmp_path)
    store.builds.mkdir(parents=True)
    dead, alive = _dead_pid(), os.getppid()  # not our own pid: publish reuses .current-<own pid>
    killed = store.builds / f"20200101T000000-{dead}.partial"  # leased, and its writer died
    killed.mkdir()
    (killed / LEASE_FILE).touch()
    just_made = store.builds / f"20200101T000001-{alive}.partial"  # the instant before its writer takes the lease
    just_made.mkdir()
    reused = store.builds / f"20200101T000002-{alive}.partial"  # no lease, pid alive (reused), over an hour old
    reused.mkdir()
    _old(reused)
    (tmp_path / f".current-{dead}").symlink_to("builds/x")  # a publish killed between its link and the swap
    (tmp_path / f".current-{alive}").symlink_to("builds/y")  # a publish of a live process, mid-way
    store.publish(store.new_build())
    assert not killed.exists() and not reused.exists() and just_made.is_dir()
    assert not (tmp_path / f".current-{dead}").is_symlink() and (tmp_path / f".current-{alive}").is_symlink()
