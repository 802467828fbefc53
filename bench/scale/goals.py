"""The issue's goals, as figures with met/missed; nothing fails when one is missed.

* build: the build of 5,000 documents takes at most 1.2 × (1,000 × the build of the 5);
* traversal routes (``/api/programmes?group=…``, ``…/neighbours?depth=2``) on the 5,000-document
  graph at 16 clients: at least 50% of the ceiling's throughput, and p99 at most 20 ms.

A goal whose N was not measured says so and shows the figure at the largest N that was.
"""

from __future__ import annotations

from typing import Any

from bench.scale.query_bench import ROUTES, TRAVERSAL

BUILD_N, BUILD_BASE, BUILD_FACTOR = 5000, 5, 1.2
QUERY_N, QUERY_CLIENTS, MIN_OF_CEILING, MAX_P99_MS = 5000, 16, 0.5, 20.0


def _status(met: bool, n: int, wanted: int) -> str:
    if n != wanted:
        return f"not measured at N={wanted} (figure at N={n})"
    return "met" if met else "missed"


def evaluate(build: dict[str, Any], query: dict[str, Any]) -> list[dict[str, Any]]:
    goals: list[dict[str, Any]] = []
    built = {r["n"]: r for r in build.values() if r.get("status") == "ok"}
    goal = f"build of {BUILD_N:,} documents ≤ {BUILD_FACTOR} × ({BUILD_N // BUILD_BASE:,} × build of {BUILD_BASE})"
    if BUILD_BASE in built and len(built) > 1:
        n = BUILD_N if BUILD_N in built else max(built)
        base, big = built[BUILD_BASE]["seconds"], built[n]["seconds"]
        factor = big / (base * n / BUILD_BASE)
        goals.append({"goal": goal, "n": n, "value": factor,
                      "measured": f"{big:,.1f} s = {factor:.2f} × ({n // BUILD_BASE:,} × {base:.2f} s)",
                      "status": _status(factor <= BUILD_FACTOR, n, BUILD_N)})
    else:
        goals.append({"goal": goal, "n": None, "value": None, "measured": "–",
                      "status": f"not measured (needs builds of {BUILD_BASE} and a larger N)"})
    sizes = {int(k): v for k, v in query.get("sizes", {}).items() if v.get("status") == "ok"}
    for route in TRAVERSAL:
        goal = (f"{ROUTES[route]} at {QUERY_CLIENTS} clients on {QUERY_N:,} documents: ≥ {MIN_OF_CEILING:.0%} "
                f"of the ceiling, p99 ≤ {MAX_P99_MS:.0f} ms")
        runs = {n: s["routes"].get(route, {}).get("runs", {}).get(str(QUERY_CLIENTS)) for n, s in sizes.items()}
        runs = {n: run for n, run in runs.items() if run}
        if not runs:
            goals.append({"goal": goal, "n": None, "value": None, "measured": "–",
                          "status": f"not measured (needs {QUERY_CLIENTS} clients in --clients)"})
            continue
        n = QUERY_N if QUERY_N in runs else max(runs)
        run = runs[n]
        share, p99 = run.get("of_ceiling") or 0.0, run.get("p99_ms", float("inf"))
        goals.append({"goal": goal, "n": n, "value": {"of_ceiling": share, "p99_ms": p99},
                      "measured": f"{share:.0%} of the ceiling ({run['rps']:,.0f} req/s), p99 {p99:.1f} ms",
                      "status": _status(share >= MIN_OF_CEILING and p99 <= MAX_P99_MS, n, QUERY_N)})
    return goals
