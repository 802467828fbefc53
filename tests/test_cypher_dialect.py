"""Neo4j's Cypher on the embedded store: list positions and ``labels()`` mean what they mean in Neo4j."""

from __future__ import annotations

import pytest

from policykg.graph.backends.cypher_dialect import to_ladybug
from policykg.graph.backends.reader import QuerySyntaxError

TRANSLATED = [
    ("RETURN xs[0], xs[1], xs[-1]", "RETURN xs[1], xs[2], xs[-1]"),
    ("RETURN n.quotes[0] AS q", "RETURN n.quotes[1] AS q"),
    ("RETURN xs[1..3], xs[..2], xs[2..], xs[-3..-1], xs[-2..]", "RETURN xs[2..3], xs[..2], xs[3..], xs[-3..-2], xs[-2..]"),
    ("RETURN xs[i], f(x)[0], [[1, 2], [3]][1][0]", "RETURN xs[(i) + 1], f(x)[1], [[1, 2], [3]][2][1]"),
    ("MATCH (n) RETURN labels(n)[0], LABELS(n)", "MATCH (n) RETURN [label(n)][1], [label(n)]"),
    # left alone: patterns, list literals, keys, strings and comments
    ("MATCH (a)-[r:SERVES]->(b)<-[:IN]-(c) RETURN [1, 2]", "MATCH (a)-[r:SERVES]->(b)<-[:IN]-(c) RETURN [1, 2]"),
    ("WITH m WHERE m.x IN [0, 1] UNWIND [0] AS z RETURN m['k'], CASE WHEN true THEN [0] ELSE [1] END",
     "WITH m WHERE m.x IN [0, 1] UNWIND [0] AS z RETURN m['k'], CASE WHEN true THEN [0] ELSE [1] END"),
    ("RETURN 'xs[0]', \"labels(n)\" // xs[0]\n/* labels(n)[0] */", "RETURN 'xs[0]', \"labels(n)\" // xs[0]\n/* labels(n)[0] */"),
]


@pytest.mark.parametrize("neo4j,ladybug", TRANSLATED)
def test_translation(neo4j, ladybug):
    assert to_ladybug(neo4j) == ladybug


@pytest.mark.parametrize("statement", ["RETURN xs[i..2]", "RETURN xs[0..size(xs) - 1]"])
def test_a_slice_whose_sign_is_unknown_is_refused_with_what_to_write(statement):
    with pytest.raises(QuerySyntaxError, match="Write the bounds as numbers, or use list functions"):
        to_ladybug(statement)


def test_the_embedded_store_answers_as_neo4j_does(client):
    """These answers are Neo4j's; the embedded store gave an error for [0] and "" for labels(n)[0]."""
    lists = client.post("/cypher", json={"statement": "RETURN [10, 20, 30][0] AS first, [10, 20, 30][1..3] AS "
                                                      "tail, [10, 20, 30][-1] AS last, [10, 20, 30][..1] AS head"})
    assert lists.status_code == 200, lists.text
    assert lists.json()["data"]["values"] == [[10, [20, 30], 30, [10]]]
    labels = client.post("/cypher", json={"statement": "MATCH (n:Plan) RETURN labels(n) AS every, labels(n)[0] AS "
                                                       "first LIMIT 1"})
    assert labels.status_code == 200, labels.text
    assert labels.json()["data"]["values"] == [[["Plan"], "Plan"]]
    quotes = client.post("/cypher", json={"statement": "MATCH (p:Programme)-[s:SERVES]->(g) WHERE size(s.quotes) >= 1 "
                                                       "RETURN s.quotes[0] AS a, s.quotes AS every LIMIT 1"})
    first, every = quotes.json()["data"]["values"][0]
    assert first == every[0]
    refused = client.post("/cypher", json={"statement": "RETURN [1, 2, 3][toInteger('1')..2] AS x"})
    assert refused.status_code == 400 and "list_slice" in refused.json()["detail"]
