"""Build figures per N: documents and triples per second, peak memory, the share of each stage.

Each build runs in its own process (``build_runner``) into ``WORK/build-N/data``,
from an empty data directory, so its memory is its own; ``procs`` samples the
process tree (the build's worker processes included).  The figures are kept in
``WORK/build-N/build.json`` and reused by a later run with the same ``--work``
when the corpus is the same (its fingerprint) and the build is still on disk,
unless ``--rebuild``: a 5,000-document build takes long.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.scale.corpora import CorpusUnavailable, corpus_for
from bench.scale.procs import run_module, tail, write_json

# Stages in the order a build meets them; a stage the build names and this list does not is shown after them.
STAGE_ORDER = ["start", "parse", "rdf", "validate", "graph", "dataset", "align", "ontology", "map", "load",
               "cypher", "sparql", "prepare", "map+publish", "publish", "other"]
Say = Callable[[str], None]


def data_dir(work: Path, n: int) -> Path:
    return work / f"build-{n}" / "data"


def has_build(work: Path, n: int) -> bool:
    return (data_dir(work, n) / "current").exists()


def run_builds(sizes: list[int], work: Path, generator: str, seed: int, rebuild: bool, skip: bool,
               workers: int | None, say: Say) -> dict[str, dict[str, Any]]:
    results = {str(n): build_one(n, work, generator, seed, rebuild, skip, workers, say) for n in sizes}
    add_scaling(results)
    return results


def _cached(work: Path, n: int) -> dict[str, Any] | None:
    import json

    path = work / f"build-{n}" / "build.json"
    if not path.is_file() or not has_build(work, n):
        return None
    result = json.loads(path.read_text(encoding="utf-8"))
    return result if result.get("status") == "ok" else None


def build_one(n: int, work: Path, generator: str, seed: int, rebuild: bool, skip: bool, workers: int | None,
              say: Say) -> dict[str, Any]:
    folder = work / f"build-{n}"
    cached = _cached(work, n)
    if skip:
        if cached:
            say(f"build N={n}: --skip-build, using the figures of {cached.get('measured_at')}")
            return {**cached, "cached": True}
        return {"n": n, "status": "missing", "error": f"--skip-build and no build of {n} in {work}"}
    try:
        say(f"build N={n}: corpus")
        corpus = corpus_for(n, work, generator, seed)
    except CorpusUnavailable as error:
        say(f"build N={n}: [red]{error}[/red]")
        return {"n": n, "status": "unavailable", "error": str(error)}
    if cached and not rebuild and cached.get("corpus_fingerprint") == corpus.fingerprint:
        say(f"build N={n}: reusing the build of {cached.get('measured_at')} in {folder} (--rebuild to redo it)")
        return {**cached, "cached": True}
    target = data_dir(work, n)
    if target.exists():
        shutil.rmtree(target)
    folder.mkdir(parents=True, exist_ok=True)
    say(f"build N={n}: building {corpus.path} ({corpus.documents} documents) → {target}")
    env = {"POLICYKG_BUILD_WORKERS": str(workers)} if workers else {}
    load_before = os.getloadavg()
    out, log = folder / "runner.json", folder / "build.log"
    run = run_module("bench.scale.build_runner", [str(corpus.path), str(target), str(out)], out, log, env)
    result: dict[str, Any] = {
        "n": n, "corpus": str(corpus.path), "synthetic": corpus.synthetic, "corpus_fingerprint": corpus.fingerprint,
        "generated_seconds": corpus.generated_seconds, **run.result, **run.memory(),
        "process_seconds": run.seconds, "returncode": run.returncode,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(), "cached": False,
    }
    if run.ok and result.get("seconds"):
        result["status"] = "ok"
        derive(result)
    else:
        result["status"] = "failed"
        why = f"killed by signal {-run.returncode}" if run.returncode < 0 else f"exit status {run.returncode}"
        result["error"] = f"{result.get('error') or why} ({why}); log: {log}\n{tail(log)}"
        say(f"build N={n}: [red]failed[/red]: {result['error']}")
    write_json(folder / "build.json", result)
    return result


def derive(result: dict[str, Any]) -> None:
    """Rates, and seconds and shares per stage."""
    seconds = result["seconds"]
    result["documents_per_second"] = result.get("loaded", 0) / seconds
    result["triples_per_second"] = result.get("triples", 0) / seconds
    stages, source = stage_seconds(result)
    total = sum(stages.values()) or 1.0
    result["stage_seconds"], result["stage_source"] = stages, source
    result["stage_shares"] = {stage: value / total for stage, value in stages.items()}


def stage_seconds(result: dict[str, Any]) -> tuple[dict[str, float], str]:
    """The build's own per-stage seconds when it reports them, else the wall-clock phases from its progress
    calls with the store writes (``stores``) carved out of the ``load`` phase."""
    seconds, stores = result["seconds"], result.get("stores", {})
    if result.get("stages"):
        stages = {k: float(v) for k, v in result["stages"].items()}
        other = seconds - sum(stages.values())
        if other > 0.01 * seconds:  # not negative: per-document stages may be summed over worker processes
            stages["other"] = other
        return ordered(stages), "build"
    stages = {k: float(v) for k, v in result.get("phases", {}).items()}
    if "load" in stages and "cypher" not in stages and "cypher_seconds" in stores:
        rest = stages.pop("load") - stores["cypher_seconds"] - stores.get("sparql_seconds", 0.0)
        stages["cypher"], stages["sparql"] = stores["cypher_seconds"], stores.get("sparql_seconds", 0.0)
        stages["publish" if "map" in stages else "map+publish"] = max(rest, 0.0)
    return ordered(stages), "progress"


def ordered(stages: dict[str, float]) -> dict[str, float]:
    known = [s for s in STAGE_ORDER if s in stages]
    return {s: stages[s] for s in known + sorted(set(stages) - set(known))}


def add_scaling(results: dict[str, dict[str, Any]]) -> None:
    """Each build's seconds over the linear extrapolation from the smallest N built: 1.0 is linear."""
    built = sorted((r["n"], r["seconds"]) for r in results.values() if r.get("status") == "ok")
    if not built:
        return
    base_n, base_s = built[0]
    for result in results.values():
        if result.get("status") == "ok":
            result["linear_base_n"] = base_n
            result["vs_linear"] = result["seconds"] / (base_s * result["n"] / base_n)
