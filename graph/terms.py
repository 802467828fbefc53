"""pyoxigraph terms as rdflib terms, for the places that write answers with rdflib's serialisers."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class TripleTerm(ValueError):
    """An RDF-star triple term, which rdflib's writers cannot hold."""


def to_rdflib(term: Any) -> URIRef | BNode | Literal:
    """The rdflib term for a pyoxigraph term, lexical forms kept as they are (``normalize=False``)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TripleTerm(str(term))
