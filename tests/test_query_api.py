"""Neo4j's own clients against ``policykg serve``: the official driver in HTTP mode, and plain Query API calls."""

from __future__ import annotations

import warnings

import httpx
import pytest

pytestmark = pytest.mark.slow  # a real server process and the driver's HTTP mode: make test-fast leaves it out

neo4j = pytest.importorskip("neo4j")
pytest.importorskip("aiohttp", reason="the driver's HTTP mode needs aiohttp (pip install -e '.[test]')")

TYPED = "application/vnd.neo4j.query"


@pytest.fixture(scope="module")
def driver(live_server):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the driver's HTTP mode is a preview feature and says so
        with neo4j.GraphDatabase.driver(live_server, auth=("neo4j", "unused")) as http_driver:
            yield http_driver


def test_discovery_for_clients_and_the_page_for_browsers(live_server):
    found = httpx.get(live_server + "/", headers={"Accept": "application/json"}).json()
    assert found["neo4j_version"].startswith("5.") and found["query"].endswith("/db/{databaseName}/query/v2")
    page = httpx.get(live_server + "/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")


def test_the_official_driver_runs_a_read_query(driver):
    records, _, keys = driver.execute_query("RETURN 1 AS one, 'x' AS s, [1, 2.5, null] AS l", database_="neo4j",
                                            routing_=neo4j.RoutingControl.READ)
    assert keys == ["one", "s", "l"] and [r.data() for r in records] == [{"one": 1, "s": "x", "l": [1, 2.5, None]}]


def test_the_official_driver_runs_a_read_transaction(driver):
    def work(tx):
        group = tx.run("MATCH (g:TargetGroup {name_zh: $name}) RETURN g LIMIT 1", name="农村留守老年人").single()["g"]
        served = tx.run("MATCH (p:Programme)-[:SERVES]->(g:TargetGroup {iri: $iri}) RETURN count(p) AS n",
                        iri=group.element_id).single()["n"]
        return group, served

    with driver.session(database="neo4j") as session:
        group, served = session.execute_read(work)
    assert isinstance(group, neo4j.graph.Node) and set(group.labels) == {"TargetGroup"}
    assert group["name_zh"] == "农村留守老年人" and group.element_id.endswith("/group/rural-left-behind-elderly")
    assert served > 0


def test_a_write_through_the_driver_is_refused_and_nothing_is_written(driver, live_server):
    with driver.session(database="neo4j") as session:
        with pytest.raises(neo4j.exceptions.ClientError) as refused:
            session.execute_write(lambda tx: tx.run("CREATE (n:Plan {iri: 'urn:x'}) RETURN n").consume())
    assert refused.value.code == "Neo.ClientError.Statement.AccessMode"
    count = httpx.post(live_server + "/cypher", json={"statement": "MATCH (n:Plan {iri: 'urn:x'}) RETURN count(n)"})
    assert count.json()["data"]["values"] == [[0]]


def test_plain_query_api_transactions(live_server):
    base = live_server + "/db/neo4j/query/v2"
    typed = {"Content-Type": TYPED, "Accept": TYPED}
    begun = httpx.post(base + "/tx", json={"statement": "RETURN $n + 1 AS m",
                                           "parameters": {"n": {"$type": "Integer", "_value": "1"}}}, headers=typed)
    assert begun.status_code == 202 and begun.headers["content-type"].startswith(TYPED)
    tx = begun.json()["transaction"]["id"]
    assert begun.json()["data"]["values"] == [[{"$type": "Integer", "_value": "2"}]]
    again = httpx.post(f"{base}/tx/{tx}", json={"statement": "RETURN 'a' AS s"})
    assert again.json()["data"] == {"fields": ["s"], "values": [["a"]]}
    assert httpx.post(f"{base}/tx/{tx}/commit").status_code == 200
    gone = httpx.post(f"{base}/tx/{tx}", json={"statement": "RETURN 1"})
    assert gone.status_code == 404 and gone.json()["errors"][0]["code"] == "Neo.ClientError.Transaction.TransactionNotFound"
    other = httpx.post(base + "/tx", json={}).json()["transaction"]["id"]
    assert httpx.delete(f"{base}/tx/{other}").status_code == 200
    assert httpx.delete(f"{base}/tx/{other}").status_code == 404
    odd = httpx.post(base, json={"statement": "RETURN $p", "parameters": {"p": {"$type": "Date", "_value": "2025-01-01"}}},
                     headers=typed)
    assert odd.status_code == 400 and "parameters of type Date are not taken" in odd.json()["detail"]
