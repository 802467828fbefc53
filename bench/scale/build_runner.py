"""One build, measured: ``python -m bench.scale.build_runner CORPUS DATA_DIR OUT.json``.

Calls ``policykg.build.build(corpus, data_dir, progress)`` in this fresh process
and writes what it learnt to ``OUT.json``:

* ``seconds``, ``triples``, ``stores``, ``stages`` from the ``BuildReport`` (``stages``
  is the build's own accounting when it keeps one: per-document stages summed
  over its worker processes, the others in this process);
* ``phases``: wall-clock seconds attributed from the progress calls, each interval
  between two calls to the stage named in the earlier one (the last one runs to
  the end of ``build``), so they add up to the build's wall time;
* ``import_seconds``, ``ru_maxrss`` of this process and of its waited-for children.

A line on stderr every ``STATUS_EVERY`` seconds says where a long build is.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

STATUS_EVERY = 20.0


def main(argv: list[str]) -> int:
    corpus, data_dir, out = Path(argv[0]), Path(argv[1]), Path(argv[2])
    from bench.scale.procs import write_json

    began = time.perf_counter()
    from policykg.build import BuildError, build

    imported = time.perf_counter()
    documents = sum(1 for _ in corpus.glob("*.txt"))
    phases: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    state = {"stage": "start", "since": 0.0, "status": 0.0}

    def progress(name: str, stage: str) -> None:
        now = time.perf_counter()
        phases[state["stage"]] += now - state["since"]
        state["stage"], state["since"] = stage, now
        calls[stage] += 1
        if now - state["status"] >= STATUS_EVERY:
            state["status"] = now
            print(f"[build {documents}] {now - began:7.0f} s  {stage:<9} ({calls[stage]} calls)", file=sys.stderr,
                  flush=True)

    result: dict = {"corpus": str(corpus), "documents": documents, "import_seconds": imported - began,
                    "workers_env": os.environ.get("POLICYKG_BUILD_WORKERS"), "workers": _workers(documents)}
    state["since"] = state["status"] = time.perf_counter()
    started = state["since"]
    report, status = None, 0
    try:
        report = build(corpus, data_dir, progress)
    except BuildError as error:
        report, status = error.report, 1
        result["error"] = str(error)
    except Exception as error:  # noqa: BLE001 - a build that crashed is a figure too
        status = 1
        result["error"] = f"{error!r}"
        result["traceback"] = traceback.format_exc()
    ended = time.perf_counter()
    phases[state["stage"]] += ended - state["since"]
    result.update(wall_seconds=ended - started, phases=dict(phases), progress_calls=dict(calls))
    if report is not None:
        failed = [d for d in report.documents if d.error]
        result.update(seconds=report.seconds, triples=report.triples, stores=dict(report.stores),
                      stages=dict(getattr(report, "stages", {}) or {}), loaded=len(report.documents) - len(failed),
                      failed=len(failed), failures=[d.error[:300] for d in failed[:5]],
                      build_dir=str(report.build_dir) if report.build_dir else None)
    result["ru_maxrss_self_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result["ru_maxrss_children_bytes"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    write_json(out, result)
    return status


def _workers(documents: int) -> int | None:
    """The processes the build will parse with (a build without a pool: None)."""
    try:
        from policykg.build_pool import build_workers
    except ImportError:
        return None
    return build_workers(None, documents)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
