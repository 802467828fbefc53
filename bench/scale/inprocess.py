"""The routes' questions without HTTP: ``python -m bench.scale.inprocess BUILD OUT.json --programme ID``.

Opens the build as the server does (``open_reader("embedded")``, ``open_lookups``: the
time to open the build's prepared tables is a figure) and calls what each route calls, one
call at a time, ``--reps`` times or until ``--budget`` seconds are spent:

* ``lookup``      ``programmes.detail_text`` of one programme (``/api/programmes/{id}``);
* ``group``       ``programmes.find`` with ``group=老年人`` and its narrower groups, a page of 50,
                  and their cards (``/api/programmes?group=老年人``), read from the prepared tables;
* ``group uncached`` the same, with the entries kept by the entity index forgotten before each call;
* ``neighbours``  ``graph.neighbourhood.neighbours`` at depth 2, 300 nodes (``…/neighbours?depth=2``);
* ``sparql``      the group-hierarchy query of ``bench/api_latency.py`` on the read-only pyoxigraph
                  store, union default graph, every solution read (``/sparql``, without its worker).

What is left out is the HTTP stack, parameter checks, pydantic and JSON.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.scale.procs import peak_rss_self, write_json

GROUP = "老年人"
PAGE = 50  # the route's default limit
NEIGHBOURS = {"depth": 2, "max_nodes": 300}  # the route's default limit


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (as wrk reports them)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def timed(call: Callable[[], Any], reps: int, budget: float, warm: int = 3) -> dict[str, Any]:
    for _ in range(warm):
        answer = call()
    times: list[float] = []
    spent_from = time.perf_counter()
    while len(times) < reps and (not times or time.perf_counter() - spent_from < budget):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    total = sum(times)
    return {"reps": len(times), "p50_ms": percentile(times, 50) * 1e3, "p99_ms": percentile(times, 99) * 1e3,
            "mean_ms": statistics.fmean(times) * 1e3, "ops_per_second": len(times) / total if total else None,
            "answer_size": _size(answer)}


def _size(answer: Any) -> dict[str, Any] | None:
    """How big the answer was, to read the timings by."""
    if isinstance(answer, dict) and "nodes" in answer:
        return {"nodes": len(answer["nodes"]), "edges": len(answer["edges"]), "truncated": answer["truncated"]}
    if isinstance(answer, tuple):
        return {"programmes": answer[0], "described": answer[1]}
    return {"rows": len(answer)} if hasattr(answer, "__len__") else None


def measure(build: Path, programme: str, reps: int, budget: float) -> dict[str, Any]:
    from policykg.graph.backends import open_reader
    from policykg.graph.backends.embedded import open_sparql
    from policykg.graph.questions import neighbourhood, programmes
    from policykg.graph.questions.prepare import open_lookups

    from bench.api_latency import SPARQL

    result: dict[str, Any] = {"build": str(build), "programme": programme, "reps": reps, "budget_seconds": budget}
    started = time.perf_counter()
    reader = open_reader("embedded", folder=build)
    result["open_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    lookups = open_lookups(reader, build)
    result["index_seconds"] = time.perf_counter() - started
    result["index_entries"] = sum(lookups.index.counts().values())
    entry = lookups.index.get(programme)
    group = lookups.index.resolve(GROUP, "TargetGroup")
    store = open_sparql(build)

    def group_page() -> tuple[int, int]:
        iris, total = programmes.find(lookups, programmes.ProgrammeFilter(group=group.iri), PAGE, 0)
        return total, len(programmes.card_texts(lookups, iris, lookups.narrower("TargetGroup", group.iri)))

    def group_page_first_ask() -> tuple[int, int]:
        lookups.forget()
        return group_page()

    calls: dict[str, Callable[[], Any]] = {
        "lookup": lambda: programmes.detail_text(lookups, entry.iri),
        "group": group_page,
        "group uncached": group_page_first_ask,
        "neighbours": lambda: neighbourhood.neighbours(lookups, entry.iri, NEIGHBOURS["depth"], None,
                                                       NEIGHBOURS["max_nodes"]),
        "sparql": lambda: list(store.query(SPARQL, use_default_graph_as_union=True)),
    }
    result["routes"] = {}
    for name, call in calls.items():
        result["routes"][name] = timed(call, reps, budget)
        figures = result["routes"][name]
        print(f"[in-process] {name:<10} p50 {figures['p50_ms']:8.2f} ms  p99 {figures['p99_ms']:8.2f} ms  "
              f"{figures['ops_per_second']:8.1f} ops/s ({figures['reps']} calls)", file=sys.stderr, flush=True)
    reader.close()
    result["ru_maxrss_self_bytes"] = peak_rss_self()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--programme", required=True, help="a programme id, as the API gives it")
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per question at most")
    args = parser.parse_args()
    write_json(args.out, measure(args.build, args.programme, args.reps, args.budget))
    return 0


if __name__ == "__main__":
    sys.exit(main())
