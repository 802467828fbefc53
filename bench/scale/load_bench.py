"""Load figures per N: the embedded stores' load paths against their engines' own bulk loaders, same data.

Child: ``python -m bench.scale.load_bench BUILD_FOLDER OUT.json [--methods …]`` reads the
build's ``dataset.nq`` and loads it into fresh stores in a temporary folder:

* ``rdflib``  rdflib ``Dataset.parse`` of the N-Quads, then ``map``: ``graph.mapping.map_dataset``
  (needed for the property graph; rates for reference);
* ``cypher``  ``graph.embedded.write_cypher``, the build's path (CSV written by Python, then
  ``COPY FROM``), with the time inside LadybugDB's ``execute`` measured apart: ``engine`` is
  the same COPY statements (and the commit and checkpoint) at the engine's own speed;
* ``unwind``  LadybugDB Cypher ``UNWIND $rows … CREATE`` batches (``bench/load_embedded.load_unwind``);
* ``sparql``  ``graph.embedded.write_sparql``, the build's path (``bulk_load`` + flush + compaction + count);
* ``bulk``    pyoxigraph ``Store.bulk_load`` alone, the engine's bulk loader;
* ``txn``     pyoxigraph ``Store.load``, its transactional (non-bulk) loader.

The JSON is rewritten after each method, so a child killed midway (memory) keeps
the figures it had.  The parent (``run_loads``) runs one child per N.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from bench.scale.build_bench import data_dir
from bench.scale.procs import peak_rss_self, run_module, tail, write_json

METHODS = ("rdflib", "cypher", "unwind", "sparql", "bulk", "txn")


class _TimedConnection:
    """A LadybugDB connection whose ``execute`` time is added up (COPY statements also apart)."""

    totals: ClassVar[dict[str, float]] = {"engine": 0.0, "copy": 0.0, "statements": 0}

    def __init__(self, database: Any) -> None:
        import ladybug

        self._connection = ladybug.Connection(database)

    def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._connection.execute(query, *args, **kwargs)
        finally:
            spent = time.perf_counter() - started
            self.totals["engine"] += spent
            self.totals["statements"] += 1
            if query.lstrip().upper().startswith("COPY"):
                self.totals["copy"] += spent

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def _write_cypher_timed(pg: Any, directory: Path) -> dict[str, Any]:
    """``write_cypher`` as the build calls it, with LadybugDB's time measured inside it."""
    import ladybug
    from policykg.graph.backends import embedded

    class TimedLadybug:  # the ladybug module as graph.embedded sees it, but with timed connections
        Connection = _TimedConnection

        def __getattr__(self, name: str) -> Any:
            return getattr(ladybug, name)

    _TimedConnection.totals = {"engine": 0.0, "copy": 0.0, "statements": 0}
    original = embedded.ladybug
    embedded.ladybug = TimedLadybug()
    try:
        written = embedded.write_cypher(pg, directory)
    finally:
        embedded.ladybug = original
    return {**written, **{f"{k}_seconds" if k != "statements" else k: v for k, v in _TimedConnection.totals.items()}}


