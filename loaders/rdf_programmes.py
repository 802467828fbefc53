"""Programmes and their relations → RDF, each relation with the sentence that says it.

A relation is written twice: as a plain triple (``programme pkg:serves group``)
for simple queries, and as an ``rdf:Statement`` about that triple carrying its
evidence and the words that matched, so a query can ask *why* as well as *what*.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, SKOS, XSD, Literal, URIRef

from .iris import PKG, child_iri, segment
from .model import Body, Programme, Relation, Span
from .programmes import division_at


def write_programmes(writer, programmes: list[Programme], relations: list[Relation],
                     bodies: list[Body] = ()) -> None:
    """Add ``programmes``, their ``relations`` and the ``bodies`` the text names to ``writer``."""
    iris = {p.name: child_iri(writer.iri, "programme", p.name) for p in programmes}
    for programme in programmes:
        writer.nodes[id(programme)] = iris[programme.name]
        _programme(writer, programme, iris[programme.name])
    known = {body.iri for body in bodies}
    for body in bodies:
        _body(writer, body)
    # the most confident reading of a link first: a link read twice (a sentence, and the role paragraph
    # around it) is one statement with both quotes, and the window and confidence of the surer reading
    for relation in sorted(relations, key=lambda r: -(r.confidence if r.confidence is not None else -1)):
        if relation.predicate.endswith("Body") and relation.target not in known:
            _body(writer, Body(relation.matched, relation.matched, relation.target, relation.evidence))
            known.add(relation.target)
        _relation(writer, iris[relation.programme], relation)


def _body(writer, body: Body) -> None:
    """A body the document names: typed and labelled, and linked from the document with its quote.

    The body node is shared by every document that names it; the mention, with its
    evidence, is a statement of this document's graph (so quotes never mix).
    """
    node = URIRef(body.iri)
    writer.body(node, body.canonical)
    if body.written != body.canonical:
        writer.add(node, SKOS.altLabel, Literal(body.written, lang="zh"))
    mention = Relation("", "mentionsBody", body.iri, body.span, body.written, window="text")
    _relation(writer, writer.iri, mention)


def _programme(writer, programme: Programme, node: URIRef) -> None:
    writer.add(node, RDF.type, PKG.Programme)
    writer.label(node, programme.name)
    written = writer.doc.text.quote(programme.span)
    if written != programme.name and len(written) == len(programme.name) and written.strip() == written:
        # the name as the source writes it (traditional characters in 003); the label is simplified
        writer.add(node, SKOS.altLabel, Literal(written, lang="zh-Hant"))
    writer.add(node, PKG.programmeKind, PKG[f"kind-{programme.kind}"])
    writer.add(node, PKG.origin, Literal(programme.origin))
    writer.add(node, PKG.timing, Literal(programme.period))
    writer.add(node, PKG.inDocument, writer.iri)
    place = writer.node_of(programme.item or programme.box) or writer.node_of(programme.division)
    writer.evidence(node, programme.span, place)
    for text in programme.texts:
        where = _place(writer, programme, text)
        if where is not None:
            writer.add(node, PKG.mentionedIn, where)
    if programme.origin == "glossary" or programme.name in writer.glossary_terms:
        term = writer.glossary_terms.get(programme.name)
        if term is not None:
            writer.add(term, PKG.definesProgramme, node)


def _place(writer, programme: Programme, text: Span) -> URIRef | None:
    """The node a piece of the programme's text sits in: its item, box, division or glossary."""
    if programme.item is not None and text == (programme.item.body or programme.item.span):
        return writer.node_of(programme.item)
    if programme.box is not None and text == (programme.box.body or programme.box.span):
        return writer.node_of(programme.box)
    division = division_at(writer.doc.chapters, text.start)
    if division is not None:
        return writer.node_of(division)
    return writer.glossary_node


def _where(writer, span: Span) -> URIRef | None:
    """The division a quote sits in, or the glossary for a quote from a definition."""
    division = division_at(writer.doc.chapters, span.start)
    if division is not None:
        return writer.node_of(division)
    glossary = writer.doc.glossary_span
    if glossary is not None and glossary.start <= span.start < glossary.end:
        return writer.glossary_node
    return None


def _relation(writer, subject: URIRef, relation: Relation) -> None:
    predicate, target = PKG[relation.predicate], URIRef(relation.target)
    writer.add(subject, predicate, target)
    statement = child_iri(subject, relation.predicate, segment(target.split("/")[-1]))
    writer.add(statement, RDF.type, RDF.Statement)
    writer.add(statement, RDF.subject, subject)
    writer.add(statement, RDF.predicate, predicate)
    writer.add(statement, RDF.object, target)
    writer.add(statement, PKG.inDocument, writer.iri)
    # One evidence node per sentence, shared by the relations read from it: a sentence naming three
    # groups and two bodies gives five relations, and copies of one quote were a tenth of a document's
    # triples.  What differs per relation (the words that matched, window, confidence) is on the statement.
    key = f"{relation.evidence.start}-{relation.evidence.end}"
    writer.evidence(statement, relation.evidence, _where(writer, relation.evidence), key=key, shared=True)
    writer.add(statement, PKG.matchedLabel, Literal(relation.matched, lang="zh"))
    if (statement, PKG.window, None) in writer.graph or (statement, PKG.confidence, None) in writer.graph:
        return  # read before, more surely (write_programmes writes the surest reading first)
    if relation.window is not None:
        writer.add(statement, PKG.window, Literal(relation.window))
    if relation.confidence is not None:
        writer.add(statement, PKG.confidence, Literal(Decimal(str(relation.confidence)), datatype=XSD.decimal))

