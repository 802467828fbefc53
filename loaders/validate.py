"""SHACL validation of each document's graph against ``ontology/shapes.ttl``.

Validated per document (with the ontology mixed in for the class hierarchy)
rather than as one whole graph, so the cost grows with the document, not the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pyshacl import validate
from rdflib import OWL, RDF, RDFS, Graph

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


def validate_graph(data: Graph) -> ValidationResult:
    """Validate one document's graph; the report text names each violation."""
    conforms, _, text = validate(data, shacl_graph=_shapes(), ont_graph=_shape_facts(),
                                 inference="none", allow_warnings=True)
    return ValidationResult(bool(conforms), text)
