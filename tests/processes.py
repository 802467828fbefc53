"""What the tests' server processes share: a free loopback port, and a stop that never hangs."""

from __future__ import annotations

import socket
import subprocess


def free_port() -> int:
    """A port nothing listens on now (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen, grace_s: float = 20) -> None:
    """SIGTERM, then SIGKILL if the process has not ended within ``grace_s``."""
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
