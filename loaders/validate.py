"""SHACL validation of each document's graph against ``ontology/shapes.ttl``.

Validated per document (with the ontology mixed in for the class hierarchy)
rather than as one whole graph, so the cost grows with the document, not the corpus.

Validation is the largest share of a build (``docs/benchmarks.md``), so a process
prepares once what ``pyshacl.validate`` would make again for every document: the
shapes (parsed, harvested, and their SPARQL constraints parsed), and the triples
pyshacl mixes in from ``_shape_facts``.  The answers are pyshacl's own, word for word
(``tests/test_validate.py`` checks them against ``pyshacl.validate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from pyshacl import Validator
from pyshacl.graph_abstraction import RdfLibDataGraph
from pyshacl.rdfutil.inoculate import inoculate
from pyshacl.shapes_graph import ShapesGraph
from rdflib import OWL, RDF, RDFS, Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.plugins.stores.memory import Memory

from .lexicon import ontology_dir
from .vocab import vocabulary_graph


@dataclass
class ValidationResult:
    conforms: bool
    report: str


@cache
def _shapes() -> Graph:
    return Graph().parse(ontology_dir() / "shapes.ttl")


@cache
def ontology_graph() -> Graph:
    """The ontology and its vocabularies (everything under ``ontology/`` but the shapes)."""
    graph = Graph()
    graph.parse(ontology_dir() / "policykg.ttl")
    graph += vocabulary_graph()  # parsed once, shared with the matchers of loaders/vocab.py
    return graph


# Types that say what a term of the ontology is (a class, a property), not what a concept is.
_SCHEMA_TYPES = {OWL.Class, RDFS.Class, RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty,
                 OWL.AnnotationProperty, OWL.Ontology, OWL.FunctionalProperty, OWL.TransitiveProperty,
                 OWL.SymmetricProperty, OWL.InverseFunctionalProperty}


@cache
def _shape_facts() -> Graph:
    """What the shapes need to know beyond a document: the class hierarchy (sh:targetClass and sh:class
    match subclasses) and what each vocabulary concept is (sh:class pkg:PolicyDomain).

    pyshacl copies the document and this graph together before every validation; labels, comments
    and property declarations (four fifths of the ontology) are never asked, so they are left out.
    """
    full, facts = ontology_graph(), Graph()
    for triple in full.triples((None, RDFS.subClassOf, None)):
        facts.add(triple)
    for subject, kind in full.subject_objects(RDF.type):
        if kind not in _SCHEMA_TYPES:
            facts.add((subject, RDF.type, kind))
    return facts


OPTIONS = {"inference": "none", "allow_warnings": True, "inplace": True}


def validate_graph(data: Graph) -> ValidationResult:
    """Validate one document's graph; the report text names each violation.

    As ``pyshacl.validate(data, shacl_graph=shapes, ont_graph=_shape_facts(), inference="none",
    allow_warnings=True)``, which copies the graph to mix the facts in: here they are added to
    ``data`` for the validation and taken out again (only those it did not hold already)."""
    added = [triple for triple in _mixed_in() if triple not in data]
    for triple in added:
        data.add(triple)
    try:
        # pyshacl's wrapper wants a context-aware store of its own; ``data`` answers every question
        validator = Validator(_DocumentData(Memory(), data), shacl_graph=_shapes(), options=dict(OPTIONS))
        validator.shacl_graph = _shapes_graph()  # harvested once per process, not once per document
        conforms, _, text = validator.run()
    finally:
        for triple in added:
            data.remove(triple)
    return ValidationResult(bool(conforms), text)


@cache
def _mixed_in() -> tuple:
    """The triples pyshacl's ``ont_graph`` mixes into every document (``inoculate``: the ontology's
    axioms found in ``_shape_facts``, the rdfs:subClassOf hierarchy), worked out once."""
    graph = Graph()
    inoculate(RdfLibDataGraph(Memory(), graph), _shape_facts())
    return tuple(graph)


@cache
def _shapes_graph() -> ShapesGraph:
    """The shapes as pyshacl's ``Validator`` makes them, kept (its shapes hold no state of one
    validation).  With the SPARQL constraints parsed once and no copy of the document, a third less
    CPU per document than ``pyshacl.validate``."""
    return ShapesGraph(_shapes())


class _DocumentData(RdfLibDataGraph):
    """A document's graph as pyshacl's data graph, its SPARQL constraints parsed once per process
    (pyshacl hands the same query text for every focus node)."""

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=64)
def _prepared(text: str) -> Query:
    return prepareQuery(text)
