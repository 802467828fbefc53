"""The embedded stores give back exactly what was written: LadybugDB through Cypher, Oxigraph through SPARQL.

The small graph is made to break a naive CSV bulk load: Chinese text with ASCII
and full-width commas, quotes and newlines, list items that are empty or hold
brackets and quotes, NULLs next to empty strings, and one relationship type
between two pairs of labels.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Dataset

from policykg.graph.backends.embedded import NULL, open_cypher, open_sparql, write_cypher, write_embedded
from policykg.graph.mapping.model import DOUBLE, Node, PropertyGraph, Relationship

G1, G2 = "https://w3id.org/policykg/id/graph/a", "https://w3id.org/policykg/id/graph/b"
TRICKY = '“十四五”民政规划,含"引号"，全角逗号\n第二行\r\n第三行 [括号] \\ 反斜杠 '
CONCEPTS = [f"c{i}" for i in range(1, 8)]  # c1 BROADER c2 BROADER … c7

TYPE, LABEL = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<http://www.w3.org/2000/01/rdf-schema#label>"
PROGRAMME = "<https://w3id.org/policykg/ontology#Programme>"
NQUADS = f"""<https://ex/p1> {TYPE} {PROGRAMME} <{G1}> .
<https://ex/p1> {LABEL} "养老服务,\\"一\\"\\n二"@zh <{G1}> .
<https://ex/p2> {TYPE} {PROGRAMME} <{G2}> .
<https://ex/p2> {LABEL} "儿童福利" <{G2}> .
<https://ex/p1> <https://w3id.org/policykg/ontology#serves> <https://ex/t1> <{G2}> .
<https://ex/x> <https://ex/y> "default graph" .
"""


def small_graph() -> PropertyGraph:
    nodes = [
        Node("https://ex/plan/1", "Plan", {"name_zh": TRICKY, "year": 2021, "budget": 1.5, "binding": True, "note": "",
                                           "aliases": ["甲,乙", "", 'say "hi"', "[x]", "多\n行"]}, (G1,)),
        Node("https://ex/plan/2", "Plan", {"name_zh": "民政事业发展规划", "year": -9223372036854775808,
                                           "budget": 0.1 + 0.2, "binding": False, "aliases": []}, (G1, G2)),
        Node("https://ex/plan/3", "Plan", {"name_zh": "只有名称"}),
        Node("https://ex/prog/1", "Programme", {"name_zh": "养老服务，提升工程", "order": 1}, (G1,)),
        Node("https://ex/measure/1", "Measure", {"name_zh": "“兜底”保障"}, (G2,)),
        Node("https://ex/group/old", "TargetGroup", {"name_zh": "老年人"}),
        Node("https://ex/group/kids", "TargetGroup", {"name_zh": "困境儿童"}),
    ] + [Node(f"https://ex/concept/{c}", "Concept", {"name_zh": f"概念{c}"}) for c in CONCEPTS]
    relationships = [
        Relationship("https://ex/prog/1", "SERVES", "https://ex/group/old",
                     {"quotes": ["为老年人提供服务，含\"引号\"", "第二条\n引文"], "confidence": 1}, (G1,)),
        Relationship("https://ex/measure/1", "SERVES", "https://ex/group/kids", {"confidence": 0.75}, (G2,)),
        Relationship("https://ex/measure/1", "SERVES", "https://ex/group/old", {"quotes": []}, (G1, G2)),
        Relationship("https://ex/plan/1", "HAS_PROGRAMME", "https://ex/prog/1", {}, (G1,)),
    ] + [Relationship(f"https://ex/concept/{a}", "BROADER", f"https://ex/concept/{b}")
         for a, b in zip(CONCEPTS, CONCEPTS[1:])]
    return PropertyGraph(nodes, relationships)


@pytest.fixture(scope="module")
def build_folder(tmp_path_factory) -> Path:
    """Both stores written into a ``.partial`` folder, then renamed as ``DataDir.publish`` does."""
    root = tmp_path_factory.mktemp("embedded")
    partial = root / "b.partial"
    partial.mkdir()
    (partial / "dataset.nq").write_text(NQUADS, encoding="utf-8")
    counts = write_embedded(small_graph(), partial / "dataset.nq", partial)
    assert counts["cypher_nodes"] == 14 and counts["cypher_relationships"] == 10 and counts["sparql_quads"] == 6
    return partial.rename(root / "b")


@pytest.fixture(scope="module")
def cypher(build_folder):
    with open_cypher(build_folder) as store:
        yield store


def test_counts_per_label_and_type(cypher):
    graph = small_graph()
    for label, expected in Counter(n.label for n in graph.nodes).items():
        assert cypher.query(f"MATCH (n:{label}) RETURN count(n)")[1] == [[expected]]
    for kind, expected in Counter(r.type for r in graph.relationships).items():
        assert cypher.query(f"MATCH ()-[r:{kind}]->() RETURN count(r)")[1] == [[expected]]


def test_every_node_property_round_trips(cypher):
    graph = small_graph()
    schema = graph.schema()
    for node in graph.nodes:
        columns, rows = cypher.query(f"MATCH (n:{node.label}) WHERE n.iri = $iri RETURN n.*", {"iri": node.iri})
        got = dict(zip((c.removeprefix("n.") for c in columns), rows[0]))
        for name, kind in schema.labels[node.label].properties.items():
            expected = node.props.get(name)
            expected = float(expected) if kind == DOUBLE and expected is not None else expected
            assert got[name] == expected and type(got[name]) is type(expected), (node.iri, name)
        assert got["graphs"] == list(node.graphs)


def test_null_and_empty_are_kept_apart(cypher):
    rows = cypher.query("MATCH (p:Plan) RETURN p.iri, p.note, p.aliases ORDER BY p.iri")[1]
    assert rows == [["https://ex/plan/1", "", ["甲,乙", "", 'say "hi"', "[x]", "多\n行"]],
                    ["https://ex/plan/2", None, []], ["https://ex/plan/3", None, None]]


def test_one_relationship_type_between_two_label_pairs(cypher):
    columns, rows = cypher.query(
        "MATCH (a)-[r:SERVES]->(b) RETURN label(a), a.iri, b.iri, r.quotes, r.confidence, r.graphs "
        "ORDER BY a.iri, b.iri")
    assert [row[0] for row in rows] == ["Measure", "Measure", "Programme"]
    assert rows[0][1:] == ["https://ex/measure/1", "https://ex/group/kids", None, 0.75, [G2]]
    assert rows[1][1:] == ["https://ex/measure/1", "https://ex/group/old", [], None, [G1, G2]]
    assert rows[2][1:] == ["https://ex/prog/1", "https://ex/group/old",
                           ["为老年人提供服务，含\"引号\"", "第二条\n引文"], 1.0, [G1]]


def test_variable_length_broader(cypher):
    rows = cypher.query("MATCH (a:Concept {iri: $iri})-[:BROADER*1..5]->(b:Concept) RETURN b.name_zh ORDER BY b.iri",
                        {"iri": "https://ex/concept/c1"})[1]
    assert rows == [[f"概念{c}"] for c in CONCEPTS[1:6]]  # c7 is six steps away
    two_hops = "MATCH (p:Plan)-[:HAS_PROGRAMME]->(:Programme)-[:SERVES]->(g:TargetGroup) RETURN g.name_zh"
    assert cypher.query(two_hops)[1] == [["老年人"]]


def test_read_only_connection_refuses_writes(build_folder, cypher):
    with pytest.raises(RuntimeError):  # the engine refuses; nothing is checked in our code
        cypher.query("CREATE (:TargetGroup {iri: 'https://ex/group/new', name_zh: '新'})")
    with pytest.raises(RuntimeError):
        cypher.query("MATCH (g:TargetGroup) SET g.name_zh = 'x'")
    assert cypher.query("MATCH (g:TargetGroup) RETURN count(g)")[1] == [[2]]


def test_reserved_values_are_refused(tmp_path):
    graph = PropertyGraph([Node("https://ex/n", "Plan", {"name_zh": NULL})])
    with pytest.raises(ValueError):
        write_embedded(graph, tmp_path / "missing.nq", tmp_path)


SPARQL_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
SPARQL_LABELS = ("SELECT ?g ?label WHERE { GRAPH ?g { ?s a <https://w3id.org/policykg/ontology#Programme> ; "
                 "<http://www.w3.org/2000/01/rdf-schema#label> ?label } }")


def test_sparql_named_graphs_agree_with_rdflib(build_folder):
    reference = Dataset()
    reference.parse(build_folder / "dataset.nq", format="nquads")
    expected = {str(row.g): int(row.n) for row in reference.query(SPARQL_PER_GRAPH)}
    store = open_sparql(build_folder)
    got = {row["g"].value: int(row["n"].value) for row in store.query(SPARQL_PER_GRAPH)}
    assert got == expected == {G1: 2, G2: 3}
    labels = {(row["g"].value, row["label"].value) for row in store.query(SPARQL_LABELS)}
    assert labels == {(str(r.g), str(r.label)) for r in reference.query(SPARQL_LABELS)}
    assert (G1, '养老服务,"一"\n二') in labels
    with pytest.raises(RuntimeError):  # a read-only Oxigraph store refuses updates
        store.update("INSERT DATA { GRAPH <https://ex/g> { <https://ex/a> <https://ex/b> <https://ex/c> } }")


def test_corpus_programmes_agree_between_stores(built, tmp_path):
    from policykg.graph.builds.datadir import DataDir
    from policykg.graph.mapping.mapper import map_dataset

    dataset = DataDir(built[1]).current() / "dataset.nq"
    rdf = Dataset()
    rdf.parse(dataset, format="nquads")
    write_embedded(map_dataset(rdf), dataset, tmp_path)
    with open_cypher(tmp_path) as store:
        cypher_count = store.query("MATCH (p:Programme) RETURN count(p)")[1][0][0]
    sparql = open_sparql(tmp_path).query(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?p a <https://w3id.org/policykg/ontology#Programme> } }")
    assert cypher_count == int(next(iter(sparql))["n"].value) > 0


def test_quoted_cells_after_many_plain_rows_are_read_whole(tmp_path):
    """LadybugDB guesses the CSV dialect from the first rows: commas and quotes that first appear on row 300
    must still be one value each (found when building 20 generated plans)."""
    names = [f"项目{i}" for i in range(299)] + ['健全分层分类社会救助体系, "兜底" 保障', "a,b,c"]
    nodes = [Node(f"urn:x:{i}", "Programme", {"name_zh": name, "rank": i}) for i, name in enumerate(names)]
    write_cypher(PropertyGraph(nodes=nodes), tmp_path / "cypher")
    with open_cypher(tmp_path) as store:
        _, rows = store.query("MATCH (p:Programme) RETURN p.name_zh, p.rank ORDER BY p.rank")
    assert [row[0] for row in rows] == names and rows[-1][1] == 300
