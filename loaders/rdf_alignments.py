"""Alignments across plans → RDF: the same indicator or programme at another level.

Each link is a plain ``pkg:alignedWith`` triple plus an ``rdf:Statement`` with the
method and score, so a researcher can filter by confidence.  Its evidence is the
two rows (or programme names) it joins: both quotes stand side by side.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from rdflib import RDF, XSD, Literal, URIRef

from .align import Alignment, Candidate, align_indicators, align_programmes, related_plans
from .iris import PKG, child_iri
from .rdf import DocumentGraph


def candidates(writer: DocumentGraph) -> tuple[list[Candidate], list[Candidate]]:
    """The indicator rows and programmes of one written document, as alignment candidates."""
    plan, level = str(writer.iri), writer.doc.metadata.level
    indicators = [
        Candidate(str(writer.nodes[id(row)]), plan, level, row.name, row.unit, table.kind)
        for table in writer.tables for row in table.rows if id(row) in writer.nodes
    ]
    programmes = [Candidate(str(writer.nodes[id(p)]), plan, level, p.name) for p in writer.doc.programmes]
    return indicators, programmes


def alignment_triples(indicators: list[Candidate], programmes: list[Candidate],
                      parents: dict[str, set[str]] | None = None, national: set[str] = frozenset()
                      ) -> Iterator[tuple]:
    """The alignments among the documents' candidates: of plans related in the cascade when ``parents``
    (each document's plan → the loaded plans it cites; ``national``: the national plans) is given, else of
    every pair of plans.

    One at a time: a large corpus has millions of them, which the build writes straight to its file.
    """
    related = related_plans(parents, national) if parents is not None else None
    for alignment in [*align_indicators(indicators, related), *align_programmes(programmes, related)]:
        yield from _triples(alignment)


def _triples(alignment: Alignment) -> Iterator[tuple]:
    a, b = URIRef(alignment.a), URIRef(alignment.b)
    statement = child_iri(a, "alignedWith", b.split("/id/", 1)[-1].replace("/", "~"))
    score = Decimal(str(round(alignment.score, 3)))
    yield from ((a, PKG.alignedWith, b), (b, PKG.alignedWith, a),
                (statement, RDF.type, RDF.Statement), (statement, RDF.subject, a),
                (statement, RDF.predicate, PKG.alignedWith), (statement, RDF.object, b),
                (statement, PKG.alignmentMethod, Literal(alignment.method)),
                (statement, PKG.alignmentScore, Literal(score, datatype=XSD.decimal)))
    for node in (a, b):
        yield statement, PKG.evidence, child_iri(node, "evidence")
