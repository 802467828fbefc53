"""SHACL validation of each document's graph against ``ontology/shapes.ttl``.

Validated per document (with the ontology's class hierarchy mixed in) rather than as one whole
graph, so the cost grows with the document, not the corpus.

Validation was the largest share of a build (``docs/benchmarks.md``).  The engine is pyshacl-turbo,
pySHACL's rules compiled to native code: the shapes are compiled once per process and each document
is handed over as the N-Triples text the build writes anyway, so no rdflib graph is walked.  Its
answers are pyshacl's, word for word — the verdict and the report text the build shows for a refused
document (``tests/test_validate.py`` checks them against ``pyshacl.validate`` on valid and broken
graphs); pyshacl itself stays the reference and works out the facts it would mix in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pyshacl.graph_abstraction import RdfLibDataGraph
from pyshacl.rdfutil.inoculate import inoculate
from pyshacl_turbo import CompiledShapes, compile_shapes
from pyshacl_turbo.rdf import Input
from rdflib import OWL, RDF, RDFS, Graph
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

    Labels, comments and property declarations (four fifths of the ontology) are never asked, so
    they are left out.
    """
    full, facts = ontology_graph(), Graph()
    for triple in full.triples((None, RDFS.subClassOf, None)):
        facts.add(triple)
    for subject, kind in full.subject_objects(RDF.type):
        if kind not in _SCHEMA_TYPES:
            facts.add((subject, RDF.type, kind))
    return facts


def validate_graph(data: Graph, ntriples: str | None = None) -> ValidationResult:
    """Validate one document's graph; the report text names each violation.

    As ``pyshacl.validate(data, shacl_graph=shapes, ont_graph=_shape_facts(), inference="none",
    allow_warnings=True)``.  ``ntriples`` is ``data`` already written as N-Triples (the build has
    it); the graph's prefixes go with it, since the report writes names with them.  ``data`` is
    not changed."""
    if ntriples is None:
        ntriples = data.serialize(format="nt")
    # an ``Input`` is parsed by the engine itself (a text or a Graph would be read into rdflib first)
    document = Input(ntriples + _mixed_in(), "nt", None, {}, {prefix: str(ns) for prefix, ns in data.namespaces()})
    conforms, _, text = _compiled_shapes().validate(document, allow_warnings=True)
    return ValidationResult(bool(conforms), text)


@cache
def _compiled_shapes() -> CompiledShapes:
    """The shapes compiled once per process (they hold no state of one validation)."""
    return compile_shapes(_shapes())


@cache
def _mixed_in() -> str:
    """The triples pyshacl's ``ont_graph`` mixes into every document (``inoculate``: the ontology's
    axioms found in ``_shape_facts``, the rdfs:subClassOf hierarchy), worked out once, as N-Triples."""
    graph = Graph()
    inoculate(RdfLibDataGraph(Memory(), graph), _shape_facts())
    return graph.serialize(format="nt")
