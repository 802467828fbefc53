"""``loaders/validate.py`` validates with pyshacl-turbo (shapes compiled once, the document as the
N-Triples text the build writes); its answers must stay pyshacl's own: same verdict, same report
text, and the document's graph unchanged afterwards."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import SKOS, Graph, Literal

from policykg.loaders.validate import ValidationResult, _shape_facts, _shapes, validate_graph

from policykg.loaders.pipeline import parse_document
from policykg.loaders.rdf import DocumentGraph

from .conftest import CORPUS
from .test_ontology import (CHAPTER, CONFORMING, ELI, ID, PKG, PLAN, ROW, ROW_EVIDENCE, SECTION, TARGET)


def _broken(change) -> Graph:
    data = Graph().parse(data=CONFORMING, format="turtle")
    change(data)
    return data


CASES = {
    "conforming": lambda g: None,
    "no quote": lambda g: g.remove((ROW_EVIDENCE, PKG.quote, None)),
    "empty quote": lambda g: g.set((ROW_EVIDENCE, PKG.quote, Literal(""))),
    "comparator": lambda g: g.set((TARGET, PKG.comparator, Literal("≈"))),
    "two parents": lambda g: g.add((SECTION, ELI.is_part_of, PLAN)),
    "plan without evidence (SPARQL)": lambda g: g.remove((PLAN, PKG.evidence, None)),
    "chapter without number": lambda g: g.remove((CHAPTER, PKG.ordinal, None)),
    "parent is an area (sh:or, subclasses)": lambda g: g.set((SECTION, ELI.is_part_of, ID["area/全国"])),
    "unknown attribute": lambda g: g.set((ROW, PKG.attribute, PKG["attribute-optional"])),
    "evidence is no evidence": lambda g: g.add((ID["body/民政部"], PKG.evidence, CHAPTER)),
    "level outside the levels": lambda g: g.set((PLAN, PKG.level, PKG["level-village"])),
    "no Chinese label": lambda g: g.set((ID["area/全国"], SKOS.prefLabel, Literal("China", lang="en"))),
}


@pytest.mark.parametrize("name", CASES)
def test_the_answer_is_pyshacls_own(name):
    data = _broken(CASES[name])
    conforms, _, text = validate(data, shacl_graph=_shapes(), ont_graph=_shape_facts(),
                                 inference="none", allow_warnings=True)
    before = set(data)
    result = validate_graph(data)
    assert (result.conforms, result.report) == (bool(conforms), text)
    assert set(data) == before  # the facts mixed in for the validation are taken out again
    assert result.conforms == (name == "conforming")


def test_validating_again_gives_the_same_answer():
    """The shapes are kept between documents: nothing of one validation may leak into the next."""
    broken = _broken(CASES["plan without evidence (SPARQL)"])
    first = validate_graph(broken).report
    assert validate_graph(_broken(CASES["conforming"])).conforms
    assert validate_graph(broken).report == first


def _pyshacl(data: Graph) -> tuple[bool, str]:
    conforms, _, text = validate(data, shacl_graph=_shapes(), ont_graph=_shape_facts(),
                                 inference="none", allow_warnings=True)
    return bool(conforms), text


@pytest.mark.parametrize("name", ["two parents", "unknown attribute", "level outside the levels"])
def test_the_text_the_build_writes_gives_the_same_answer(name):
    """The build passes the N-Triples it has already written; the report still names nodes with
    the graph's prefixes, as pyshacl's does."""
    data = _broken(CASES[name])
    result = validate_graph(data, data.serialize(format="nt"))
    assert (result.conforms, result.report) == _pyshacl(data)
    assert "pkg:" in result.report


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt"))[:2], ids=lambda path: path.name[:3])
def test_a_real_plans_graph_gets_pyshacls_answer(path):
    """A whole plan's graph (thousands of triples, every class of the ontology), valid and with one
    fact removed that a shape asks for."""
    graph = DocumentGraph(parse_document(path), {}).build()
    assert validate_graph(graph, graph.serialize(format="nt")) == ValidationResult(*_pyshacl(graph))
    evidence = next(graph.subjects(PKG.quote, None))
    graph.remove((evidence, PKG.quote, None))
    broken = validate_graph(graph, graph.serialize(format="nt"))
    assert not broken.conforms
    assert broken == ValidationResult(*_pyshacl(graph))
