"""``policykg serve`` as a real process: it builds first when the data directory holds no graph."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from policykg.graph.builds.datadir import DataDir

from .conftest import corpus_programmes
from .processes import free_port

pytestmark = pytest.mark.slow  # real server processes: make test-fast leaves it out


def test_serve_builds_an_empty_data_directory_first_then_answers(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "policykg.cli", "serve", "--data-dir", str(tmp_path),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 120
        while True:
            try:
                health = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2))
                break
            except OSError:
                assert process.poll() is None and time.time() < deadline, process.stdout.read().decode()
                time.sleep(0.3)
        assert DataDir(tmp_path).current() is not None
        assert health["status"] == "ok" and health["nodes_by_type"]["Programme"] == corpus_programmes()
        assert health["build"] == DataDir(tmp_path).current().name
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
    assert "building it from" in output and "serving" in output
