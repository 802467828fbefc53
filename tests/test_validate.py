"""``loaders/validate.py`` prepares pyshacl's work once per process (shapes, mixed-in facts, SPARQL
constraints); its answers must stay pyshacl's own: same verdict, same report text, and the
document's graph unchanged afterwards."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import SKOS, Graph, Literal

from policykg.loaders.validate import _shape_facts, _shapes, validate_graph

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
