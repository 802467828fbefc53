"""Start and stop the servers under load: ``policykg serve`` on a build, and the ceiling app.

This interpreter, a free loopback port, ``POLICYKG_RATE_LIMIT=0`` (wrk's connections
all come from one address).  The server's output goes to a log file; start-up
waits for ``/api/health`` (or the ceiling route) for as long as it takes to load a
big graph's entity index, and the time it took is a figure.  Stopping ends the
server and then any of its own child processes still there (SPARQL and Cypher
workers), by pid.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.scale.procs import ROOT, tail


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    ready_seconds: float = 0.0
    rss: dict[str, int] = field(default_factory=dict)

    def tree_rss(self) -> int:
        """Bytes of RSS of the server and its worker processes."""
        try:
            main = psutil.Process(self.process.pid)
            return sum(p.memory_info().rss for p in [main, *main.children(recursive=True)])
        except psutil.Error:
            return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 60) -> tuple[int, bytes, float]:
    """Status, body and seconds of one GET (an error status is returned, not raised)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.perf_counter() - started


@contextmanager
def serve(command: list[str], ready_path: str, log: Path, port: int, timeout: float,
          env: dict[str, str] | None = None) -> Iterator[Server]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=handle,
                                   stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    started = time.perf_counter()
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped (exit status {process.returncode}) before it was ready; "
                                   f"{log}:\n{tail(log)}")
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"the server was not ready after {timeout:.0f} s; {log}:\n{tail(log)}")
            try:
                if get(server.url + ready_path, timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        server.ready_seconds = time.perf_counter() - started
        server.rss["after_start"] = server.tree_rss()
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        children = []
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    for child in children:  # workers the server started and did not end
        try:
            child.kill()
        except psutil.Error:
            pass


def policykg_server(data_dir: Path | None, log: Path, timeout: float,
                    env: dict[str, str] | None = None) -> AbstractContextManager[Server]:
    """``policykg serve`` on a free loopback port (``data_dir`` None: the configured default), no rate limit
    (a load tool's connections all come from one address), ``env`` added to the environment."""
    port = free_port()
    command = [sys.executable, "-m", "policykg.cli", "serve", "--port", str(port)]
    command += ["--data-dir", str(data_dir)] if data_dir else []
    return serve(command, "/api/health", log, port, timeout, {"POLICYKG_RATE_LIMIT": "0", **(env or {})})


def ceiling_server(log: Path, timeout: float = 60) -> AbstractContextManager[Server]:
    from bench.scale.ceiling_app import PATH

    port = free_port()
    return serve([sys.executable, "-m", "bench.scale.ceiling_app", "--port", str(port)], PATH, log, port, timeout)
