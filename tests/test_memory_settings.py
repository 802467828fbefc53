"""LadybugDB's buffer pool and query threads come from configuration, so the server's memory is known at start.

Unbounded, the buffer pool (LadybugDB's page cache and every query's working memory)
defaults to 80% of the machine and the server grows with every new question. These
tests read the sizes back from the engine itself (``CALL bm_info()``,
``current_setting('threads')``), in the server's database and in a Cypher worker's,
and check that a bad value is refused with a message that names the setting.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from policykg.api.settings import Settings
from policykg.graph.backends.embedded_reader import BUFFER_POOL_MB, THREADS, EmbeddedReader
from policykg.graph.backends.sandbox import cypher_sandbox
from policykg.graph.builds.datadir import DataDir

from .conftest import free_port


def engine_sizes(reader: EmbeddedReader) -> tuple[int, int]:
    """(buffer pool in MB, query threads) as the database reports them."""
    _, pool = reader.read("CALL bm_info() RETURN *")
    _, threads = reader.read("CALL current_setting('threads') RETURN *")
    return pool[0][0] >> 20, int(threads[0][0])


@pytest.fixture(scope="module")
def build(built):
    return DataDir(built[1]).current()


def test_the_sizes_reach_the_database(build):
    reader = EmbeddedReader(build, pool_size=1, buffer_pool_mb=96, threads=1)
    try:
        assert engine_sizes(reader) == (96, 1)
    finally:
        reader.close()


def test_by_default_the_pool_is_bounded_not_most_of_the_machine(build):
    reader = EmbeddedReader(build, pool_size=1)
    try:
        assert engine_sizes(reader) == (BUFFER_POOL_MB, THREADS) == (Settings.buffer_pool_mb, Settings.db_threads)
    finally:
        reader.close()


def test_a_cypher_worker_opens_its_database_bounded_by_its_memory(build, monkeypatch):
    """What a worker process runs at start (``open_answerer``), here in-process to read its database back: its
    pool is the worker's memory bound (POLICYKG_CYPHER_MEMORY_MB), its threads the server's."""
    opened: list[EmbeddedReader] = []

    class Recorded(EmbeddedReader):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            opened.append(self)

    monkeypatch.setattr(cypher_sandbox, "EmbeddedReader", Recorded)
    cypher_sandbox.open_answerer(str(build), 700, 1)
    try:
        assert engine_sizes(opened[0]) == (700, 1)
    finally:
        opened[0].close()


def test_the_settings_reach_the_servers_database(api_settings):
    from policykg.api.services import Services

    services = Services.open(replace(api_settings, buffer_pool_mb=400, db_threads=1))
    try:
        assert engine_sizes(services.graph) == (400, 1)
    finally:
        services.close()


def test_memory_kept_by_prepared_statements_is_given_back(build):
    """Each statement with parameters and a literal LIMIT keeps ~3.7 MB of the pool in its connection's cache:
    40 of them would fill a 96 MB pool ("no memory could be freed"); the reader renews the connection first."""
    reader = EmbeddedReader(build, pool_size=1, buffer_pool_mb=96)
    try:
        iris = [row[0] for row in reader.read("MATCH (a:Programme) RETURN a.iri LIMIT 20")[1]]
        for n in range(40):
            reader.read("UNWIND $iris AS i MATCH (a:Programme {iri: i}) OPTIONAL MATCH (a)-[r]->(b) "
                        f"RETURN a.iri, b.iri, {n} AS n LIMIT {600 + n}", {"iris": iris})
        limit, used = reader.memory()
        assert used < limit
    finally:
        reader.close()


def test_the_environment_sets_them_and_flags_win(monkeypatch):
    monkeypatch.setenv("POLICYKG_BUFFER_POOL_MB", "768")
    monkeypatch.setenv("POLICYKG_DB_THREADS", "3")
    assert (Settings.from_env().buffer_pool_mb, Settings.from_env().db_threads) == (768, 3)
    assert Settings.from_env(buffer_pool_mb=512).buffer_pool_mb == 512


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("POLICYKG_BUFFER_POOL_MB", "lots", "buffer_pool_mb: 'lots' is not a whole number"),
    ("POLICYKG_BUFFER_POOL_MB", "0.5", "buffer_pool_mb: '0.5' is not a whole number"),
    ("POLICYKG_BUFFER_POOL_MB", "256", "buffer_pool_mb: 256 MB is too small; the API's questions need at least 384"),
    ("POLICYKG_BUFFER_POOL_MB", "-1", "buffer_pool_mb: -1 MB is too small"),
    ("POLICYKG_DB_THREADS", "0", "db_threads: 0; LadybugDB needs 1 query thread or more"),
])
def test_a_bad_value_is_refused_with_the_settings_name(monkeypatch, variable, value, says):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=says):
        Settings.from_env()


def test_serve_stops_at_start_on_a_bad_size(built, capsys):
    from policykg.cli import main

    status = main(["serve", "--data-dir", str(built[1]), "--port", str(free_port()), "--buffer-pool-mb", "8"])
    assert status == 2
    assert "buffer_pool_mb: 8 MB is too small" in capsys.readouterr().err.replace("\n", " ")


def test_a_pool_too_small_for_the_database_says_so(build):
    """Under the floor the reader refuses the size itself; the engine's own refusal is reworded too."""
    with pytest.raises(ValueError, match="LadybugDB needs at least 64 MB"):
        EmbeddedReader(build, pool_size=1, buffer_pool_mb=8)
