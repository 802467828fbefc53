"""The hostile Cypher of ``tests/hostile/cypher.yaml`` against ``serve --backend neo4j`` on a Bolt server.

- **FalkorDB** (a private server, always): it runs a write inside a read transaction, so
  ``/cypher`` is refused there outright: every attempt must get a 4xx problem document (403
  where the embedded store answers 200).
- **Neo4j** (when ``NEO4J_URI`` is set; skipped, saying so, otherwise): the READ session
  refuses writes, so an attempt the embedded store refuses must not be answered 2xx here.

On both, afterwards the graph in the server, read directly through the driver, must be the
one loaded; no file written, nothing fetched from another server.  The same corpus and the
same placeholders as ``test_hostile.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from policykg.graph.backends.bolt import BoltTarget, connect, load, run

from .conftest import serve_process
from .test_api_backends import map_dataset_of
from .test_bolt import clear
from .test_hostile import ATTEMPTS, PROBLEM, TIMEOUT_S, attempt_answer, listener, places  # noqa: F401 (fixtures)
from .test_hostile import _Listener, send

pytestmark = pytest.mark.slow  # a private FalkorDB and a real server: make test-fast leaves it out

CYPHER = [a for a in ATTEMPTS if a.category == "cypher"]
REST = [a for a in ATTEMPTS if a.category == "rest"]  # the REST questions are read from the Bolt server too


def bolt_digest(target: BoltTarget) -> str:
    """Every node's IRI and label and every relationship, as the Bolt server holds them."""
    with connect(target) as (driver, dialect), driver.session(database=target.database) as session:
        nodes = session.execute_read(run, dialect, "MATCH (n) RETURN n.iri AS iri, labels(n) AS labels ORDER BY iri")
        edges = session.execute_read(run, dialect, "MATCH (a)-[r]->(b) RETURN a.iri AS a, type(r) AS t, b.iri AS b "
                                                   "ORDER BY a, t, b")
    return f"{len(nodes)} nodes {len(edges)} edges " + hashlib.sha256(
        json.dumps([nodes, edges], sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@pytest.fixture(scope="module", params=["falkordb", "neo4j"])
def bolt_server(request, built):
    """``policykg serve --backend neo4j`` on a Bolt server loaded with the session's build: (url, kind, target,
    digest before)."""
    if request.param == "neo4j" and not os.environ.get("NEO4J_URI"):
        pytest.skip("NEO4J_URI not set: no Neo4j server to run the hostile corpus against")
    target = request.getfixturevalue("falkordb") if request.param == "falkordb" else \
        BoltTarget.from_env(dialect="neo4j")
    clear(target)
    load(map_dataset_of(built), target)
    before = bolt_digest(target)
    env = {"POLICYKG_BACKEND": "neo4j", "NEO4J_URI": target.uri, "NEO4J_USER": target.user,
           "NEO4J_PASSWORD": target.password or "", "POLICYKG_QUERY_TIMEOUT": str(TIMEOUT_S),
           "POLICYKG_RATE_LIMIT": "0"}
    with serve_process(built[1], **env) as (_, url):
        yield url, request.param, target, before


@pytest.mark.parametrize("attempt", CYPHER, ids=[a.name for a in CYPHER])
def test_every_hostile_statement_is_refused(attempt, bolt_server, places):  # noqa: F811
    url, kind, _, _ = bolt_server
    answer = attempt_answer(url, attempt, places)
    if kind == "falkordb":
        assert 400 <= answer.status < 500, (attempt.name, answer.status, answer.body[:300])
        assert answer.status == 403 or answer.status in attempt.expect, (attempt.name, answer.status)
    elif not any(200 <= status < 300 for status in attempt.expect):  # Neo4j: refused here, refused there
        assert answer.status >= 400, (attempt.name, answer.status, answer.body[:300])
    if attempt.spec.get("problem", True):
        assert answer.headers.get("content-type") == PROBLEM
    assert send(url, "GET", "/api/health").status == 200


@pytest.mark.parametrize("attempt", REST, ids=[a.name for a in REST])
def test_every_hostile_rest_request_gets_its_answer(attempt, bolt_server, places):  # noqa: F811
    """Injections, traversals and odd numbers in REST parameters: the statuses the embedded store gives."""
    url, _, _, _ = bolt_server
    answer = attempt_answer(url, attempt, places)
    assert answer.status in attempt.expect, (attempt.name, answer.status, answer.body[:300])
    if answer.status >= 400 and attempt.spec.get("problem", True):
        assert answer.headers.get("content-type") == PROBLEM


def test_nothing_was_written_or_fetched(bolt_server, places, listener):  # noqa: F811
    url, _, target, before = bolt_server
    assert len(CYPHER) > 80
    assert bolt_digest(target) == before
    assert not any(Path(places["@TMP@"]).iterdir()), "an attempt wrote into the temporary folder"
    assert _Listener.hits == []
    assert send(url, "GET", "/api/programmes?group=%E8%80%81%E5%B9%B4%E4%BA%BA").status == 200  # REST still reads it
