"""``wrk`` runs: a C load generator with its own connections, so the figures are the server's.

Invoked with ``-t min(clients, 2) -c clients -d S --latency`` (two threads: the machine has two CPUs)
and ``--timeout`` long enough that a slow route's requests are measured, not
dropped as socket timeouts.  Every non-2xx answer and socket error is counted:
a route that answers 404 fast must not pass for a fast route.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\b", re.MULTILINE)
_REQUESTS = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m)")


def available() -> bool:
    return shutil.which("wrk") is not None


def version() -> str:
    if not available():
        return "not installed"
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0]


def run(url: str, clients: int, seconds: float, timeout: float = 30) -> dict[str, Any]:
    """p50/p75/p90/p99 in ms, requests per second, request count and errors of one wrk run."""
    command = ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{max(1, round(seconds))}s",
               f"--timeout={max(1, round(timeout))}s", "--latency", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures: dict[str, Any] = {f"p{p}_ms": float(v) * _UNITS[u] for p, v, u in _PERCENTILE.findall(out)}
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = _REQUESTS.search(out)
    figures["requests"] = int(requests.group(1)) if requests else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    figures["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    figures["socket_errors"] = sum(int(x) for x in sockets.groups()) if sockets else 0
    figures["errors"] = figures["non_2xx"] + figures["socket_errors"]
    figures["clients"] = clients
    return figures
