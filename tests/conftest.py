"""Shared fixtures: the bundled corpus, parsed once, and one real build of it."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from .processes import free_port, stop

ROOT = Path(__file__).resolve().parents[1]
# A command prefix that runs a child as root without the power to ignore file permissions (util-linux
# setpriv): how a test running as root checks an unreadable file or an unwritable folder.
ROOT_WITHOUT_OVERRIDE = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--")
CORPUS = ROOT / "data" / "corpus"


def corpus_programmes() -> int:
    """How many programmes the loaders read from the bundled corpus: the graph holds each once.

    Counted from the loaders, not written down, so a better reader does not break the
    tests that check the graph holds what was read.
    """
    from policykg.loaders.pipeline import parse_document

    return sum(len(parse_document(path).programmes) for path in sorted(CORPUS.glob("*.txt")))


def corpus_file(prefix: str) -> Path:
    """The corpus file whose name starts with ``prefix`` (e.g. '000')."""
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="session")
def parsed():
    """Every corpus document parsed, by its three-digit prefix."""
    from policykg.loaders.pipeline import parse_document

    return {path.name[:3]: parse_document(path) for path in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One real build of the bundled corpus into a temporary data directory."""
    from policykg.build import build

    data_dir = tmp_path_factory.mktemp("data")
    report = build(CORPUS, data_dir)
    return report, data_dir


@pytest.fixture(scope="session")
def falkordb():
    """A private FalkorDB for the session (Bolt on loopback); each test module clears what it needs."""
    from bench.falkordb_server import falkordb_server

    with falkordb_server() as target:
        yield target


def dataset_in_service(data_dir, union: bool = True):
    """The dataset of the build in service in ``data_dir`` (the union of its graphs as default graph)."""
    from rdflib import Dataset

    from policykg.graph.builds.datadir import DATASET_FILE
    from policykg.graph.builds.datadir import DataDir

    dataset = Dataset(default_union=union)
    dataset.parse(DataDir(data_dir).current() / DATASET_FILE, format="nquads")
    return dataset


@pytest.fixture(scope="session")
def api_settings(built):
    """Settings of an app serving the session's build (the embedded default, short limits for the tests).

    No rate limit: every test shares the one TestClient address (``tests/test_api_limits.py`` tests the limit).
    """
    from policykg.api.settings import Settings

    _, data_dir = built
    return Settings(data_dir=data_dir, query_timeout_s=2.0, row_limit=1000, sparql_workers=1, rate_limit=0)


@pytest.fixture(scope="session")
def client(api_settings):
    """An in-process client (httpx via Starlette's TestClient) of the real app on the real build."""
    from fastapi.testclient import TestClient

    from policykg.app import create_app

    with TestClient(create_app(api_settings)) as test_client:
        yield test_client


@contextmanager
def serve_process(data_dir, **env: str):
    """``policykg serve`` as a real process on a free loopback port; yields (process, base URL)."""
    import os
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.request

    port = free_port()
    log = tempfile.TemporaryFile()  # not a pipe: a server that logs a lot must never block on a full pipe
    process = subprocess.Popen([sys.executable, "-m", "policykg.cli", "serve", "--data-dir", str(data_dir),
                                "--host", "127.0.0.1", "--port", str(port)], env={**os.environ, **env},
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/api/health", timeout=1).read()
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                log.seek(0)
                raise RuntimeError("the server did not start:\n" + log.read().decode(errors="replace"))
            time.sleep(0.2)
    try:
        yield process, url
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="session")
def live_server(built):
    """``policykg serve`` running as a real server process on loopback; yields its base URL."""
    _, data_dir = built
    with serve_process(data_dir, POLICYKG_QUERY_TIMEOUT="2", POLICYKG_ROW_LIMIT="1000", POLICYKG_SPARQL_WORKERS="1",
                       POLICYKG_RATE_LIMIT="0") as (_, url):  # no rate limit: every test talks from 127.0.0.1
        yield url
