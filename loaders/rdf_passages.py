"""Passages → RDF: every unit of the plan's text, verbatim, with where it sits and what it mentions.

A passage is its own evidence (its text is the quote), so it carries the span
itself; its place is the node written for the part of the outline it sits in.
"""

from __future__ import annotations

from rdflib import RDF, Literal, URIRef

from .iris import PKG, child_iri
from .model import IndicatorRow, Programme
from .passages import Passage, find_passages


def write_passages(writer) -> int:
    """Add the document's passages to ``writer`` (a ``DocumentGraph`` that has written everything else:
    its outline and programmes are named by the nodes it made); how many were written."""
    written = 0
    for passage in find_passages(writer.doc):
        raw = writer.doc.text.raw_span(passage.span)
        text = writer.doc.text.raw[raw.start : raw.end]
        if not text.strip():
            continue
        written += 1
        _passage(writer, child_iri(writer.iri, "passage", written), passage, text, raw.start, raw.end)
    return written


def _passage(writer, node: URIRef, passage: Passage, text: str, start: int, end: int) -> None:
    writer.add(node, RDF.type, PKG.Passage)
    writer.add(node, PKG.text, Literal(text))
    writer.add(node, PKG.charStart, Literal(start))
    writer.add(node, PKG.charEnd, Literal(end))
    writer.add(node, PKG.passageKind, Literal(passage.kind))
    writer.add(node, PKG.inDocument, writer.iri)
    place = writer.glossary_node if passage.container == "glossary" else writer.node_of(passage.container)
    if place is not None:
        writer.add(node, PKG.inDivision, place)
    for entity in passage.mentions:
        target = _entity(writer, entity)
        if target is not None:
            writer.add(node, PKG.mentions, target)


def _entity(writer, entity: object) -> URIRef | None:
    """The node of a mentioned programme or indicator row, or a concept's IRI."""
    if isinstance(entity, (Programme, IndicatorRow)):
        return writer.node_of(entity)
    return URIRef(entity) if isinstance(entity, str) else None
