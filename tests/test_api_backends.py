"""The same REST answers whichever store serves: the embedded LadybugDB, FalkorDB over Bolt, and Neo4j if set.

FalkorDB runs here (private, on loopback); Neo4j only when ``NEO4J_URI`` is set
(the corpus is then loaded into it with MERGE, as ``policykg load`` does).
"""

from __future__ import annotations

import os

import pytest

from policykg.graph.backends.bolt import BoltTarget, load
from policykg.graph.builds.datadir import DataDir

pytestmark = pytest.mark.slow  # the API on FalkorDB as well: make test-fast leaves it out

URLS = [
    "/api/plans", "/api/plans/plan/hainan-14th-minzheng-plan", "/api/programmes?group=老年人&limit=500",
    "/api/programmes?domain=elderly-care&limit=500", "/api/programmes?limit=500", "/api/indicators?limit=500",
    "/api/indicators/compare?q=低保", "/api/groups", "/api/domains", "/api/bodies", "/api/areas",
    "/api/search?q=留守", "/api/entities/group/rural-left-behind-elderly/neighbours?depth=2",
    "/api/entities/group/rural-left-behind-elderly", "/api/entities/plan/national-14th-minzheng-plan/ch/1/sec/1",
    "/api/path?from=group/rural-left-behind-elderly&to=plan/national-14th-minzheng-plan",
    "/api/programmes/plan/hainan-14th-minzheng-plan/programme/“时间银行”养老模式", "/api/programmes?group=nope",
]


def answers(settings) -> dict[str, tuple[int, object]]:
    from fastapi.testclient import TestClient

    from policykg.app import create_app

    with TestClient(create_app(settings)) as client:
        return {url: (r.status_code, r.json()) for url in URLS if (r := client.get(url)) is not None}


def serve_from(target: BoltTarget, built, api_settings):
    """Answers of an app whose Cypher store is ``target``, loaded with the corpus first."""
    from dataclasses import replace

    load(map_dataset_of(built), target)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NEO4J_URI", target.uri)
        env.setenv("NEO4J_USER", target.user)
        if target.password:
            env.setenv("NEO4J_PASSWORD", target.password)
        return answers(replace(api_settings, backend="neo4j"))


@pytest.fixture(scope="module")
def embedded(api_settings):
    return answers(api_settings)


def test_falkordb_gives_the_same_answers(falkordb, built, api_settings, embedded):
    from .test_bolt import clear

    clear(falkordb)
    served = serve_from(falkordb, built, api_settings)
    for url in URLS:
        assert served[url] == embedded[url], url
    assert embedded["/api/programmes?limit=500"][1]["total"] == _programmes_in_dataset(built[1])


def _programmes_in_dataset(data_dir) -> int:
    """The programmes the build wrote, counted in its RDF (the answers above must be all of them)."""
    from rdflib import RDF

    from policykg.graph.builds.datadir import load_dataset
    from policykg.loaders.iris import PKG

    return len({s for s, _, _, _ in load_dataset(data_dir).quads((None, RDF.type, PKG.Programme, None))})


def test_neo4j_gives_the_same_answers(built, api_settings, embedded):
    if not os.environ.get("NEO4J_URI"):
        pytest.skip("NEO4J_URI not set: no Neo4j server to test against")
    served = serve_from(BoltTarget.from_env(dialect="neo4j"), built, api_settings)
    for url in URLS:
        assert served[url] == embedded[url], url


def test_neo4j_cypher_is_read_only_and_timed(built, api_settings):
    """On Neo4j the READ session refuses writes and the transaction timeout stops a runaway query."""
    if not os.environ.get("NEO4J_URI"):
        pytest.skip("NEO4J_URI not set: no Neo4j server to test against")
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from policykg.app import create_app

    assert DataDir(built[1]).current() is not None
    with TestClient(create_app(replace(api_settings, backend="neo4j"))) as client:
        refused = client.post("/cypher", json={"statement": "CREATE (n:PolicykgTestEvil {iri: 'x'})"})
        assert refused.status_code == 403
        slow = client.post("/cypher", json={"statement": "UNWIND range(1, 100000000) AS x "
                                                         "WITH x ORDER BY x DESC RETURN sum(x)"})
        assert slow.status_code == 503
        assert client.post("/cypher", json={"statement": "RETURN 1 AS one"}).json()["data"]["values"] == [[1]]


def test_cypher_on_falkordb_is_refused_and_writes_nothing(falkordb, built, api_settings):
    """FalkorDB runs a CREATE in a read transaction (it ignores the access mode), so /cypher is refused there."""
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from policykg.app import create_app
    from policykg.graph.backends.bolt import connect, run

    from .test_bolt import clear

    clear(falkordb)
    load(map_dataset_of(built), falkordb)
    create = {"statement": "CREATE (n:Plan {iri: 'urn:policykg-test:written'}) RETURN n"}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NEO4J_URI", falkordb.uri)
        env.setenv("NEO4J_USER", falkordb.user)
        with TestClient(create_app(replace(api_settings, backend="neo4j"))) as client:
            written, read = client.post("/cypher", json=create), client.post("/cypher", json={"statement": "RETURN 1"})
            rest = client.get("/api/programmes?group=农村留守老年人")
    assert (written.status_code, read.status_code, rest.status_code) == (403, 403, 200)
    assert "cannot keep its promise" in written.json()["detail"] and rest.json()["total"] > 0
    with connect(falkordb) as (driver, dialect), driver.session(database=falkordb.database) as session:
        found = session.execute_read(run, dialect, "MATCH (n) WHERE n.iri = 'urn:policykg-test:written' RETURN n")
    assert found == []


def map_dataset_of(built):
    """The property graph of the session's build, as ``policykg load`` writes it."""
    from policykg.graph.builds.datadir import load_dataset
    from policykg.graph.mapping.mapper import map_dataset

    return map_dataset(load_dataset(built[1]))
