"""Query figures: wrk against three API routes, SPARQL, the API without a store and the ceiling; and in-process.

For each N with a build: start ``policykg serve`` on it, pick the ids from the API
itself (the first programme serving 老年人, else the first programme), warm each
route up (three GETs, each must answer 200), then run wrk for ``seconds`` at each
client count; then the REST routes again on a server with the answer cache off.
The ceiling app is measured the same way before the first N and after the last
(its drift says how steady the machine was); routes are reported against the
mean of the two.  After the server stops, ``inprocess`` times the same questions
with no HTTP.
"""

from __future__ import annotations

import json
import os
import statistics
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.api_latency import SPARQL
from bench.scale import loadgen
from bench.scale.build_bench import data_dir
from bench.scale.procs import run_module, tail
from bench.scale.servers import Server, ceiling_server, get, policykg_server

GROUP = "老年人"
# name → the route as the issue names it; TRAVERSAL: the routes the throughput goal is about
ROUTES = {
    "lookup": "/api/programmes/{id}",
    "group": "/api/programmes?group=老年人",
    "neighbours": "/api/entities/{id}/neighbours?depth=2",
    "sparql": "/sparql (group hierarchy, GET)",
    "health": "/api/health (the API, no store)",
}
# The REST routes again on a server with the answer cache off (POLICYKG_ANSWER_CACHE_MB=0): every request asks
# the store.  The default server answers a repeated URL from the cache, which is what wrk measures there.
UNCACHED = ("lookup", "group", "neighbours")
ROUTES |= {f"{name} uncached": f"{ROUTES[name]}, answer cache off" for name in UNCACHED}
TRAVERSAL = ("group", "neighbours", "group uncached", "neighbours uncached")
Say = Callable[[str], None]


def paths(programme: str) -> dict[str, str]:
    quoted = urllib.parse.quote(programme, safe="/")
    return {
        "lookup": f"/api/programmes/{quoted}",
        "group": "/api/programmes?" + urllib.parse.urlencode({"group": GROUP}),
        "neighbours": f"/api/entities/{quoted}/neighbours?depth=2",
        "sparql": "/sparql?" + urllib.parse.urlencode({"query": SPARQL}),
        "health": "/api/health",
    }


def pick_programme(server: Server) -> str:
    """The first programme serving 老年人 (or any programme), as the API lists them: works on any corpus."""
    for query in ({"group": GROUP, "limit": 1}, {"limit": 1}):
        status, body, _ = get(server.url + "/api/programmes?" + urllib.parse.urlencode(query))
        items = json.loads(body).get("items", []) if status == 200 else []
        if items:
            return items[0]["id"]
    raise RuntimeError("the graph has no programme: nothing to look up")


def load_route(url: str, clients: list[int], seconds: float, warm: int = 3) -> dict[str, Any]:
    """Warm-up GETs (the first one's time is kept: cold), then wrk at each client count."""
    route: dict[str, Any] = {"url": url, "runs": {}}
    for i in range(warm):
        status, body, spent = get(url, timeout=600)  # a cold answer on a big graph may be slow
        if i == 0:
            route.update(first_ms=spent * 1e3, bytes=len(body))
        if status != 200:
            route["error"] = f"HTTP {status}: {body[:300].decode('utf-8', 'replace')}"
            return route
    for count in clients:
        route["runs"][str(count)] = loadgen.run(url, count, seconds)
        time.sleep(0.5)
    return route


def ceiling(clients: list[int], seconds: float, logs: Path, say: Say) -> dict[str, Any]:
    say("query: the ceiling (bare FastAPI route)")
    from bench.scale.ceiling_app import PATH

    with ceiling_server(logs / "ceiling.log") as server:
        return load_route(server.url + PATH, clients, seconds)


