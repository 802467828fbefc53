"""SHACL validation of each document's graph against ``ontology/shapes.ttl``.

Validated per document (with the ontology mixed in for the class hierarchy)
rather than as one whole graph, so the cost grows with the document, not the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pyshacl import validate
from rdflib import Graph

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


def validate_graph(data: Graph) -> ValidationResult:
    """Validate one document's graph; the report text names each violation."""
    conforms, _, text = validate(data, shacl_graph=_shapes(), ont_graph=ontology_graph(),
                                 inference="none", allow_warnings=True)
    return ValidationResult(bool(conforms), text)
