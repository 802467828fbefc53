"""Alignments across plans → RDF: the same indicator or programme at another level.

Each link is a plain ``pkg:alignedWith`` triple plus an ``rdf:Statement`` with the
method and score, so a researcher can filter by confidence.  Its evidence is the
two rows (or programme names) it joins: both quotes stand side by side.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, XSD, Graph, Literal, URIRef

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


def alignment_graph(indicators: list[Candidate], programmes: list[Candidate],
                    parents: dict[str, set[str]] | None = None) -> Graph:
    """The alignments among the documents' candidates: of plans related in the cascade when ``parents``
    (each document's plan → the loaded plans it cites) is given, else of every pair of plans."""
    national = {c.plan for c in [*indicators, *programmes] if c.level == "national"}
    related = related_plans(parents, national) if parents is not None else None
    graph = Graph()
    for alignment in [*align_indicators(indicators, related), *align_programmes(programmes, related)]:
        _write(graph, alignment)
    return graph


def _write(graph: Graph, alignment: Alignment) -> None:
    a, b = URIRef(alignment.a), URIRef(alignment.b)
    graph.add((a, PKG.alignedWith, b))
    graph.add((b, PKG.alignedWith, a))
    statement = child_iri(a, "alignedWith", b.split("/id/", 1)[-1].replace("/", "~"))
    graph.add((statement, RDF.type, RDF.Statement))
    graph.add((statement, RDF.subject, a))
    graph.add((statement, RDF.predicate, PKG.alignedWith))
    graph.add((statement, RDF.object, b))
    graph.add((statement, PKG.alignmentMethod, Literal(alignment.method)))
    score = Decimal(str(round(alignment.score, 3)))
    graph.add((statement, PKG.alignmentScore, Literal(score, datatype=XSD.decimal)))
    for node in (a, b):
        graph.add((statement, PKG.evidence, child_iri(node, "evidence")))