def one_size(n: int, work: Path, clients: list[int], seconds: float, reps: int, programme: str | None,
             server_timeout: float, logs: Path, say: Say) -> dict[str, Any]:
    folder = data_dir(work, n)
    result: dict[str, Any] = {"n": n, "routes": {}}
    say(f"query N={n}: starting policykg serve on {folder}")
    with policykg_server(folder, logs / f"serve-{n}.log", server_timeout) as server:
        result["ready_seconds"] = server.ready_seconds
        result["programme"] = programme = programme or pick_programme(server)
        routes = paths(programme)
        result["loadavg_before"] = os.getloadavg()
        for name, path in routes.items():
            say(f"query N={n}: {name} {ROUTES[name]} at {', '.join(map(str, clients))} clients")
            result["routes"][name] = load_route(server.url + path, clients, seconds)
        result["server_rss_bytes"] = {**server.rss, "after_load": server.tree_rss()}
    say(f"query N={n}: starting policykg serve with the answer cache off")
    with policykg_server(folder, logs / f"serve-{n}-uncached.log", server_timeout,
                         {"POLICYKG_ANSWER_CACHE_MB": "0"}) as server:
        for name in UNCACHED:
            say(f"query N={n}: {name} uncached at {', '.join(map(str, clients))} clients")
            result["routes"][f"{name} uncached"] = load_route(server.url + routes[name], clients, seconds)
        result["loadavg_after"] = os.getloadavg()
    say(f"query N={n}: in-process")
    build = (folder / "current").resolve()
    target, log = logs / f"inprocess-{n}.json", logs / f"inprocess-{n}.log"
    run = run_module("bench.scale.inprocess", [str(build), str(target), "--programme", programme,
                                               "--reps", str(reps), "--budget", str(seconds)], target, log)
    result["inprocess"] = run.result if run.ok else {"error": f"exit status {run.returncode}\n{tail(log)}"}
    return result


def run_queries(sizes: list[int], work: Path, out: Path, clients: list[int], seconds: float, reps: int,
                programme: str | None, server_timeout: float, say: Say) -> dict[str, Any]:
    logs = out / "query"
    logs.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"clients": clients, "seconds": seconds, "sizes": {}}
    present = [n for n in sizes if (data_dir(work, n) / "current").exists()]
    for n in sizes:
        results["sizes"][str(n)] = {"n": n, "status": "missing", "error": f"no build of {n} documents in {work}"}
    if not present:
        return results
    results["ceiling_before"] = ceiling(clients, seconds, logs, say)
    for n in present:
        try:
            results["sizes"][str(n)] = {**one_size(n, work, clients, seconds, reps, programme, server_timeout,
                                                   logs, say), "status": "ok"}
        except Exception as error:  # noqa: BLE001 - one size failing (server did not start): report, go on
            say(f"query N={n}: [red]failed[/red]: {error}")
            results["sizes"][str(n)] = {"n": n, "status": "failed", "error": str(error)}
    results["ceiling_after"] = ceiling(clients, seconds, logs, say)
    results["ceiling"] = combined_ceiling(results["ceiling_before"], results["ceiling_after"])
    add_ratios(results)
    return results


def combined_ceiling(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Per client count: the mean rps of the two ceiling runs, and how far apart they were."""
    combined = {}
    for count, first in before.get("runs", {}).items():
        second = after.get("runs", {}).get(count)
        values = [first["rps"]] + ([second["rps"]] if second else [])
        combined[count] = {"rps": statistics.fmean(values), "p50_ms": first.get("p50_ms"),
                           "p99_ms": first.get("p99_ms"),
                           "drift": (second["rps"] / first["rps"] - 1) if second and first["rps"] else None}
    return combined


def add_ratios(results: dict[str, Any]) -> None:
    """Each run's throughput as a share of the ceiling's at the same client count."""
    for size in results["sizes"].values():
        for route in size.get("routes", {}).values():
            for count, run in route.get("runs", {}).items():
                top = results["ceiling"].get(count, {}).get("rps")
                run["of_ceiling"] = run["rps"] / top if top else None
