"""What the figures were measured on: the machine, how busy it was, the versions, the commit."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import subprocess
import time
from typing import Any

from bench.scale import loadgen
from bench.scale.procs import ROOT

PACKAGES = ("fastapi", "starlette", "uvicorn", "h11", "httptools", "uvloop", "rdflib", "pyshacl", "ladybug",
            "pyoxigraph", "psutil", "matplotlib")


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def describe() -> dict[str, Any]:
    from bench.load_embedded import machine

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return {
        "summary": machine(),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "memory_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "packages": versions,
        # uvicorn's http="auto" (what policykg serve and the ceiling use): httptools when installed, else h11
        "uvicorn_http": "httptools" if importlib.util.find_spec("httptools") else "h11",
        "wrk": loadgen.version(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def finish(info: dict[str, Any]) -> None:
    info["loadavg_at_end"] = os.getloadavg()
    info["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
