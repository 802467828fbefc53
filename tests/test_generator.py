"""The corpus generator of the benchmarks (bench/generate_corpus.py, issue 7).

It must be deterministic (same seed, same bytes), prefix-stable (the first k plans
of 2k are the k plans), and its plans must load into the graph with what they were
generated with: chapters in both heading families, indicator rows with their
baseline and target values, boxes as programmes, glossary terms, the cascade of
依据《…》 links to the parent plan, and more entities as the corpus grows.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Dataset, Literal, URIRef

from bench.corpus_gen import Corpus, Document
from bench.generate_corpus import generate
from policykg.build import build
from policykg.graph.builds.datadir import DATASET_FILE
from policykg.graph.builds.datadir import DataDir
from policykg.loaders.iris import ELI, PKG, graph_iri, plan_iri

pytestmark = pytest.mark.slow  # generated corpora: make test-fast leaves it out

N = 12  # plans built; the growth test compares the first N // 2 with all N
SEED = 0


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _nf(text: str) -> str:
    """As the loaders normalise it (full-width forms and odd spaces folded)."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def test_same_seed_gives_the_same_bytes(tmp_path):
    first = generate(8, tmp_path / "a", seed=7)
    again = generate(8, tmp_path / "b", seed=7)
    assert [p.name for p in first] == [p.name for p in again]
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    other = generate(8, tmp_path / "c", seed=8)
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in first]


def test_a_small_corpus_is_the_prefix_of_a_larger_one(tmp_path):
    k = 7
    small = generate(k, tmp_path / "small", seed=1)
    large = generate(2 * k, tmp_path / "large", seed=1)
    assert [p.name for p in large[:k]] == [p.name for p in small]
    assert [p.name for p in large] == sorted(p.name for p in large)  # file names sort in index order
    larger = _files(tmp_path / "large")
    for name, data in _files(tmp_path / "small").items():  # texts and sidecars alike
        assert larger[name] == data, name
    assert large[0].name.startswith("g00000_national_")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """N generated plans, built for real; their documents regenerated for what they hold."""
    corpus = tmp_path_factory.mktemp("generated")
    generate(N, corpus, seed=SEED)
    data_dir = tmp_path_factory.mktemp("data")
    report = build(corpus, data_dir)
    dataset = Dataset(default_union=True)
    dataset.parse(DataDir(data_dir).current() / DATASET_FILE, format="nquads")
    generator = Corpus(SEED)
    return report, dataset, [generator.document(i) for i in range(N)]


def _slug(document: Document) -> str:
    return (document.sidecar or {}).get("slug") or document.spec.stem


def _graph(dataset: Dataset, document: Document):
    return dataset.graph(graph_iri(_slug(document)))


def _plan(document: Document) -> URIRef:
    return plan_iri(_slug(document))


def test_every_generated_plan_loads_and_conforms(built):
    report, _, documents = built
    assert len(report.documents) == N
    assert report.failed == []  # a graph failing SHACL would be reported here
    assert all(d.triples > 0 for d in report.documents)
    assert report.warnings == [] and [w for d in report.documents for w in d.warnings] == []
    kinds = {d.file: d.kind for d in report.documents}
    assert set(kinds.values()) == {"plan"}, kinds
    assert {d.spec.level for d in documents} == {"national", "provincial", "municipal", "county"}


def test_both_heading_families_become_chapters(built):
    _, dataset, documents = built
    assert {d.spec.family for d in documents} == {"zhang", "yi"}
    for document in documents:
        graph, spec = _graph(dataset, document), document.spec
        chapters = {int(graph.value(c, PKG.ordinal)): c for c in graph.subjects(RDF.type, PKG.Chapter)}
        assert [_nf(str(graph.value(chapters[i], RDFS.label))) for i in sorted(chapters)] == \
            [_nf(t) for t in spec.chapters], spec.stem
        markers = {str(graph.value(c, PKG.marker)) for c in chapters.values()}
        family = {m[0] == "第" and m.endswith("章") for m in markers}
        assert family == {spec.family == "zhang"}, (spec.stem, markers)
        assert len(set(graph.subjects(RDF.type, PKG.Section))) == spec.sections, spec.stem


def _indicators(graph) -> dict[tuple[str, str], dict]:
    found = {}
    for row in graph.subjects(RDF.type, PKG.Indicator):
        kind = str(graph.value(graph.value(row, PKG.inTable), PKG.tableKind)).rsplit("-", 1)[-1]
        values = {}
        for role in ("baseline", "target", "actual"):
            value = graph.value(row, PKG[role])
            if value is not None:
                values[role] = str(graph.value(value, PKG.valueText))
                values[role + "_number"] = graph.value(value, PKG.numericValue)
        values["unit"] = graph.value(row, PKG.unit)
        found[(kind, str(graph.value(row, RDFS.label)))] = values
    return found


