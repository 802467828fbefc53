"""Latency and throughput of API routes against a running ``policykg serve``, measured with ``wrk``.

Run from the repository root after ``make run`` has built the graph:
``.venv/bin/python bench/api_latency.py [--seconds 10] [--clients 1,16] [--url http://127.0.0.1:8000]``.
Without ``--url`` it starts ``policykg serve`` on a free loopback port and stops it
at the end.  ``wrk`` (Debian package ``wrk``) is the load tool: a separate C
process with its own connections, so the figures are the server's, not a Python
client's.  Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from rich.console import Console
from rich.table import Table

SPARQL = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?programme ?group WHERE {
  ?g skos:broader* ?top . ?top skos:prefLabel "老年人"@zh .
  ?programme pkg:serves ?g . ?g skos:prefLabel ?group . FILTER(lang(?group) = "zh")
}"""
ROUTES = {
    "programmes?group=老年人": "/api/programmes?" + urllib.parse.urlencode({"group": "老年人"}),
    "sparql (group hierarchy)": "/sparql?" + urllib.parse.urlencode({"query": SPARQL}),
    "health (no store)": "/api/health",
}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@contextmanager
def server(data_dir: str | None) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "policykg.cli", "serve", "--port", str(port)]
    command += ["--data-dir", data_dir] if data_dir else []
    env = {**os.environ, "POLICYKG_RATE_LIMIT": "0"}  # wrk's connections all come from one address
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wrk(url: str, clients: int, seconds: int) -> dict[str, float]:
    """One wrk run: p50/p90/p99 in ms, requests per second, and errors (non-2xx and socket errors)."""
    out = subprocess.run(["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    figures = {f"p{p}": float(v) * _UNITS[u] for p, v, u in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\b", out,
                                                                          re.MULTILINE)}
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    figures["errors"] = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(x) for x in socket_errors.groups()) if socket_errors else 0)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--data-dir")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", default="1,16")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    table = Table(title=f"API latency, {args.seconds} s per row, wrk ({os.cpu_count()} CPUs)")
    for column in ("route", "clients", "p50 ms", "p90 ms", "p99 ms", "req/s", "errors"):
        table.add_column(column, justify="left" if column == "route" else "right")
    with (contextmanager(lambda: (yield args.url))() if args.url else server(args.data_dir)) as base:
        for name, path in ROUTES.items():
            urllib.request.urlopen(base + path).read()  # warm up, and fail early
            for clients in (int(c) for c in args.clients.split(",")):
                f = wrk(base + path, clients, args.seconds)
                table.add_row(name, str(clients), f"{f['p50']:.2f}", f"{f['p90']:.2f}", f"{f['p99']:.2f}",
                              f"{f['rps']:.0f}", str(int(f["errors"])))
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
