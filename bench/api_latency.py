"""Latency and throughput of API routes against a running ``policykg serve``, measured with ``wrk``.

Run from the repository root after ``make run`` has built the graph:
``.venv/bin/python -m bench.api_latency [--seconds 10] [--clients 1,16] [--url http://127.0.0.1:8000]``.
Without ``--url`` it starts ``policykg serve`` on a free loopback port and stops it
at the end.  ``wrk`` (Debian package ``wrk``) is the load tool: a separate C
process with its own connections, so the figures are the server's, not a Python
client's.  Prints a table; asserts nothing.  The scale benchmark (``bench/run.py``)
runs the same routes on generated corpora.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from rich.console import Console
from rich.table import Table

from bench.scale import loadgen
from bench.scale.servers import policykg_server

SPARQL = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?programme ?group WHERE {
  ?g skos:broader* ?top . ?top skos:prefLabel "老年人"@zh .
  ?programme pkg:serves ?g . ?g skos:prefLabel ?group . FILTER(lang(?group) = "zh")
}
LIMIT 5000"""  # a page a client would ask for: at 500 plans the whole answer (14,000 rows) is over the row limit
ROUTES = {
    "programmes?group=老年人": "/api/programmes?" + urllib.parse.urlencode({"group": "老年人"}),
    "sparql (group hierarchy)": "/sparql?" + urllib.parse.urlencode({"query": SPARQL}),
    "health (no store)": "/api/health",
}


@contextmanager
def server(data_dir: str | None) -> Iterator[str]:
    """The base URL of a private ``policykg serve`` (its log in a temporary folder), stopped at the end."""
    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as folder:
        with policykg_server(Path(data_dir) if data_dir else None, Path(folder) / "serve.log", 60) as running:
            yield running.url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--data-dir")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", default="1,16")
    args = parser.parse_args()
    if not loadgen.available():
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    table = Table(title=f"API latency, {args.seconds} s per row, wrk ({os.cpu_count()} CPUs)")
    for column in ("route", "clients", "p50 ms", "p90 ms", "p99 ms", "req/s", "errors"):
        table.add_column(column, justify="left" if column == "route" else "right")
    with (contextmanager(lambda: (yield args.url))() if args.url else server(args.data_dir)) as base:
        for name, path in ROUTES.items():
            urllib.request.urlopen(base + path).read()  # warm up, and fail early
            for clients in (int(c) for c in args.clients.split(",")):
                f = loadgen.run(base + path, clients, args.seconds)
                table.add_row(name, str(clients), f"{f['p50_ms']:.2f}", f"{f['p90_ms']:.2f}", f"{f['p99_ms']:.2f}",
                              f"{f['rps']:.0f}", str(f["errors"]))
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
