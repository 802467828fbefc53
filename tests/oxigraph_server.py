"""A real ``oxigraph serve`` for the tests (in memory, on a free loopback port), from the ``oxigraph`` PyPI
package, which ships the server binary (``pyoxigraph`` does not).  Tests skip, saying why, when it is absent."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from .processes import free_port, stop


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@contextmanager
def oxigraph_server(*flags: str) -> Iterator[str]:
    """The base URL of a running ``oxigraph serve`` (``/store`` for the Graph Store Protocol, ``/query``);
    ``flags`` such as ``--union-default-graph`` are passed on."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("no `oxigraph` server binary (pip install oxigraph ships one)")
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}", *flags],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    pytest.fail(f"oxigraph serve did not start: {process.stderr.read().decode()[:500]}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, grace_s=10)
