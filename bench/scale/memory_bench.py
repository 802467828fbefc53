"""The server's memory under a long mixed load: ``python -m bench.scale.memory_bench --data BUILD --requests 10000``.

Starts ``policykg serve`` on the build's data directory (``bench/scale/servers.py``: a free
loopback port, no rate limit) with the answer cache off (``POLICYKG_ANSWER_CACHE_MB=0``),
so every request reaches the stores, and sends ``--requests`` requests from ``--clients``
threads, a fixed shuffled mix taken from the API itself:

* a programme (``/api/programmes/{id}``), the programmes of a group, page by page
  (``/api/programmes?group=…&offset=…``), a neighbourhood at depth 2
  (``/api/entities/{id}/neighbours?depth=2``) and a search (``/api/search?q=…``);
* small researcher queries: ``/sparql`` (a programme's triples) and ``/cypher`` (a programme and
  its groups, with a LIMIT that varies, so most statements are new to the engine).

It reads the memory of the server's process tree (the server and its SPARQL and Cypher
workers) after start, every ``--every`` requests and at the end: PSS (a page shared by
processes counted once, split between them) and RSS summed. ``--buffer-pool-mb`` and
``--db-threads`` set ``POLICYKG_BUFFER_POOL_MB`` and ``POLICYKG_DB_THREADS`` for the server.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil

from bench.scale.procs import _tree_memory, write_json
from bench.scale.servers import Server, policykg_server

SPARQL = ("SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT 20")
CYPHER = ("MATCH (p:Programme {{iri: $iri}}) OPTIONAL MATCH (p)-[:SERVES]->(g) "
          "RETURN p.name_zh AS name, collect(g.name_zh) AS groups LIMIT {limit}")
MIX = (("programme", 3), ("group page", 2), ("neighbours", 2), ("search", 1), ("sparql", 1), ("cypher", 1))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    env = {"POLICYKG_ANSWER_CACHE_MB": "0"}
    env |= {"POLICYKG_BUFFER_POOL_MB": str(args.buffer_pool_mb)} if args.buffer_pool_mb else {}
    env |= {"POLICYKG_DB_THREADS": str(args.db_threads)} if args.db_threads else {}
    log = args.out.with_suffix(".log")
    with policykg_server(args.data, log, args.start_timeout, env) as server:
        samples = [_sample(server, 0, time.perf_counter())]
        _say(samples[-1])
        requests = _requests(server.url, args.requests, args.seed)
        statuses = _send(server, requests, args.clients, args.every, samples)
    result = {"data": str(args.data), "requests": args.requests, "clients": args.clients, "environment": env,
              "ready_seconds": round(server.ready_seconds, 1), "statuses": dict(statuses), "samples": samples}
    write_json(args.out, result)
    print(f"statuses: {dict(statuses)}; figures: {args.out}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.scale.memory_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data directory (its `current` build is served)")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1_000, help="requests between two memory samples")
    parser.add_argument("--clients", type=int, default=4, help="threads sending requests at once")
    parser.add_argument("--buffer-pool-mb", type=int, help="POLICYKG_BUFFER_POOL_MB for the server")
    parser.add_argument("--db-threads", type=int, help="POLICYKG_DB_THREADS for the server")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start-timeout", type=float, default=600)
    parser.add_argument("--out", type=Path, default=Path("bench/results/memory.json"))
    return parser


# -- the requests ---------------------------------------------------------------------------------------

def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=600) as response:
        return json.load(response)


def _requests(base: str, count: int, seed: int) -> list[tuple[str, str, bytes | None]]:
    """``count`` (method, URL, body) in a fixed shuffled order, with ids the API itself listed."""
    programmes = [p["id"] for p in _get_json(f"{base}/api/programmes?limit=500")["items"]]
    groups = [(g["id"], g.get("programmes", 0)) for g in _get_json(f"{base}/api/groups")]
    names = sorted({p["name_zh"][:2] for p in _get_json(f"{base}/api/programmes?limit=500")["items"] if p["name_zh"]})
    random.seed(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    return [_request(base, random.choice(kinds), programmes, groups, names) for _ in range(count)]


def _request(base: str, kind: str, programmes: list[str], groups: list[tuple[str, int]],
             names: list[str]) -> tuple[str, str, bytes | None]:
    programme = random.choice(programmes)
    iri = "https://w3id.org/policykg/id/" + programme
    if kind == "programme":
        return "GET", f"{base}/api/programmes/{urllib.parse.quote(programme, safe='/')}", None
    if kind == "group page":
        group, used = random.choice(groups)
        offset = 50 * random.randrange(max(1, min(used, 500) // 50))
        return "GET", f"{base}/api/programmes?" + urllib.parse.urlencode({"group": group, "offset": offset}), None
    if kind == "neighbours":
        entity = random.choice([programme, random.choice(groups)[0]])
        return "GET", f"{base}/api/entities/{urllib.parse.quote(entity, safe='/')}/neighbours?depth=2", None
    if kind == "search":
        return "GET", f"{base}/api/search?" + urllib.parse.urlencode({"q": random.choice(names)}), None
    if kind == "sparql":
        return "GET", f"{base}/sparql?" + urllib.parse.urlencode({"query": SPARQL.format(iri=iri)}), None
    body = {"statement": CYPHER.format(limit=random.randint(1, 1000)), "parameters": {"iri": iri}}
    return "POST", f"{base}/cypher", json.dumps(body).encode()


def _one(method: str, url: str, body: bytes | None) -> int:
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0  # no answer: the server closed or timed out


def _send(server: Server, requests: list[tuple[str, str, bytes | None]], clients: int, every: int,
          samples: list[dict[str, Any]]) -> Counter:
    """Send them all; a memory sample each time ``every`` more have been answered."""
    statuses: Counter = Counter()
    done, lock, started = [0], threading.Lock(), time.perf_counter()

    def send(request: tuple[str, str, bytes | None]) -> None:
        status = _one(*request)
        with lock:
            statuses[status] += 1
            done[0] += 1
            if done[0] % every == 0 or done[0] == len(requests):
                samples.append(_sample(server, done[0], started))
                _say(samples[-1], statuses)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(send, requests))
    return statuses


# -- memory ---------------------------------------------------------------------------------------------

def _sample(server: Server, requests: int, started: float) -> dict[str, Any]:
    main = psutil.Process(server.process.pid)
    pss, rss, processes = _tree_memory(main)
    return {"requests": requests, "seconds": round(time.perf_counter() - started, 1), "pss_mb": pss >> 20,
            "rss_mb": rss >> 20, "processes": processes, "server_pss_mb": _pss(main) >> 20,
            "workers_pss_mb": sorted(((_kind(child), _pss(child) >> 20) for child in main.children(recursive=True)),
                                     key=lambda kind_mb: (kind_mb[0], -kind_mb[1]))}


def _kind(process: psutil.Process) -> str:
    """What a child of the server is, by the store it has open: a Cypher worker (LadybugDB), a SPARQL worker
    (Oxigraph) or another process (multiprocessing's resource tracker)."""
    try:
        paths = [f.path for f in process.open_files()]
    except psutil.Error:
        return "?"
    return ("cypher" if any(p.endswith(".lbug") for p in paths)
            else "sparql" if any("/sparql/" in p for p in paths) else "other")


def _pss(process: psutil.Process) -> int:
    try:
        info = process.memory_full_info()
    except psutil.Error:
        return 0
    return getattr(info, "pss", info.rss)


def _say(sample: dict[str, Any], statuses: Counter | None = None) -> None:
    tail = f"  statuses {dict(statuses)}" if statuses else ""
    print(f"{sample['requests']:6} requests {sample['seconds']:7.1f} s  PSS {sample['pss_mb']:5} MB  "
          f"RSS {sample['rss_mb']:5} MB  ({sample['processes']} processes; server {sample['server_pss_mb']} MB, "
          f"children {', '.join(f'{k} {mb}' for k, mb in sample['workers_pss_mb'])} MB){tail}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
