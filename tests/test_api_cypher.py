"""``/cypher`` on the embedded store: answers in the Neo4j Query API shape; writes, files and runaway queries refused."""

from __future__ import annotations

import hashlib
import json

import pytest

from policykg.graph.questions import catalogue

PROBLEM = "application/problem+json"


def cypher(client, statement: str, **parameters):
    return client.post("/cypher", json={"statement": statement, "parameters": parameters})


def digest(client) -> str:
    """A fingerprint of the whole graph as served: every node's iri and label, every relationship."""
    nodes = cypher(client, "MATCH (n) RETURN n.iri AS iri, label(n) AS label ORDER BY iri LIMIT 1000").json()
    rels = cypher(client, "MATCH (a)-[r]->(b) RETURN count(*) AS c").json()
    return hashlib.sha256(json.dumps([nodes, rels], sort_keys=True).encode()).hexdigest()


def test_a_catalogue_question_gives_the_catalogue_answer(client, built):
    from policykg.graph.backends.embedded import open_cypher
    from policykg.graph.builds.datadir import DataDir

    named = catalogue.query("programmes_for_group")
    answer = cypher(client, named.cypher, group_name="老年人").json()
    assert answer["data"]["fields"] == ["programme", "programme_name", "document", "target_group", "quote"]
    with open_cypher(DataDir(built[1]).current()) as store:
        expected = catalogue.run("cypher", store, named, {"group_name": "老年人"})
    assert sorted(tuple(row) for row in answer["data"]["values"]) == expected
    assert answer["bookmarks"] == []


def test_nodes_relationships_and_paths_come_back_as_json(client):
    values = cypher(client, "MATCH p = (g:TargetGroup {name_zh: $name})-[r:BROADER]->(b) RETURN g, r, p LIMIT 1",
                    name="农村留守老年人").json()["data"]["values"][0]
    node, rel, path = values
    assert node["labels"] == ["TargetGroup"] and node["elementId"] == node["properties"]["iri"]
    assert rel["type"] == "BROADER" and "graphs" in rel["properties"]
    assert [n["properties"]["name_zh"] for n in path["nodes"]][0] == "农村留守老年人"


def test_the_neo4j_query_api_path_answers_the_same(client):
    statement = "MATCH (a:Area) RETURN a.name_zh AS name ORDER BY name LIMIT 3"
    assert client.post("/db/neo4j/query/v2", json={"statement": statement}).json() == cypher(client, statement).json()


REFUSED = [
    "CREATE (n:Area {{iri: 'x'}})",
    "MERGE (n:Area {{iri: 'x'}})",
    "MATCH (n:Area) SET n.name_zh = 'x'",
    "MATCH (n:Area) DELETE n",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Area) REMOVE n.name_en",
    "CREATE NODE TABLE Evil(id INT64, PRIMARY KEY(id))",
    "DROP TABLE Area",
    "ALTER TABLE Area ADD evil STRING",
    "COPY Area FROM '/etc/passwd'",
    "COPY (MATCH (a:Area) RETURN a.iri) TO '{out}'",
    "LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *",
    "MATCH (a:Area) WITH a LOAD FROM '/etc/hostname' (file_format='csv', header=false) RETURN *",
    "INSTALL httpfs",
    "LOAD EXTENSION httpfs",
    "ATTACH '{out}.db' AS evil (dbtype lbug)",
    "EXPORT DATABASE '{out}.dir'",
    "CHECKPOINT",
    "BEGIN TRANSACTION",
    "MATCH (a:Area) RETURN a.iri LIMIT 1; MATCH (n) DETACH DELETE n",
    "/* comment */ cReAtE (n:Area {{iri: 'y'}})",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_writes_and_file_access_are_refused_and_the_server_goes_on(client, statement, tmp_path):
    before = digest(client)
    out = tmp_path / "stolen"
    response = cypher(client, statement.format(out=out))
    assert response.status_code in (400, 403), response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["errors"][0]["code"].startswith(("Neo.ClientError", "PolicyKG.ClientError"))
    assert not list(tmp_path.iterdir())  # nothing was written
    assert digest(client) == before  # nothing changed, and the next request is answered


@pytest.mark.slow
def test_a_runaway_query_is_stopped_at_the_time_limit(client, api_settings):
    response = cypher(client, "MATCH (a), (b), (c) RETURN a.iri + b.iri + c.iri AS x ORDER BY x LIMIT 1")
    assert response.status_code == 503 and response.headers["content-type"] == PROBLEM
    assert "time limit" in response.json()["detail"]
    assert response.headers["retry-after"]
    assert cypher(client, "RETURN 1 AS one").json()["data"]["values"] == [[1]]


def test_an_answer_over_the_row_limit_is_refused_with_advice(client, api_settings):
    response = cypher(client, "MATCH ()-[r]->() RETURN r")  # 1,732 > the tests' limit of 1,000
    assert response.status_code == 422 and "LIMIT" in response.json()["detail"]
    assert len(cypher(client, "MATCH ()-[r]->() RETURN r LIMIT 1000").json()["data"]["values"]) == 1000


@pytest.mark.parametrize("value", ["老年人' OR 1=1 //", '"}) DETACH DELETE n //', "{{$x}}", "\\'\\\"", "\n\t{[]}"])
def test_parameters_with_quotes_and_braces_are_values(client, value):
    assert cypher(client, "RETURN $x AS x", x=value).json()["data"]["values"] == [[value]]
    found = cypher(client, "MATCH (g:TargetGroup) WHERE g.name_zh = $x RETURN g.iri", x=value).json()
    assert found["data"]["values"] == []


@pytest.mark.parametrize("body, status", [
    ({"statement": "MATCH ("}, 400),
    ({"statement": ""}, 422),
    ({"parameters": {}}, 422),
    ({"statement": "MATCH (n:NoSuchLabel) RETURN n"}, 400),
])
def test_malformed_requests_get_problems(client, body, status):
    response = client.post("/cypher", json=body)
    assert response.status_code == status and response.headers["content-type"] == PROBLEM
    assert response.json()["detail"]


def test_syntax_errors_point_into_the_statement_sent(client):
    detail = cypher(client, "MATCH (n RETURN n").json()["detail"]
    assert "EXPLAIN" not in detail and "MATCH (n RETURN n" in detail


def test_a_body_that_is_not_json_is_refused(client):
    response = client.post("/cypher", content=b"\xff\xfe not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.headers["content-type"] == PROBLEM
