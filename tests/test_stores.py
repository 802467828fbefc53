"""The embedded stores of a real build: Cypher (LadybugDB) and SPARQL (Oxigraph) give the same answers."""

from __future__ import annotations

import pytest

from policykg.graph.backends.embedded import open_cypher, open_sparql
from policykg.graph.builds.datadir import DataDir

SPARQL_PREFIXES = """
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


@pytest.fixture(scope="module")
def stores(built):
    folder = DataDir(built[1]).current()
    with open_cypher(folder) as cypher:
        yield cypher, open_sparql(folder)


def _cypher_set(cypher, query: str, **params) -> set[str]:
    _, rows = cypher.query(query, params)
    return {row[0] for row in rows}


def _sparql_set(sparql, query: str) -> set[str]:
    return {solution[0].value for solution in sparql.query(SPARQL_PREFIXES + query, use_default_graph_as_union=True)}


@pytest.mark.parametrize("group", ["老年人", "农村留守老年人", "儿童", "孤儿", "残疾人", "特困人员"])
def test_programmes_serving_a_group_and_its_narrower_groups_agree(stores, group):
    cypher, sparql = stores
    by_cypher = _cypher_set(cypher, """
        MATCH (p:Programme)-[:SERVES]->(:TargetGroup)-[:BROADER*0..8]->(a:TargetGroup)
        WHERE a.name_zh = $name RETURN DISTINCT p.iri""", name=group)
    by_sparql = _sparql_set(sparql, f"""
        SELECT DISTINCT ?p WHERE {{ ?p pkg:serves ?g . ?g skos:broader* ?a . ?a skos:prefLabel "{group}"@zh }}""")
    assert by_cypher == by_sparql
    assert by_cypher  # every one of these groups is served somewhere in the corpus


@pytest.mark.parametrize("label", ["Plan", "Chapter", "Section", "Box", "Indicator", "Programme", "TargetGroup"])
def test_instances_per_class_agree(stores, label):
    cypher, sparql = stores
    by_cypher = _cypher_set(cypher, f"MATCH (n:{label}) RETURN n.iri")
    by_sparql = _sparql_set(sparql, f"SELECT DISTINCT ?n WHERE {{ ?n a pkg:{label} }}")
    assert by_cypher == by_sparql and by_cypher


def test_the_serving_quote_is_on_the_cypher_relationship(stores):
    """The question the project exists for, in Cypher, with the sentence that says so."""
    cypher, _ = stores
    _, rows = cypher.query("""
        MATCH (p:Programme)-[s:SERVES]->(g:TargetGroup)
        WHERE g.name_zh = '农村留守老年人'
        RETURN p.name_zh, s.quotes, s.matched""", {})
    assert rows
    for name, quotes, matched in rows:
        assert quotes and matched and any(m in q for m in matched for q in quotes), name


def test_the_cypher_store_is_opened_read_only(stores):
    cypher, _ = stores
    with pytest.raises(RuntimeError):
        cypher.query("CREATE (:Plan {iri: 'urn:x'})", {})
