"""What lets the build grow to thousands of documents: worker processes and cascade-bounded alignment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policykg import build_pool
from policykg.build import build
from policykg.build_pool import build_workers
from policykg.graph.backends.embedded import open_cypher
from policykg.graph.builds.datadir import DATASET_FILE
from policykg.loaders.align import Candidate, align_indicators, related_plans

pytestmark = pytest.mark.slow  # builds of larger corpora: make test-fast leaves it out

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
BLANK = re.compile(r"_:\S+")


def test_related_plans_follow_the_cascade():
    parents = {"national": set(), "article": set(), "hainan": {"national"}, "shandong": {"national"},
               "weihai": {"shandong"}, "jinan": {"shandong", "national"}, "county": {"jinan"}, "shaoyang": set()}
    pairs = related_plans(parents, national={"national"})
    # every plan above, however far up
    assert {("county", "jinan"), ("county", "shandong"), ("county", "national")} <= pairs
    # the plans directly under the national plan with each other; a plan citing no loaded plan follows it
    assert {("hainan", "shandong"), ("hainan", "shaoyang"), ("article", "shaoyang")} <= pairs
    # a province's cities are not paired with each other (even one also citing the national plan), nor cousins
    assert not pairs & {("jinan", "weihai"), ("county", "weihai"), ("county", "hainan"), ("hainan", "jinan")}


def test_alignment_is_limited_to_related_plans():
    same = [Candidate("a1", "a", "municipal", "养老机构床位数", "张", "target"),
            Candidate("b1", "b", "municipal", "养老机构床位数", "张", "target")]
    assert len(align_indicators(same)) == 1  # no cascade given: every pair of plans
    assert align_indicators(same, related=set()) == []
    assert len(align_indicators(same, related={("a", "b")})) == 1


def test_workers_default_to_one_for_a_small_corpus(monkeypatch):
    monkeypatch.setenv(build_pool.ENV_VAR, "3")
    assert build_workers(None, build_pool.POOL_FROM - 1) == 1
    assert build_workers(None, 100) == 3
    assert build_workers(2, 100) == 2
    monkeypatch.setenv(build_pool.ENV_VAR, "many")
    with pytest.raises(ValueError, match="POLICYKG_BUILD_WORKERS"):
        build_workers(None, 100)
    with pytest.raises(ValueError, match="at least 1"):
        build_workers(0, 100)


def _quads(report) -> list[str]:
    """The dataset's quads, sorted, blank nodes (the ontology's OWL lists) named alike."""
    text = (report.build_dir / DATASET_FILE).read_text(encoding="utf-8")
    return sorted(BLANK.sub("_:b", line) for line in text.splitlines())


def _property_graph(report) -> tuple[list, list]:
    """Every node (iri, label, properties) and relationship (ends, type, quotes) of the build's LadybugDB."""
    with open_cypher(report.build_dir) as store:
        _, nodes = store.query("MATCH (n) RETURN n.iri, label(n), n ORDER BY n.iri")
        _, links = store.query("MATCH (a)-[r]->(b) RETURN a.iri, label(r), b.iri, r.quotes, r.evidence "
                               "ORDER BY a.iri, label(r), b.iri")
    assert len(nodes) > 1_000 and len(links) > 1_000
    return [(iri, label, {k: v for k, v in props.items() if not k.startswith("_")}) for iri, label, props in nodes], links


def test_worker_processes_build_the_same_graph(tmp_path, monkeypatch):
    alone = build(CORPUS, tmp_path / "alone", workers=1)
    monkeypatch.setattr(build_pool, "POOL_FROM", 1)
    pooled = build(CORPUS, tmp_path / "pooled", workers=2)
    assert pooled.triples == alone.triples > 10_000
    assert _quads(pooled) == _quads(alone)
    assert [(d.file, d.counts, d.error) for d in pooled.documents] == \
        [(d.file, d.counts, d.error) for d in alone.documents]
    # the property graph, mapped in stretches by the workers, is the one mapped in one go
    assert _property_graph(pooled) == _property_graph(alone)
    # the stage figures: the per-document ones summed over the workers, the rest measured here
    assert {"parse", "rdf", "validate", "align", "map", "cypher", "sparql"} <= pooled.stages.keys()
    assert all(seconds > 0 for seconds in pooled.stages.values())
