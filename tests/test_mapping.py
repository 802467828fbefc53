"""The RDF → property-graph mapping (graph/mapping/mapper.py) on the real built corpus."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, SKOS

from policykg.build import build
from policykg.graph.mapping.mapper import map_dataset
from policykg.graph.mapping.rules import load_rules
from policykg.loaders.iris import PKG

from .conftest import CORPUS, dataset_in_service

ID = "https://w3id.org/policykg/id/"
HAINAN = ID + "plan/hainan-14th-minzheng-plan"


def _dataset(data_dir, union: bool = True) -> Dataset:
    return dataset_in_service(data_dir, union)


def _dump(graph):
    """Everything a store receives, props and graphs included (Node equality ignores props)."""
    return ([(n.iri, n.label, n.props, n.graphs) for n in graph.nodes],
            [(r.start, r.type, r.end, r.props, r.graphs) for r in graph.relationships])


@pytest.fixture(scope="module")
def dataset(built):
    return _dataset(built[1])


@pytest.fixture(scope="module")
def graph(dataset):
    return map_dataset(dataset)


@pytest.fixture(scope="module")
def nodes(graph):
    return {node.iri: node for node in graph.nodes}


@pytest.mark.slow
def test_the_mapping_is_deterministic_and_a_rebuild_maps_the_same(dataset, graph, tmp_path):
    assert _dump(map_dataset(dataset)) == _dump(graph)
    build(CORPUS, tmp_path)
    assert _dump(map_dataset(_dataset(tmp_path, union=False))) == _dump(graph)  # reads every named graph
    assert [n.iri for n in graph.nodes] == sorted(n.iri for n in graph.nodes)
    keys = [(r.start, r.type, r.end) for r in graph.relationships]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_every_node_has_one_label_and_a_unique_iri(graph):
    iris = [node.iri for node in graph.nodes]
    assert len(iris) == len(set(iris))
    labels = {node.label for node in graph.nodes}
    assert all(isinstance(label, str) and re.fullmatch(r"[A-Z][A-Za-z]+", label) for label in labels)
    assert not labels & {"Evidence", "Statement", "Document", "Division"}
    assert all(node.graphs and list(node.graphs) == sorted(node.graphs) for node in graph.nodes)


def test_every_relationship_joins_two_nodes_and_is_upper_snake(graph, nodes):
    for rel in graph.relationships:
        assert rel.start in nodes and rel.end in nodes, rel
        assert re.fullmatch(r"[A-Z][A-Z_]*", rel.type)
        assert rel.graphs and list(rel.graphs) == sorted(rel.graphs)
    types = {rel.type for rel in graph.relationships}
    assert {"IS_PART_OF", "BASED_ON", "SERVES", "BROADER", "IN_DOCUMENT", "ALIGNED_WITH", "TARGET"} <= types
    assert not types & {"HAS_PART", "TYPE", "EVIDENCE", "SUBJECT", "IN_SCHEME_OF", "NARROWER"}


def test_node_counts_per_label_equal_the_rdf_instance_counts(dataset, graph):
    counts = Counter(node.label for node in graph.nodes)
    typed: dict[URIRef, set[URIRef]] = {}
    for s, _, cls, _ in dataset.quads((None, RDF.type, None, None)):
        typed.setdefault(s, set()).add(cls)
    for cls, label in load_rules().label_priority:
        assert counts[label] == sum(1 for types in typed.values() if cls in types), label
    plain_concepts = sum(1 for types in typed.values()
                         if SKOS.Concept in types and not any(str(t).startswith(str(PKG)) for t in types))
    # 4 plan levels, 2 indicator attributes, 3 completion statuses, 25 programme kinds, 2 table kinds
    assert counts["Concept"] == plain_concepts == 36
    assert counts["Programme"] == len(set(dataset.subjects(RDF.type, PKG.Programme))) > 100


def test_every_quote_of_the_dataset_lands_on_a_node_or_relationship(dataset, graph):
    landed_quotes, landed_evidence = set(), set()
    for item in [*graph.nodes, *graph.relationships]:
        landed_quotes |= {item.props.get("quote"), *item.props.get("quotes", [])}
        landed_evidence |= set(item.props.get("evidence", []))
    evidence = set(dataset.subjects(RDF.type, PKG.Evidence))
    assert len(evidence) > 400
    assert {str(e) for e in evidence} <= landed_evidence
    assert {str(q) for q in dataset.objects(None, PKG.quote)} <= landed_quotes


def test_node_evidence_gives_the_span_in_the_source_file(graph):
    for node in graph.nodes:
        if "quote" in node.props:
            raw = (CORPUS / node.props["source_file"]).read_text(encoding="utf-8")
            assert raw[node.props["char_start"]:node.props["char_end"]] == node.props["quote"], node.iri


def test_a_programme_serves_left_behind_elderly_through_the_abbreviation(graph, nodes):
    (serves,) = [r for r in graph.relationships if r.type == "SERVES"
                 and nodes[r.start].props.get("name_zh") == "乡镇(街道)社工站建设工程"
                 and nodes[r.start].props.get("document") == HAINAN
                 and nodes[r.end].props.get("name_zh") == "农村留守老年人"]
    assert nodes[serves.start].label == "Programme" and nodes[serves.end].label == "TargetGroup"
    assert any("“三留守”人员" in quote for quote in serves.props["quotes"])
    assert "“三留守”人员" in serves.props["matched"]
    assert len(serves.props["evidence"]) == len(serves.props["quotes"])


def test_indicator_values_are_nodes_and_flat_properties(graph, nodes):
    (row,) = [n for n in graph.nodes if n.label == "Indicator" and n.props.get("document") == HAINAN
              and n.props.get("name_zh") == "农村低保标准占城市低保标准比例"]
    assert row.props["target_text"] == "80" and row.props["target_value"] == 80.0
    assert row.props["target_year"] == "2025" and row.props["baseline_text"] == "77"
    for rel in graph.relationships:
        if rel.type in {"BASELINE", "TARGET", "ACTUAL"}:
            value = nodes[rel.end]
            assert value.label == "IndicatorValue"
            assert nodes[rel.start].props[rel.type.lower() + "_text"] == value.props["value_text"]


def test_alignments_are_kept_once_from_the_higher_level(graph, nodes):
    aligned = [r for r in graph.relationships if r.type == "ALIGNED_WITH"]
    assert len(aligned) > 50
    pairs = {(r.start, r.end) for r in aligned}
    assert not any((end, start) in pairs for start, end in pairs)
    for rel in aligned:
        assert rel.props["method"] and 0 < rel.props["score"] <= 1 and len(rel.props["quotes"]) == 2
        if "national" in nodes[rel.end].props["document"]:
            assert "national" in nodes[rel.start].props["document"]
        assert "https://w3id.org/policykg/id/graph/alignments" in rel.graphs


def test_the_schema_gives_every_label_a_table_and_based_on_joins_plans(graph):
    schema = graph.schema()
    assert set(schema.labels) == {node.label for node in graph.nodes}
    assert all(table.properties for table in schema.labels.values())
    assert ("Plan", "Plan") in schema.relationships["BASED_ON"].pairs
    assert schema.labels["Indicator"].properties["target_value"] == "DOUBLE"
    assert schema.labels["Plan"].properties["loaded"] == "BOOLEAN"
    assert schema.labels["Chapter"].properties["ordinal"] == "INT64"
    assert schema.labels["Plan"].properties["issued"] == "STRING"
    assert schema.relationships["SERVES"].properties["quotes"] == "STRING[]"
    for table in [*schema.labels.values(), *schema.relationships.values()]:
        assert all(isinstance(v, str) for v in table.properties.values())


@pytest.mark.slow
@pytest.mark.parametrize("cache", [None, "3"], ids=["default caches", "caches of 3 subjects"])
def test_the_store_is_mapped_as_the_dataset_in_parts_too(built, graph, cache, monkeypatch):
    """The build maps its Oxigraph store in stretches (policykg/build_mapping.py), asking the store one subject or
    one query at a time: put together, the stretches are the in-memory mapping of the same dataset, whatever
    its workers keep (caches so small that every table is emptied again and again)."""
    import pyoxigraph

    from policykg.graph.builds.datadir import DataDir
    from policykg.graph.mapping.mapper import _uniform_lists, store_labels, stream_store_part

    if cache is not None:
        monkeypatch.setenv("POLICYKG_MAP_CACHE", cache)
    store = pyoxigraph.Store.read_only(str(DataDir(built[1]).current() / "sparql"))
    labels = store_labels(store)
    nodes, relationships = [], []
    for part in range(3):
        _, part_nodes, part_relationships = stream_store_part(store, part, 3, labels=labels)
        nodes += part_nodes
        relationships += part_relationships
    streamed = type(graph)(nodes=_uniform_lists(nodes), relationships=relationships)
    assert _dump(streamed) == _dump(graph)


def test_statements_to_an_object_are_found_alike_in_a_store_and_in_memory():
    """``statements_to``: a statement counts when its object is the node and its predicate one of those asked,
    in whichever named graphs the two triples are; a blank statement or another predicate does not."""
    import pyoxigraph as ox
    from rdflib import BNode
    from rdflib.namespace import SKOS

    from policykg.graph.mapping.quad_index import DatasetIndex, StoreIndex

    node = URIRef(ID + "plan/p/programme/“一老一小”整体解决方案")  # written as plans name them
    other = URIRef(ID + "plan/q/programme/x")
    asked = frozenset({PKG.alignedWith, SKOS.related})
    rows = [(URIRef(ID + "st/aligned"), PKG.alignedWith, "a", "a"), (URIRef(ID + "st/related"), SKOS.related, "a", "b"),
            (URIRef(ID + "st/serves"), PKG.serves, "a", "a"), (BNode("b1"), PKG.alignedWith, "a", "a")]
    dataset = Dataset()
    for statement, predicate, object_graph, predicate_graph in rows:
        dataset.graph(URIRef(ID + f"graph/{object_graph}")).add((statement, RDF.object, node))
        dataset.graph(URIRef(ID + f"graph/{predicate_graph}")).add((statement, RDF.predicate, predicate))
        dataset.graph(URIRef(ID + "graph/a")).add((statement, RDF.subject, other))
    store = ox.Store()
    store.load(dataset.serialize(format="nquads").encode(), ox.RdfFormat.N_QUADS)
    expected = {URIRef(ID + "st/aligned"), URIRef(ID + "st/related")}
    assert StoreIndex(store).statements_to(node, asked) == expected
    assert DatasetIndex(dataset, [RDF.object]).statements_to(node, asked) == expected
    assert StoreIndex(store).statements_to(node, frozenset()) == set()
    assert StoreIndex(store).statements_to(other, asked) == set()


@pytest.mark.slow
def test_the_mapping_stage_bench_maps_what_the_build_loaded(built, tmp_path):
    """``bench/mapping_stage.py`` runs the build's mapping stage alone (two workers, spooled): the same rows the
    build copied into LadybugDB; a folder that is no store is refused with a message, not a traceback."""
    import json
    import subprocess
    import sys

    from policykg.graph.builds.datadir import DataDir

    report, data_dir = built
    store = DataDir(data_dir).current() / "sparql"
    done = subprocess.run([sys.executable, "-m", "bench.mapping_stage", str(store), str(tmp_path), "--workers", "2"],
                          capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    figures = json.loads((tmp_path / "mapping_stage.json").read_text())
    assert (figures["nodes"], figures["relationships"]) == (report.stores["cypher_nodes"],
                                                            report.stores["cypher_relationships"])
    assert len(figures["part_seconds"]) == 4 and figures["summed_seconds"] > 0
    assert not list(tmp_path.glob("spool-*"))  # the spool is removed
    refused = subprocess.run([sys.executable, "-m", "bench.mapping_stage", str(tmp_path / "none"), str(tmp_path)],
                             capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[1])
    assert refused.returncode == 2 and "is not a folder" in refused.stderr


def test_a_stores_labels_by_text_are_the_node_labels_of_the_same_quads():
    """``StoreIndex.labels_by_text`` (the build's one pass, types shared between subjects) gives each node the
    label ``node_labels`` gives it: the most specific class of several, a concept, no label for evidence or a
    statement, and none for a subject typed only outside the ontology."""
    import pyoxigraph as ox
    from rdflib.namespace import PROV

    from policykg.graph.mapping.mapper import node_labels
    from policykg.graph.mapping.quad_index import DatasetIndex, StoreIndex
    from policykg.graph.mapping.rules import label_of

    rules = load_rules()
    typed = {"plan/p": [PKG.Plan], "plan/p/chapter/1": [PKG.Chapter, PKG.Division], "concept/x": [SKOS.Concept],
             "plan/p/evidence/1": [PKG.Evidence, PROV.Entity], "st/1": [RDF.Statement], "other": [PROV.Entity],
             "plan/q": [PKG.Plan, SKOS.Concept]}
    dataset = Dataset()
    for number, (subject, classes) in enumerate(typed.items()):
        for cls in classes:  # the types of one subject in different graphs, as documents and vocabularies give them
            dataset.graph(URIRef(ID + f"graph/{number % 2}")).add((URIRef(ID + subject), RDF.type, cls))
    store = ox.Store()
    store.load(dataset.serialize(format="nquads").encode(), ox.RdfFormat.N_QUADS)
    found = StoreIndex(store).labels_by_text(lambda types: label_of(types, rules))
    expected = {str(s): label for s, label in node_labels(DatasetIndex(dataset, [RDF.type]), rules).items()}
    assert found == expected
    assert found == {ID + "plan/p": "Plan", ID + "plan/p/chapter/1": "Chapter", ID + "concept/x": "Concept",
                     ID + "plan/q": "Plan"}


@pytest.mark.parametrize("written", ["0", "-5", "many", "5e4"])
def test_a_mapping_cache_size_that_is_no_positive_number_is_refused(written, monkeypatch):
    from policykg.graph.mapping.cache_sizes import cache_sizes

    monkeypatch.setenv("POLICYKG_MAP_CACHE", written)
    with pytest.raises(ValueError, match="POLICYKG_MAP_CACHE"):
        cache_sizes()


def test_the_mapping_caches_follow_the_number_of_subjects(monkeypatch):
    from policykg.graph.mapping.cache_sizes import DEFAULT_SUBJECTS, cache_sizes

    monkeypatch.delenv("POLICYKG_MAP_CACHE", raising=False)
    assert cache_sizes().subjects == DEFAULT_SUBJECTS
    monkeypatch.setenv("POLICYKG_MAP_CACHE", "20_000")
    assert (cache_sizes().subjects, cache_sizes().terms, cache_sizes().records) == (20_000, 40_000, 10_000)
