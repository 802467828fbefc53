"""A server moves to a newly published build without a failed request, and no build it reads is pruned."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

from policykg.build import build
from policykg.graph.builds.datadir import DataDir
from policykg.graph.builds.lease import BuildLease, in_use

from .conftest import CORPUS, serve_process

pytestmark = pytest.mark.slow  # builds published under a running server: make test-fast leaves it out

GROUP_URL = "/api/programmes?" + urllib.parse.urlencode({"group": "老年人", "limit": 500})


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, {}


@pytest.fixture
def server(tmp_path):
    """A server on its own data directory, looking for new builds every 0.2 s."""
    data_dir = tmp_path / "data"
    build(CORPUS, data_dir)
    with serve_process(data_dir, POLICYKG_RELOAD_CHECK="0.2", POLICYKG_RATE_LIMIT="0",
                       POLICYKG_SPARQL_WORKERS="1") as (_, url):
        yield url, data_dir


def test_reads_during_rebuilds_answer_from_one_consistent_graph(server):
    url, data_dir = server
    first = get(url + "/api/health")[1]["build"]
    answers: list[tuple[int, int, str]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            status, body = get(url + GROUP_URL)
            health = get(url + "/api/health")
            answers.append((status, body.get("total", -1), health[1].get("build", "")))

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    builds = []
    for _ in range(3):  # three rebuilds while the readers read (KEEP_BUILDS is 2: the first is pruned)
        subprocess.run([sys.executable, "-m", "policykg.cli", "build", "--data-dir", str(data_dir)],
                       check=True, capture_output=True)
        builds.append(DataDir(data_dir).current().name)
    deadline = time.time() + 60
    while get(url + "/api/health")[1]["build"] != builds[-1] and time.time() < deadline:
        time.sleep(0.2)
    stop.set()
    for reader in readers:
        reader.join()
    assert get(url + "/api/health")[1]["build"] == builds[-1]  # the server moved to the newest build
    assert answers and {status for status, _, _ in answers} == {200}
    totals = {total for _, total, _ in answers}
    assert len(totals) == 1 and totals.pop() > 0  # every answer from a whole graph: the same one
    assert {name for _, _, name in answers} <= {first, *builds}
    assert sorted(p.name for p in (data_dir / "builds").iterdir()) == builds[-2:]


def test_a_build_being_read_is_not_pruned(tmp_path):
    data_dir = DataDir(tmp_path)
    build(CORPUS, tmp_path)
    served = data_dir.current()
    lease = BuildLease(served)
    assert in_use(served)
    build(CORPUS, tmp_path)
    build(CORPUS, tmp_path)
    assert served.is_dir()  # three builds, KEEP_BUILDS = 2, but a server holds this one
    lease.release()
    assert not in_use(served)
    build(CORPUS, tmp_path)
    assert not served.exists()
