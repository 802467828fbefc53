"""The API's configuration: one frozen object, read from the environment once, overridable in code.

Every limit has a safe default and an environment variable, documented in
``docs/api.md``; ``policykg serve`` flags override the variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlparse
from typing import Any

from policykg.graph.backends import BACKENDS
from policykg.graph.backends.embedded_reader import BUFFER_POOL_MB, SERVER_MIN_BUFFER_POOL_MB, THREADS
from policykg.graph.builds.datadir import resolve_data_dir


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data/build")  # POLICYKG_DATA_DIR: the data directory (its ``current`` build is served)
    backend: str = "embedded"  # POLICYKG_BACKEND: embedded (LadybugDB) | neo4j (NEO4J_URI, NEO4J_USER, …)
    sparql_endpoint: str = ""  # POLICYKG_SPARQL_ENDPOINT: a SPARQL 1.1 query URL /sparql answers from (default: the build's Oxigraph)
    query_timeout_s: float = 10.0  # POLICYKG_QUERY_TIMEOUT: seconds a /cypher or /sparql query may run
    row_limit: int = 10_000  # POLICYKG_ROW_LIMIT: rows (or triples) a /cypher or /sparql answer may hold
    max_body_bytes: int = 1_000_000  # POLICYKG_MAX_BODY_BYTES: largest request body accepted
    sparql_workers: int = 2  # POLICYKG_SPARQL_WORKERS: processes that run SPARQL (killed at the time limit)
    sparql_memory_mb: int = 2048  # POLICYKG_SPARQL_MEMORY_MB: how much a SPARQL worker may grow for one query
    cypher_workers: int = 2  # POLICYKG_CYPHER_WORKERS: processes that run /cypher on LadybugDB (killed at the limit)
    cypher_memory_mb: int = 2048  # POLICYKG_CYPHER_MEMORY_MB: how much a Cypher worker may grow for one statement
    reload_check_s: float = 1.0  # POLICYKG_RELOAD_CHECK: seconds between looks for a newly published build
    rate_limit: float = 20.0  # POLICYKG_RATE_LIMIT: requests per second per client address (0: no limit)
    rate_burst: int = 100  # POLICYKG_RATE_BURST: requests a client may send at once before the rate applies
    answer_cache_mb: int = 64  # POLICYKG_ANSWER_CACHE_MB: answers of GET /api/… and /id/… kept per build (0: none)
    buffer_pool_mb: int = BUFFER_POOL_MB  # POLICYKG_BUFFER_POOL_MB: LadybugDB's pages and query memory, per process
    db_threads: int = THREADS  # POLICYKG_DB_THREADS: LadybugDB's query threads, per process opening it
    page_size: int = 50  # default ``limit`` of REST lists
    max_page_size: int = 500  # largest ``limit`` of REST lists

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then ``POLICYKG_*`` variables, then ``overrides`` that are not None."""
        env = {
            "data_dir": str(resolve_data_dir(None)),
            "backend": os.environ.get("POLICYKG_BACKEND"),
            "sparql_endpoint": os.environ.get("POLICYKG_SPARQL_ENDPOINT"),
            "query_timeout_s": os.environ.get("POLICYKG_QUERY_TIMEOUT"),
            "row_limit": os.environ.get("POLICYKG_ROW_LIMIT"),
            "max_body_bytes": os.environ.get("POLICYKG_MAX_BODY_BYTES"),
            "sparql_workers": os.environ.get("POLICYKG_SPARQL_WORKERS"),
            "sparql_memory_mb": os.environ.get("POLICYKG_SPARQL_MEMORY_MB"),
            "cypher_workers": os.environ.get("POLICYKG_CYPHER_WORKERS"),
            "cypher_memory_mb": os.environ.get("POLICYKG_CYPHER_MEMORY_MB"),
            "reload_check_s": os.environ.get("POLICYKG_RELOAD_CHECK"),
            "rate_limit": os.environ.get("POLICYKG_RATE_LIMIT"),
            "rate_burst": os.environ.get("POLICYKG_RATE_BURST"),
            "answer_cache_mb": os.environ.get("POLICYKG_ANSWER_CACHE_MB"),
            "buffer_pool_mb": os.environ.get("POLICYKG_BUFFER_POOL_MB"),
            "db_threads": os.environ.get("POLICYKG_DB_THREADS"),
        }
        values = {k: v for k, v in env.items() if v is not None}
        values |= {k: v for k, v in overrides.items() if v is not None}
        return cls()._with(values)

    def _with(self, values: dict[str, Any]) -> Settings:
        types = {f.name: f.type for f in fields(self)}
        converted: dict[str, Any] = {}
        for name, value in values.items():
            kind = types[name]
            try:
                converted[name] = (Path(value) if kind == "Path" else float(value) if kind == "float"
                                   else int(value) if kind == "int" else str(value))
            except ValueError:
                expected = {"int": "a whole number", "float": "a number"}.get(kind, "valid")
                raise ValueError(f"setting {name}: {value!r} is not {expected}") from None
        settings = replace(self, **converted)
        if settings.backend not in BACKENDS:
            raise ValueError(f"backend {settings.backend!r}: choose one of {', '.join(BACKENDS)}")
        if settings.sparql_endpoint and urlparse(settings.sparql_endpoint).scheme not in ("http", "https"):
            raise ValueError(f"SPARQL endpoint {settings.sparql_endpoint!r}: give its http:// or https:// query URL, "
                             "e.g. http://localhost:7878/query for `oxigraph serve`")
        positive = (settings.query_timeout_s, settings.row_limit, settings.sparql_workers, settings.sparql_memory_mb,
                    settings.cypher_workers, settings.cypher_memory_mb, settings.max_body_bytes, settings.rate_burst)
        if min(positive) <= 0 or settings.rate_limit < 0 or settings.answer_cache_mb < 0:
            raise ValueError("the time limit, the row limit, the body size, the number of SPARQL and Cypher "
                             "workers and their memory must be positive; the rate limit and the answer cache "
                             "0 or more")
        _check_database(settings)
        return settings


def _check_database(settings: Settings) -> None:
    """The LadybugDB sizes, checked at start (where the message reaches whoever set them), not at the first open."""
    if settings.buffer_pool_mb < SERVER_MIN_BUFFER_POOL_MB:
        raise ValueError(f"setting buffer_pool_mb: {settings.buffer_pool_mb} MB is too small; the API's questions "
                         f"need at least {SERVER_MIN_BUFFER_POOL_MB} MB of LadybugDB's (the default is "
                         f"{Settings.buffer_pool_mb})")
    if settings.db_threads < 1:
        raise ValueError(f"setting db_threads: {settings.db_threads}; LadybugDB needs 1 query thread or more "
                         f"(the default is {Settings.db_threads})")
