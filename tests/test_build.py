"""The build end to end: the real corpus into a data directory, evidence, determinism, bad files."""

from __future__ import annotations

import shutil

import pytest

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV

import policykg.build
from policykg.build import build
from policykg.cli import main
from policykg.graph.builds.datadir import DATASET_FILE, DataDir
from policykg.loaders.iris import PKG

from .conftest import CORPUS, dataset_in_service


def _dataset(data_dir) -> Dataset:
    return dataset_in_service(data_dir)


def test_every_document_builds_into_its_own_named_graph(built):
    report, data_dir = built
    assert report.failed == []
    graphs = {str(g.identifier) for g in _dataset(data_dir).graphs() if len(g)}
    assert graphs == {
        "https://w3id.org/policykg/id/graph/hainan-14th-minzheng-plan",
        "https://w3id.org/policykg/id/graph/shaoyang-14th-minzheng-plan",
        "https://w3id.org/policykg/id/graph/national-14th-minzheng-plan",
        "https://w3id.org/policykg/id/graph/hainan-minzheng-reform-article",
        "https://w3id.org/policykg/id/graph/weihai-14th-minzheng-plan",
        "https://w3id.org/policykg/id/graph/ontology",
        "https://w3id.org/policykg/id/graph/alignments",
    }


def test_every_evidence_quote_is_verbatim_from_its_source_file(built):
    _, data_dir = built
    dataset = _dataset(data_dir)
    sources = {}
    for plan, name in dataset.subject_objects(PKG.sourceFile):
        sources[plan] = (CORPUS / str(name)).read_text(encoding="utf-8")
    quotes = list(dataset.subjects(PKG.quote, None))
    assert len(quotes) > 400
    for evidence in quotes:
        document = dataset.value(evidence, PROV.wasQuotedFrom)
        start = dataset.value(evidence, PKG.charStart).toPython()
        end = dataset.value(evidence, PKG.charEnd).toPython()
        assert sources[document][start:end] == str(dataset.value(evidence, PKG.quote)), evidence


@pytest.mark.slow
def test_the_same_input_gives_an_isomorphic_graph(built, tmp_path):
    _, first_dir = built
    build(CORPUS, tmp_path)
    first, second = _dataset(first_dir), _dataset(tmp_path)
    for graph in first.graphs():
        if len(graph):
            assert isomorphic(graph, second.graph(graph.identifier)), graph.identifier


def test_cited_plans_outside_the_corpus_are_plan_nodes_marked_not_loaded(built):
    _, data_dir = built
    dataset = _dataset(data_dir)
    national = URIRef("https://w3id.org/policykg/id/plan/national-14th-minzheng-plan")
    hainan = URIRef("https://w3id.org/policykg/id/plan/hainan-14th-minzheng-plan")
    eli = "http://data.europa.eu/eli/ontology#based_on"
    hainan_parents = set(dataset.objects(hainan, URIRef(eli)))
    assert national in hainan_parents
    (outline,) = hainan_parents - {national}
    assert dataset.value(outline, PKG.loaded) == Literal(False)
    assert "海南省国民经济和社会发展第十四个五年规划" in str(dataset.value(outline, URIRef("http://purl.org/dc/terms/title")))
    assert dataset.value(national, PKG.loaded) == Literal(True)


@pytest.mark.slow
def test_a_bad_file_is_reported_and_the_others_still_build(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    shutil.copy(corpus / "002_5366459dd2a9c16e.txt", corpus / "zz_national_again.txt")
    report = build(corpus, tmp_path / "data")
    errors = {d.file: d.error for d in report.failed}
    assert set(errors) == {"empty.txt", "binary.txt", "zz_national_again.txt"}
    assert "empty.txt: the file is empty" == errors["empty.txt"]
    assert "same text as 002_5366459dd2a9c16e.txt" in errors["zz_national_again.txt"]
    assert sum(1 for d in report.documents if d.triples) == 5


@pytest.mark.slow
def test_a_failed_build_leaves_the_graph_in_service_untouched(built, tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next(CORPUS.glob("002_*.txt")), corpus)
    data_dir = tmp_path / "data"
    build(corpus, data_dir)
    in_service = DataDir(data_dir).current()
    before = (in_service / DATASET_FILE).read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(policykg.build, "write_sparql", disk_full)  # after the dataset is written
    try:
        build(corpus, data_dir)
    except OSError:
        pass
    assert DataDir(data_dir).current() == in_service
    assert (in_service / DATASET_FILE).read_bytes() == before
    assert not list((data_dir / "builds").glob("*.partial"))


@pytest.mark.slow
def test_cli_build_prints_counts_and_export_writes_each_format(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("002_5366459dd2a9c16e.txt", "002_5366459dd2a9c16e.meta.yaml"):
        shutil.copy(CORPUS / name, corpus)
    data_dir = tmp_path / "data"
    assert main(["build", "--data-dir", str(data_dir), "--corpus", str(corpus)]) == 0
    printed = capsys.readouterr().out
    assert "“十四五”民政事业发展规划" in printed and "Chapter" in printed and "Section" in printed
    sizes = {}
    for fmt, parse_as in [("trig", "trig"), ("nq", "nquads"), ("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]:
        out = tmp_path / f"out.{fmt}"
        assert main(["export", "--data-dir", str(data_dir), "--format", fmt, "--out", str(out)]) == 0
        graph = Dataset() if fmt in ("trig", "nq", "jsonld") else Graph()
        graph.parse(out, format=parse_as)
        sizes[fmt] = len(graph) if isinstance(graph, Graph) and not isinstance(graph, Dataset) else \
            sum(1 for _ in graph.quads((None, None, None, None)))
    dataset = _dataset(data_dir)
    quads = sum(1 for _ in dataset.quads((None, None, None, None)))
    distinct = len({(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))})
    assert sizes["trig"] == sizes["nq"] == sizes["jsonld"] == quads
    assert sizes["ttl"] == sizes["nt"] == distinct > 100  # the union: a triple in two graphs counts once


def test_cli_export_without_a_build_says_what_to_do(tmp_path, capsys):
    code = main(["export", "--data-dir", str(tmp_path), "--format", "ttl", "--out", str(tmp_path / "x.ttl")])
    assert code == 2
    assert "run `policykg build` first" in capsys.readouterr().err


def test_a_citation_without_quotes_still_finds_the_loaded_plan(built):
    """Weihai cites 《十四五民政事业发展规划》 (its quotes lost): that is the national plan."""
    _, data_dir = built
    dataset = _dataset(data_dir)
    weihai = URIRef("https://w3id.org/policykg/id/plan/weihai-14th-minzheng-plan")
    national = URIRef("https://w3id.org/policykg/id/plan/national-14th-minzheng-plan")
    parents = set(dataset.objects(weihai, URIRef("http://data.europa.eu/eli/ontology#based_on")))
    assert national in parents and len(parents) == 3
    shandong = URIRef("https://w3id.org/policykg/id/plan/ref/山东省民政事业十四五发展规划")
    assert shandong in parents
    assert dataset.value(shandong, PKG.loaded) == Literal(False)
