"""The networkx projection, its analytics, and the GraphML / CSV / JSON-LD files, on the real build."""

from __future__ import annotations

import csv
import json

import pytest

nx = pytest.importorskip("networkx", reason="networkx is not installed: pip install 'networkx>=3.2' "
                                            "(a dependency of policykg's projection and GraphML export)")

from rdflib import BNode, Dataset, URIRef  # noqa: E402
from rdflib.compare import isomorphic  # noqa: E402

from policykg.graph.builds.datadir import load_dataset  # noqa: E402
from policykg.graph.exports.files import CONTEXT_FILE, load_context, write_csv, write_graphml, write_jsonld  # noqa: E402
from policykg.graph.exports.projection import centrality, shortest_path, to_networkx  # noqa: E402
from policykg.graph.mapping.mapper import map_dataset  # noqa: E402

ID = "https://w3id.org/policykg/id/"
NATIONAL = ID + "plan/national-14th-minzheng-plan"
WEIHAI = ID + "plan/weihai-14th-minzheng-plan"


@pytest.fixture(scope="module")
def dataset(built):
    _, data_dir = built
    return load_dataset(data_dir)


@pytest.fixture(scope="module")
def pg(dataset):
    return map_dataset(dataset)


def test_the_projection_has_every_node_and_relationship(pg):
    graph = to_networkx(pg)
    assert graph.number_of_nodes() == len(pg.nodes)
    assert graph.number_of_edges() == len(pg.relationships)
    data = graph.nodes[NATIONAL]
    assert data["label"] == "Plan" and data["name_zh"]
    assert set(data) == {"label", "name_zh", "name_en"}
    assert {d["type"] for _, _, d in graph.edges(data=True)} == {r.type for r in pg.relationships}


def test_a_shortest_path_joins_the_national_and_the_weihai_plan(pg):
    path = shortest_path(pg, NATIONAL, WEIHAI)
    assert path[0] == NATIONAL and path[-1] == WEIHAI
    graph = to_networkx(pg).to_undirected()
    assert all(graph.has_edge(a, b) for a, b in zip(path, path[1:]))
    assert len(shortest_path(pg, WEIHAI, NATIONAL)) == len(path)  # undirected
    with pytest.raises(KeyError):
        shortest_path(pg, NATIONAL, ID + "nothing")


@pytest.mark.slow
def test_centrality_ranks_bodies_and_programmes(pg):
    rows = centrality(pg)
    labels = {node.iri: node.label for node in pg.nodes}
    assert {labels[iri] for iri, *_ in rows} == {"Body", "Programme"}
    assert len(rows) == sum(1 for node in pg.nodes if node.label in ("Body", "Programme"))
    bodies = [row for row in rows if labels[row[0]] == "Body"]
    assert bodies and any(degree > 0 for _, _, degree, _ in bodies)
    assert all(name for _, name, _, _ in rows)
    assert all(0.0 <= b <= 1.0 for *_, b in rows)
    assert [r[3] for r in rows] == sorted((r[3] for r in rows), reverse=True)
    only_bodies = centrality(pg, labels=("Body",))
    assert {iri for iri, *_ in only_bodies} == {iri for iri, *_ in bodies}
    ministry = next(row for row in only_bodies if row[1] == "民政部")
    assert ministry[2] > 0


def test_graphml_reads_back_with_the_same_counts(pg, tmp_path):
    path = write_graphml(pg, tmp_path / "graph.graphml")
    graph = nx.read_graphml(path, force_multigraph=True)
    assert graph.number_of_nodes() == len(pg.nodes)
    assert graph.number_of_edges() == len(pg.relationships)
    node = next(n for n in pg.nodes if any(isinstance(v, list) and len(v) > 1 for v in n.props.values()))
    name, value = next((k, v) for k, v in node.props.items() if isinstance(v, list) and len(v) > 1)
    assert graph.nodes[node.iri][name] == "; ".join(value)  # lists joined with '; '
    # Gephi shows ``label``: the name, not the class (which is ``type``)
    programme = next(n for n in pg.nodes if n.label == "Programme")
    assert graph.nodes[programme.iri]["label"] == programme.props["name_zh"] != "Programme"
    assert graph.nodes[programme.iri]["type"] == "Programme"
    assert len({graph.nodes[n.iri]["label"] for n in pg.nodes}) > len(pg.nodes) / 2


def test_csv_files_have_one_row_per_node_and_relationship(pg, tmp_path):
    nodes, relationships = write_csv(pg, tmp_path / "csv")
    with nodes.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(pg.nodes)
    assert list(rows[0]) == ["iri", "label", "name_zh", "name_en", "props", "graphs"]
    first = pg.nodes[0]
    assert rows[0]["iri"] == first.iri and json.loads(rows[0]["props"]) == first.props
    with relationships.open(encoding="utf-8", newline="") as handle:
        rels = list(csv.DictReader(handle))
    assert len(rels) == len(pg.relationships)
    assert list(rels[0]) == ["start", "type", "end", "props", "graphs"]


@pytest.mark.slow
def test_jsonld_is_compacted_with_the_published_context_and_reparses_to_the_same_dataset(dataset, tmp_path):
    path = write_jsonld(dataset, tmp_path / "policykg.jsonld", CONTEXT_FILE)
    document = json.loads(path.read_text(encoding="utf-8"))
    context = load_context(CONTEXT_FILE)
    for prefix in ("pkg", "skos", "dcterms", "eli", "prov", "org", "rdfs", "xsd"):
        assert prefix in context
    assert document["@context"] == context
    assert '"inDocument"' in path.read_text(encoding="utf-8")  # short terms are used

    again = Dataset()
    again.parse(path, format="json-ld")
    by_graph = lambda d: {str(getattr(g, "identifier", g)) for *_, g in d.quads((None, None, None, None))}  # noqa: E731
    assert by_graph(again) == by_graph(dataset)
    for name in by_graph(dataset):
        original, parsed = dataset.graph(URIRef(name)), again.graph(URIRef(name))
        assert len(parsed) == len(original), name
        if any(isinstance(t, BNode) for triple in original for t in triple):
            assert isomorphic(original, parsed), name
        else:
            assert set(parsed) == set(original), name