def measure(build: Path, out: Path, methods: tuple[str, ...]) -> dict[str, Any]:
    import pyoxigraph
    from policykg.graph.backends.embedded import write_sparql
    from policykg.graph.mapping.mapper import map_dataset
    from rdflib import Dataset

    from bench.load_embedded import load_unwind

    nquads = build / "dataset.nq"
    result: dict[str, Any] = {"build": str(build), "nquads_bytes": nquads.stat().st_size, "methods": {}}
    methods_out = result["methods"]

    def save() -> None:
        result["ru_maxrss_self_bytes"] = peak_rss_self()
        write_json(out, result)

    def failed(name: str, error: Exception) -> None:
        """A method that raised: its error is the figure, the other methods still run."""
        methods_out[name] = {"error": f"{error!r}"[:2000]}
        print(f"[load] {name:<18} failed: {error!r}"[:500], file=sys.stderr, flush=True)
        save()

    def step(name: str, rows: int, seconds: float, **extra: Any) -> None:
        methods_out[name] = {"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds if seconds else None,
                             **extra}
        print(f"[load] {name:<18} {rows:>12,} rows in {seconds:8.2f} s", file=sys.stderr, flush=True)
        save()

    result["quads"] = quads = sum(1 for line in nquads.open(encoding="utf-8") if line.strip())
    save()
    with tempfile.TemporaryDirectory(prefix="policykg-bench-load-", dir=out.parent) as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        dataset = Dataset()
        dataset.parse(nquads, format="nquads")
        step("rdflib parse", quads, time.perf_counter() - started)
        started = time.perf_counter()
        pg = map_dataset(dataset)
        rows = len(pg.nodes) + len(pg.relationships)
        result.update(nodes=len(pg.nodes), relationships=len(pg.relationships))
        step("map", rows, time.perf_counter() - started)
        del dataset
        gc.collect()
        if "cypher" in methods:
            try:
                written = _write_cypher_timed(pg, work / "cypher")
                step("cypher write_cypher", rows, written["cypher_seconds"],
                     engine_seconds=written["engine_seconds"], copy_seconds=written["copy_seconds"],
                     statements=written["statements"])
                step("cypher engine", rows, written["engine_seconds"])
            except Exception as error:  # noqa: BLE001 - e.g. a COPY the engine refuses: reported, go on
                failed("cypher write_cypher", error)
        if "unwind" in methods:
            (work / "unwind").mkdir()
            try:
                step("cypher unwind", rows, load_unwind(pg, work / "unwind" / "graph.lbug"))
            except Exception as error:  # noqa: BLE001
                failed("cypher unwind", error)
        del pg
        gc.collect()
        timed: dict[str, Callable[[], Any]] = {}
        if "sparql" in methods:
            timed["sparql write_sparql"] = lambda: write_sparql(nquads, work / "sparql")
        if "bulk" in methods:
            timed["sparql bulk_load"] = lambda: pyoxigraph.Store(str(work / "bulk")).bulk_load(
                path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
        if "txn" in methods:
            timed["sparql load (txn)"] = lambda: pyoxigraph.Store(str(work / "txn")).load(
                path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
        for name, run in timed.items():
            started = time.perf_counter()
            try:
                run()
            except Exception as error:  # noqa: BLE001
                failed(name, error)
                continue
            gc.collect()  # the Store is unreferenced: RocksDB closes here, inside the timing
            step(name, quads, time.perf_counter() - started)
    ratios(result)
    save()
    return result


def ratios(result: dict[str, Any]) -> None:
    """The figures that matter: each build path's rate over its engine's bulk loader's, same data."""
    m = result.get("methods", {})

    def rate(name: str) -> float | None:
        return (m.get(name) or {}).get("rows_per_second")

    pairs = {"cypher_vs_engine": ("cypher write_cypher", "cypher engine"),
             "unwind_vs_copy": ("cypher unwind", "cypher write_cypher"),
             "sparql_vs_bulk_load": ("sparql write_sparql", "sparql bulk_load"),
             "txn_vs_bulk_load": ("sparql load (txn)", "sparql bulk_load")}
    result["ratios"] = {key: rate(a) / rate(b) for key, (a, b) in pairs.items() if rate(a) and rate(b)}


def run_loads(sizes: list[int], work: Path, out: Path, methods: tuple[str, ...],
              say: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """One child per N with a build in ``work``."""
    results: dict[str, dict[str, Any]] = {}
    for n in sizes:
        current = data_dir(work, n) / "current"
        if not current.exists():
            results[str(n)] = {"n": n, "status": "missing", "error": f"no build of {n} documents in {work}"}
            continue
        say(f"load N={n}: {', '.join(methods)}")
        folder = out / "load"
        folder.mkdir(parents=True, exist_ok=True)
        target, log = folder / f"load-{n}.json", folder / f"load-{n}.log"
        run = run_module("bench.scale.load_bench", [str(current.resolve()), str(target), "--methods",
                                                   ",".join(methods)], target, log)
        result = {"n": n, **run.result, **run.memory(), "process_seconds": run.seconds}
        result["status"] = "ok" if run.ok else "failed"
        if not run.ok:
            result["error"] = f"exit status {run.returncode}; log: {log}\n{tail(log)}"
            say(f"load N={n}: [red]failed[/red]: {result['error']}")
        results[str(n)] = result
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--methods", default=",".join(METHODS))
    args = parser.parse_args()
    methods = tuple(m for m in args.methods.split(",") if m)
    measure(args.build, args.out, methods)
    return 0


if __name__ == "__main__":
    sys.exit(main())
