"""10,000 requests from 64 concurrent clients against the embedded default: no errors, memory flat.

The clients are an asyncio httpx pool in the test process; the server is a real
``policykg serve`` process whose resident memory is read from ``/proc`` after a
warm-up and at the end.  The figures are printed and written to
``tests/artifacts/load.json``; the assertions are on errors and memory, never on time.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import httpx
import pytest

from .conftest import serve_process

pytestmark = pytest.mark.slow  # many clients against a real server: make test-fast leaves it out

# The warm-up fills caches and malloc arenas: at 64 clients the server's memory rises for its first
# ~15,000 requests (271 → 1,135 MB), then stays within ±10 MB over 25,000 more (docs/development.md)
REQUESTS, CLIENTS, WARM_UP = 10_000, 64, 15_000
SPARQL = ('PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?g ?label WHERE { ?g skos:broader* ?top . '
          '?top skos:prefLabel "老年人"@zh . ?g skos:prefLabel ?label } LIMIT 50')
GETS = [
    "/api/programmes?" + urllib.parse.urlencode({"group": "老年人"}),
    "/api/search?" + urllib.parse.urlencode({"q": "留守"}),
    "/api/entities/group/rural-left-behind-elderly/neighbours?depth=2",
    "/api/plans/plan/hainan-14th-minzheng-plan",
    "/api/indicators/compare?" + urllib.parse.urlencode({"q": "低保"}),
    "/api/groups",
    "/id/group/rural-left-behind-elderly",
    "/sparql?" + urllib.parse.urlencode({"query": SPARQL}),
]
CYPHER = {"statement": "MATCH (p:Programme)-[:SERVES]->(g:TargetGroup) RETURN g.name_zh, count(*) AS n"}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def hammer(url: str, total: int) -> Counter:
    """``total`` requests over ``CLIENTS`` connections, round-robin over the routes; status counts."""
    statuses: Counter = Counter()
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        async def worker() -> None:
            for i in counter:
                try:
                    if i % (len(GETS) + 1) == len(GETS):
                        response = await client.post("/cypher", json=CYPHER)
                    else:
                        response = await client.get(GETS[i % (len(GETS) + 1)])
                    statuses[response.status_code] += 1
                except httpx.HTTPError as error:
                    statuses[type(error).__name__] += 1

        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    return statuses


def test_ten_thousand_requests_from_64_clients(built):
    # the answer cache off: every request reaches the stores (with it, the REST routes would be answered
    # from memory after the warm-up; tests/test_api_answer_cache.py tests it)
    with serve_process(built[1], POLICYKG_RATE_LIMIT="0", POLICYKG_ANSWER_CACHE_MB="0") as (process, url):
        warm = asyncio.run(hammer(url, WARM_UP))
        before = rss_mb(process.pid)
        started = time.perf_counter()
        statuses = asyncio.run(hammer(url, REQUESTS))
        seconds = time.perf_counter() - started
        after = rss_mb(process.pid)
    figures = {"requests": REQUESTS, "clients": CLIENTS, "statuses": dict(statuses), "warm_up": dict(warm),
               "seconds": round(seconds, 1), "requests_per_second": round(REQUESTS / seconds),
               "rss_mb_before": round(before, 1), "rss_mb_after": round(after, 1), "cpus": os.cpu_count()}
    print("\n" + json.dumps(figures))
    artifacts = Path(os.environ.get("POLICYKG_ARTIFACTS", Path(__file__).parent / "artifacts"))
    artifacts.mkdir(exist_ok=True)
    (artifacts / "load.json").write_text(json.dumps(figures, indent=1))
    assert statuses == Counter({200: REQUESTS}), statuses
    # flat: no growth with the number of requests served, once the warm-up has filled what it fills
    assert after - before < 64, f"memory grew {after - before:.0f} MB over {REQUESTS:,} requests"