def test_indicator_tables_become_indicators_with_baseline_and_target(built):
    _, dataset, documents = built
    checked = 0
    for document in documents:
        spec = document.spec
        found = _indicators(_graph(dataset, document))
        rows = [(t, r) for t in spec.tables for r in t.rows]
        assert len(found) == len(rows), spec.stem
        if spec.chunked:  # run-together numbers (95100) are split by a scored guess: counts only
            continue
        for table, row in rows:
            name = _nf(row.name)
            if row.unit and name.endswith(f"({_nf(row.unit)})"):
                name = name[: -len(_nf(row.unit)) - 2]  # the loaders take the unit from the name
            got = found[(table.kind, name)]
            assert got["target"] == _nf(row.target), (spec.stem, name)
            if table.has_baseline:
                assert got["baseline"] == _nf(row.baseline), (spec.stem, name)
                if row.baseline != "——":
                    assert float(got["baseline_number"]) == float(row.baseline)
            if row.actual is not None:
                assert got["actual"] == _nf(row.actual)
            if not row.unit_cell_lost:
                assert str(got["unit"]) == _nf(row.unit), (spec.stem, name)
            checked += 1
    assert checked > 100


def test_boxes_become_programmes(built):
    _, dataset, documents = built
    boxes = 0
    for document in documents:
        graph, spec = _graph(dataset, document), document.spec
        programmes = {_nf(str(graph.value(p, RDFS.label))): str(graph.value(p, PKG.origin))
                      for p in graph.subjects(RDF.type, PKG.Programme)}
        if spec.chunked:  # box lines run into the text: no box is read (as in 001)
            continue
        assert len(set(graph.subjects(RDF.type, PKG.Box))) == len(spec.boxes), spec.stem
        for box in spec.boxes:
            assert programmes.get(_nf(box.title)) == "box", (spec.stem, box.title)
            for item in box.items:
                assert _nf(item) in programmes, (spec.stem, item)
            boxes += 1
        named = set(document.spec.record.prose_programmes)
        read = [name for name in named if _nf(name) in programmes]
        assert len(read) >= 0.75 * len(named), (spec.stem, sorted(named - set(read)))
    assert boxes >= 20


def test_glossary_terms_appear(built):
    _, dataset, documents = built
    with_glossary = [d for d in documents if d.spec.glossary]
    assert with_glossary
    for document in documents:
        graph = _graph(dataset, document)
        terms = {str(label) for term in graph.subjects(RDF.type, PKG.GlossaryTerm)
                 for label in graph.objects(term, SKOS.prefLabel)}
        assert terms == {_nf(t) for t in document.spec.glossary}, document.spec.stem


def test_each_plan_is_based_on_its_parent_plan(built):
    _, dataset, documents = built
    for document in documents:
        spec, plan = document.spec, _plan(document)
        assert (plan, PKG.level, PKG[f"level-{spec.level}"]) in dataset, spec.stem
        area = dataset.value(plan, ELI.jurisdiction)
        expected = "全国" if spec.level == "national" else spec.area
        assert area is not None and str(dataset.value(area, SKOS.prefLabel)) == expected, spec.stem
        if spec.parent_index is None:
            continue
        parent = _plan(documents[spec.parent_index])
        assert (plan, ELI.based_on, parent) in dataset, (spec.stem, spec.parent_title)
        assert (parent, PKG.loaded, Literal(True)) in dataset


def test_the_graph_grows_in_entities_not_only_in_duplicates(built):
    _, dataset, documents = built

    def distinct(documents) -> tuple[set, set, set]:
        programmes, groups, areas = set(), set(), set()
        for document in documents:
            graph = _graph(dataset, document)
            programmes |= {str(graph.value(p, RDFS.label)) for p in graph.subjects(RDF.type, PKG.Programme)}
            groups |= set(graph.objects(None, PKG.serves))
            areas |= set(graph.objects(_plan(document), ELI.jurisdiction))
        return programmes, groups, areas

    half, whole, later = distinct(documents[: N // 2]), distinct(documents), distinct(documents[N // 2 :])
    for what, small, large in zip(("programmes", "target groups served", "areas"), half, whole, strict=True):
        assert len(large) > len(small) > 0, what
    # many programme names of the later plans are new ones, not those of the first plans again
    # (the prose reader also reads the institutions every plan of the template names: 0.4, not 0.5)
    assert len(later[0] - half[0]) > 0.4 * len(later[0])
    for document in documents:  # every plan says whom its programmes serve
        assert len(set(_graph(dataset, document).objects(None, PKG.serves))) >= 3, document.spec.stem
