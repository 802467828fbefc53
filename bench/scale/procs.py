"""Run a measuring child (``python -m bench.scale.…``) and sample its process tree's memory meanwhile.

A build spreads its documents over worker processes (``policykg/build_pool.py``),
so the memory that matters is the whole tree's at one moment, not one process's
peak.  Every ``INTERVAL`` seconds the child and its descendants are read with
psutil: the sum of their PSS (proportional set size: a page shared by a forked
worker and its parent is counted once, split between them) and the sum of their
RSS (shared pages counted in each process).  Samples miss spikes shorter than the
interval; the child's own ``ru_maxrss`` (exact, that process only) is in its JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
INTERVAL = 0.2


@dataclass
class ChildRun:
    returncode: int
    seconds: float
    peak_pss: int = 0  # bytes, summed over the tree at the sampled moment of its maximum
    peak_rss: int = 0
    peak_processes: int = 0
    result: dict[str, Any] = field(default_factory=dict)  # the JSON the child wrote, if any

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def memory(self) -> dict[str, int]:
        return {"peak_tree_pss_bytes": self.peak_pss, "peak_tree_rss_bytes": self.peak_rss,
                "peak_processes": self.peak_processes}


def _tree_memory(process: psutil.Process) -> tuple[int, int, int]:
    pss = rss = count = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0, 0, 0
    for member in members:
        try:
            info = member.memory_full_info()
            pss += getattr(info, "pss", info.rss)
            rss += info.rss
            count += 1
        except psutil.Error:  # ended between listing and reading, or not ours to read
            continue
    return pss, rss, count


def run_module(module: str, args: list[str], out_json: Path, log: Path,
               env: dict[str, str] | None = None, echo: bool = True) -> ChildRun:
    """``python -m module *args`` from the repository root; its stderr goes to ``log`` (and the console)."""
    out_json.unlink(missing_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", module, *args]
    started = time.perf_counter()
    peak = [0, 0, 0]
    with log.open("w", encoding="utf-8") as handle:
        child = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                                 stdout=handle, stderr=subprocess.PIPE, text=True, bufsize=1)
        watched = psutil.Process(child.pid)
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                pss, rss, count = _tree_memory(watched)
                peak[0], peak[1], peak[2] = max(peak[0], pss), max(peak[1], rss), max(peak[2], count)
                stop.wait(INTERVAL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            _copy_progress(child, handle, echo)
            child.wait()
        except BaseException:  # this run stopped (Ctrl-C, SIGTERM): so does its child, not half an hour later
            child.terminate()
            child.wait()
            raise
        finally:
            stop.set()
            sampler.join()
    seconds = time.perf_counter() - started
    result = json.loads(out_json.read_text(encoding="utf-8")) if out_json.is_file() else {}
    return ChildRun(child.returncode, seconds, peak[0], peak[1], peak[2], result)


def _copy_progress(child: subprocess.Popen, handle: Any, echo: bool) -> None:
    """The child's progress lines (its stderr) into its log, and to the console when ``echo``."""
    assert child.stderr is not None
    for line in child.stderr:
        handle.write(line)
        handle.flush()
        if echo:
            sys.stderr.write("    " + line)


def tail(path: Path, lines: int = 15) -> str:
    """The end of a log, to say why a child failed."""
    if not path.is_file():
        return ""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write atomically, so a child killed mid-write leaves the previous figures."""
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    partial.replace(path)


def peak_rss_self() -> int:
    """This process's peak RSS in bytes (Linux reports kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
